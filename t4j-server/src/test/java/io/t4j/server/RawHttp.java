package io.t4j.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over one plain socket, for tests that must see the connection itself: whether a response says
 * {@code Connection: close}, whether the server then closes the socket, and requests written in parts.
 */
final class RawHttp implements AutoCloseable {
    /** A response: status, headers (lower-case names) and body. */
    record Response(int status, Map<String, String> headers, String body) {
        boolean closes() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(URI base) throws IOException {
        socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The request line and headers of a JSON POST, with {@code extraHeaders} (e.g. "Connection: close"). */
    static String head(String path, int contentLength, String... extraHeaders) {
        StringBuilder h = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + contentLength + "\r\n");
        for (String extra : extraHeaders) {
            h.append(extra).append("\r\n");
        }
        return h.append("\r\n").toString();
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a whole JSON POST. */
    void post(String path, String json, String... extraHeaders) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        write(head(path, body.length, extraHeaders) + json);
    }

    /** Reads one response, or null when the server closed the connection before sending a byte of it. */
    Response read() throws IOException {
        String status = line();
        if (status == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, body);
    }

    /** Whether the server has closed the connection (the next read is the end of the stream). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
