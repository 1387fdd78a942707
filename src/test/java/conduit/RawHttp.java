package conduit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for what an HTTP client library will not send (chunk extensions,
 * malformed chunks, bodies that never arrive) or hides (how many responses came, whether the
 * server closed the connection). Note: Helidon 4.5 does not close a connection after an exchange
 * that says {@code Connection: close}; {@link #response} reads one response by its length instead.
 */
public final class RawHttp implements AutoCloseable {
    /** Everything the server sent until it closed (or the wait ran out), and how long that took. */
    public record Exchange(String text, boolean closed, long millis) {
        public int responses() {
            return text.split("HTTP/1\\.1 \\d{3}", -1).length - 1;
        }

        public int status() {
            return text.length() < 12 ? 0 : Integer.parseInt(text.substring(9, 12));
        }

        /** The first response's header value, or null. */
        public String header(String name) {
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) {
                    return null;
                }
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return line.substring(name.length() + 1).trim();
                }
            }
            return null;
        }

        /** The first response's body (after the blank line). */
        public String body() {
            int at = text.indexOf("\r\n\r\n");
            return at < 0 ? "" : text.substring(at + 4);
        }
    }

    private final Socket socket;

    public RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp send(String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Reads one complete response (by Content-Length; none for HEAD), or what came within {@code waitMillis}. */
    public Exchange response(boolean head, int waitMillis) {
        long start = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            socket.setSoTimeout(waitMillis);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                String text = out.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    Exchange partial = new Exchange(text, false, 0);
                    String length = partial.header("Content-Length");
                    int body = head || length == null ? 0 : Integer.parseInt(length);
                    if (text.length() >= end + 4 + body) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            // timed out or reset: return what came
        }
        return new Exchange(out.toString(StandardCharsets.UTF_8), false, (System.nanoTime() - start) / 1_000_000);
    }

    /** Reads until the server closes the connection, or {@code waitMillis} pass without it. */
    public Exchange read(int waitMillis) {
        long start = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean closed = false;
        try {
            socket.setSoTimeout(waitMillis);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (IOException e) {
            closed = true; // reset by the server
        }
        return new Exchange(out.toString(StandardCharsets.UTF_8), closed, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
