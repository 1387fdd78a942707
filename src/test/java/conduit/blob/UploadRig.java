package conduit.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conduit.db.ReadConsistency;
import conduit.session.SessionPolicy;
import conduit.session.SessionStore;
import conduit.session.Sessions;
import conduit.web.Auth;
import conduit.web.ErrorHandling;
import conduit.web.Idempotency;
import conduit.crypto.BlindIndex;
import conduit.idempotency.IdempotencyRecords;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;

/**
 * A minimal server for the upload routes (the real wiring lives in App): sessions in memory,
 * the error mapping, the upload API and, in embedded mode, the local file routes. Plus raw
 * HTTP helpers for talking to presigned URLs the way a browser does.
 */
final class UploadRig {
    static final SessionStore SESSIONS = Sessions.inMemory(SessionPolicy.DEFAULT, System::currentTimeMillis);
    private static final HttpClient HTTP = HttpClient.newHttpClient(); // follows no redirects
    private static final ObjectMapper JSON = new ObjectMapper();

    private UploadRig() {
    }

    static void configure(WebServerConfig.Builder server, UploadService uploads, LocalBlobStore local) {
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter((chain, req, res) -> {
            try {
                chain.proceed();
            } finally {
                ReadConsistency.clear();
            }
        });
        ErrorHandling.register(routing);
        // Mounted where App mounts them.
        routing.register("/api/uploads", new UploadRoutes(uploads, new Auth(SESSIONS, new ReadConsistency(5000)),
                        new Idempotency(IdempotencyRecords.inMemory(1 << 20, System::currentTimeMillis, BlindIndex.of(new byte[32]))),
                        conduit.ratelimit.RateLimiter.local(conduit.ratelimit.RateLimits.DEFAULT)))
                .register("/api/images", new ImageRoutes(uploads));
        if (local != null) {
            routing.register(LocalBlobStore.ROUTE, new LocalFileRoutes(local, UploadService.MAX_BYTES));
        }
        ErrorHandling.registerNotFound(routing);
        // Uploads are bigger than any JSON body: the server's limit must let the largest through.
        server.maxPayloadSize(UploadService.MAX_BYTES + 1024 * 1024).routing(routing);
    }

    /** A signed-in user with this id; returns their token. */
    static String signIn(long userId) {
        return SESSIONS.create(userId, new conduit.common.ClientInfo(java.net.InetAddress.getLoopbackAddress(), "JUnit"));
    }

    /**
     * A PUT on a connection of its own. A store that refuses an upload (403) may close the
     * connection after answering; a pooled client could then send the next PUT on it and get no
     * answer at all ("header parser received no bytes", seen once under load in
     * S3UploadTest.aTamperedUrlIs403), where a browser would retry.
     */
    static HttpResponse<byte[]> put(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(req::header);
        try (HttpClient own = HttpClient.newHttpClient()) {
            return send(own, req.build());
        }
    }

    static HttpResponse<byte[]> get(URI url) {
        return send(HttpRequest.newBuilder(url).GET().build());
    }

    static HttpResponse<byte[]> send(HttpRequest request) {
        return send(HTTP, request);
    }

    private static HttpResponse<byte[]> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(response.body()), e);
        }
    }

    /** {@code {"upload":{...}}} for POST /api/uploads. */
    static String uploadRequest(String contentType, long contentLength, String purpose) {
        return "{\"upload\":{\"contentType\":\"" + contentType + "\",\"contentLength\":" + contentLength
                + ",\"purpose\":\"" + purpose + "\"}}";
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    /** The same URL with one character of its signature changed. */
    static URI tamperSignature(URI url, String parameter) {
        String s = url.toString();
        int at = s.indexOf(parameter + "=") + parameter.length() + 1;
        char c = s.charAt(at);
        return URI.create(s.substring(0, at) + (c == 'a' ? 'b' : 'a') + s.substring(at + 1));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
