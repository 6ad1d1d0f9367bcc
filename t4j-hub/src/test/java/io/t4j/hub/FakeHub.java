package io.t4j.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for huggingface.co, serving the hub's URL layout with the hub's headers:
 * {@code /api/{models|datasets}/{id}/revision/{rev}}, {@code [/datasets]/{id}/resolve/{rev}/{file}} (ETag,
 * X-Repo-Commit, X-Error-Code, Range), LFS files redirected to a CDN on another host name ({@code localhost}
 * instead of {@code 127.0.0.1}) and port, gated and private repos, renamed repos (a relative redirect).
 */
final class FakeHub implements AutoCloseable {
    static final String TOKEN = "hf_test_token";

    /** One request as the servers saw it. */
    record Request(String server, String method, String path, String host, String authorization, String range) {}

    /** A repo: commits (commit → files), refs (branch or tag → commit), files served through the CDN. */
    static final class Repo {
        final Map<String, Map<String, byte[]>> commits = new LinkedHashMap<>();
        final Map<String, String> refs = new HashMap<>();
        final Set<String> lfs = new HashSet<>();
        boolean gated;
        boolean isPrivate;

        Repo commit(String commit, Map<String, byte[]> files, String... refNames) {
            commits.put(commit, files);
            for (String ref : refNames) {
                refs.put(ref, commit);
            }
            return this;
        }
    }

    final Map<String, Repo> repos = new HashMap<>();
    final Map<String, String> renamed = new HashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Files whose HEAD announces this size instead of the real one. */
    final Map<String, Long> announcedSize = new HashMap<>();
    /** Files whose next full GET breaks the connection halfway. */
    final Set<String> breakOnce = new HashSet<>();
    /** Files the CDN serves corrupted (same length, wrong bytes). */
    final Set<String> corruptOnCdn = new HashSet<>();
    private final Map<String, byte[]> cdnBlobs = new HashMap<>();
    private final HttpServer hub;
    private final HttpServer cdn;

    FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.createContext("/", exchange -> handle("hub", exchange, this::serveHub));
        cdn.createContext("/", exchange -> handle("cdn", exchange, this::serveCdn));
        hub.start();
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    Repo repo(RepoType type, String id) {
        return repos.computeIfAbsent(type.plural() + "/" + id, k -> new Repo());
    }

    List<Request> requests(String server) {
        return requests.stream().filter(r -> r.server().equals(server)).toList();
    }

    static String commit(String label) {
        return HexFormat.of().formatHex(digest("SHA-1", label.getBytes(StandardCharsets.UTF_8)));
    }

    /** The git blob sha1 the hub sends as the ETag of a regular file. */
    static String gitSha1(byte[] content) {
        byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(header, header.length + content.length);
        System.arraycopy(content, 0, all, header.length, content.length);
        return HexFormat.of().formatHex(digest("SHA-1", all));
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256", content));
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Handler {
        void serve(HttpExchange exchange, String path) throws IOException;
    }

    private void handle(String server, HttpExchange exchange, Handler handler) throws IOException {
        var h = exchange.getRequestHeaders();
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(server, exchange.getRequestMethod(), path, h.getFirst("Host"),
                h.getFirst("Authorization"), h.getFirst("Range")));
        try (exchange) {
            handler.serve(exchange, path);
        }
    }

