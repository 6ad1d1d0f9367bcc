package io.t4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.hub.HubException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP to the hub and its CDN: redirects followed by hand so the token never leaves the hub's host, and hub errors
 * mapped as huggingface_hub's {@code hf_raise_for_status} maps them (utils/_http.py).
 */
final class HubHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_AGENT = "t4j; java/" + Runtime.version().feature();
    private static final int MAX_REDIRECTS = 10;

    private final HubSettings settings;
    private final HttpClient client;

    HubHttp(HubSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@link #send}, with a failure to connect reported as {@link Reason#NETWORK}. */
    HttpResponse<InputStream> request(HubTarget target, String method, URI url, Map<String, String> headers,
                                      boolean followAllRedirects) {
        try {
            return send(target, method, url, headers, followAllRedirects);
        } catch (IOException e) {
            throw new HubException(Reason.NETWORK, "Cannot reach " + url + " for " + target + ": " + e, e);
        }
    }

    /**
     * Sends a request and follows its redirects: all of them, or only relative ones (what huggingface_hub does for
     * a {@code HEAD}, so that the hub's own headers on a redirect to the CDN are seen). The token is sent only to
     * the endpoint's scheme, host and port, never to a CDN.
     */
    HttpResponse<InputStream> send(HubTarget target, String method, URI url, Map<String, String> headers,
                                   boolean followAllRedirects) throws IOException {
        URI current = url;
        for (int hops = 0; ; hops++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(settings.timeout())
                    .method(method, HttpRequest.BodyPublishers.noBody()).header("User-Agent", USER_AGENT);
            headers.forEach(request::header);
            if (settings.token().isPresent() && sameOrigin(current, settings.endpoint())) {
                request.header("Authorization", "Bearer " + settings.token().get());
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while fetching " + current);
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (response.statusCode() / 100 != 3 || location.isEmpty()) {
                return response;
            }
            URI next = current.resolve(location.get());
            if (!followAllRedirects && URI.create(location.get()).getRawAuthority() != null) {
                return response;
            }
            response.body().close();
            if (hops == MAX_REDIRECTS) {
                throw new HubException(Reason.HTTP, "Too many redirects for " + target + ", last to " + next);
            }
            current = next;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The error an unsuccessful response stands for; the hub's {@code X-Error-Code} says which one it is. */
    HubException error(HubTarget target, HttpResponse<InputStream> response, boolean fileRequest) {
        int status = response.statusCode();
        String code = response.headers().firstValue("X-Error-Code").orElse("");
        String where = " (HTTP " + status + " for " + response.uri() + ")";
        String server = serverMessage(response).map(m -> " Server message: " + m).orElse("");
        String tokenHint = settings.token().isPresent()
                ? "make sure the token in HF_TOKEN has access to it"
                : "set HF_TOKEN to a token with access to it (https://huggingface.co/settings/tokens)";
        String repo = target.type().label() + " '" + target.repoId() + "'";
        return switch (code) {
            case "RepoNotFound" -> new HubException(Reason.REPOSITORY_NOT_FOUND, "Repository Not Found: " + repo
                    + where + ". Check the repo id and the repo type; if the repo is private or gated, " + tokenHint
                    + "." + server);
            case "RevisionNotFound" -> new HubException(Reason.REVISION_NOT_FOUND, "Revision Not Found: " + repo
                    + " has no branch, tag or commit '" + target.revision() + "'" + where + "." + server);
            case "EntryNotFound" -> new HubException(Reason.ENTRY_NOT_FOUND, "Entry Not Found: " + target
                    + " does not exist" + where + "." + server);
            case "GatedRepo" -> new HubException(Reason.GATED_REPO, "Cannot access gated repo: " + target + where
                    + ". Request access at " + settings.endpoint() + "/" + target.type().urlPrefix() + target.repoId()
                    + ", then " + tokenHint + "." + server);
            default -> status == 401 || status == 403
                    ? new HubException(Reason.UNAUTHORIZED, (status == 401 ? "Unauthorized: " : "Forbidden: ")
                            + target + where + "; " + tokenHint + "." + server)
                    : status == 404
                    ? new HubException(fileRequest ? Reason.ENTRY_NOT_FOUND : Reason.REPOSITORY_NOT_FOUND,
                            "Not found: " + target + where + "." + server)
                    : new HubException(Reason.HTTP, "The hub answered HTTP " + status + " for " + target + " ("
                            + response.uri() + ")." + server);
        };
    }

    /** {@code X-Error-Message}, else the {@code error} field of a JSON body. */
    private static Optional<String> serverMessage(HttpResponse<InputStream> response) {
        Optional<String> header = response.headers().firstValue("X-Error-Message");
        try (InputStream body = response.body()) {
            if (header.isPresent()) {
                return header;
            }
            JsonNode json = JSON.readTree(body.readNBytes(16_384));
            return Optional.ofNullable(json).map(j -> j.get("error")).filter(JsonNode::isTextual).map(JsonNode::asText);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