    private void serveHub(HttpExchange exchange, String path) throws IOException {
        boolean api = path.startsWith("/api/");
        String rest = api ? path.substring(5) : path.substring(1);
        RepoType type = rest.startsWith("datasets/") ? RepoType.DATASET : RepoType.MODEL;
        rest = api ? rest.substring(rest.indexOf('/') + 1) : rest.substring(type.urlPrefix().length());
        String[] parts = rest.split("/", 5); // org, name, "resolve"|"revision", revision, file
        String id = parts[0] + "/" + parts[1];
        String revision = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
        if (renamed.containsKey(id)) {
            exchange.getResponseHeaders().set("Location", path.replace(id, renamed.get(id)));
            send(exchange, 307, new byte[0]);
            return;
        }
        Repo repo = repos.get(type.plural() + "/" + id);
        boolean authorized = ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
        if (repo == null || (repo.isPrivate && !authorized)) {
            // like the hub: 404 for a missing repo, 401 for a private one without a valid token
            error(exchange, repo == null ? 404 : 401, "RepoNotFound", "Repository not found");
            return;
        }
        String commit = repo.commits.containsKey(revision) ? revision : repo.refs.get(revision);
        if (commit == null) {
            error(exchange, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        Map<String, byte[]> files = repo.commits.get(commit);
        if (api) {
            String siblings = String.join(",", files.keySet().stream().map(f -> "{\"rfilename\":\"" + f + "\"}").toList());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            send(exchange, 200, ("{\"id\":\"" + id + "\",\"sha\":\"" + commit + "\",\"private\":" + repo.isPrivate
                    + ",\"siblings\":[" + siblings + "]}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (repo.gated && !authorized) {
            error(exchange, 401, "GatedRepo", "Access to model " + id + " is restricted. You must have access to it"
                    + " and be authenticated to access it. Please log in.");
            return;
        }
        String filename = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
        byte[] content = files.get(filename);
        var headers = exchange.getResponseHeaders();
        headers.set("X-Repo-Commit", commit);
        if (content == null) {
            error(exchange, 404, "EntryNotFound", filename + " does not exist on \"" + revision + "\"");
            return;
        }
        long size = announcedSize.getOrDefault(filename, (long) content.length);
        if (repo.lfs.contains(filename)) {
            String sha = sha256(content);
            cdnBlobs.put(sha, corruptOnCdn.contains(filename) ? corrupt(content) : content);
            headers.set("ETag", "\"" + gitSha1(("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha)
                    .getBytes(StandardCharsets.UTF_8)) + "\"");
            headers.set("X-Linked-Etag", "\"" + sha + "\"");
            headers.set("X-Linked-Size", Long.toString(size));
            headers.set("Location", "http://localhost:" + cdn.getAddress().getPort() + "/blobs/" + sha
                    + "?X-Amz-Signature=abc");
            send(exchange, 302, new byte[0]);
            return;
        }
        headers.set("ETag", "\"" + gitSha1(content) + "\"");
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", Long.toString(size));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        serveBytes(exchange, filename, content);
    }

    private void serveCdn(HttpExchange exchange, String path) throws IOException {
        byte[] content = cdnBlobs.get(path.substring("/blobs/".length()));
        if (content == null || exchange.getRequestHeaders().containsKey("Authorization")) {
            // a real CDN rejects a signed URL that also carries a bearer token
            send(exchange, content == null ? 404 : 400, new byte[0]);
            return;
        }
        serveBytes(exchange, path, content);
    }

    private void serveBytes(HttpExchange exchange, String name, byte[] content) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            int from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            if (from >= content.length) {
                send(exchange, 416, new byte[0]);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/"
                    + content.length);
            send(exchange, 206, Arrays.copyOfRange(content, from, content.length));
            return;
        }
        if (breakOnce.remove(name)) {
            exchange.sendResponseHeaders(200, content.length);
            OutputStream out = exchange.getResponseBody();
            out.write(content, 0, content.length / 2);
            out.flush();
            exchange.close(); // fewer bytes than Content-Length: the server drops the connection
            return;
        }
        send(exchange, 200, content);
    }

    private static byte[] corrupt(byte[] content) {
        byte[] bad = content.clone();
        bad[0] ^= 1;
        return bad;
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        exchange.getResponseHeaders().set("X-Error-Code", code);
        exchange.getResponseHeaders().set("X-Error-Message", message);
        send(exchange, status, ("{\"error\":\"" + message.replace("\"", "\\\"") + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
