package conduit.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;

import conduit.common.Failure;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code PUT /files/{key}} and {@code GET /files/{key}}: the embedded-mode stand-in for the S3
 * endpoints that presigned URLs point at, with the same rules: a missing, wrong or expired
 * signature is a 403, and a PUT must carry exactly the signed Content-Type and Content-Length.
 *
 * <p>The server's payload limit must allow {@code maxBytes}: uploads are far larger than the
 * JSON bodies the rest of the API takes.
 */
public final class LocalFileRoutes implements HttpService {
    private final LocalBlobStore store;
    private final long maxBytes;

    /** @param maxBytes the largest file accepted, whatever a signature says (defence in depth) */
    public LocalFileRoutes(LocalBlobStore store, long maxBytes) {
        this.store = store;
        this.maxBytes = maxBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/{+key}", this::put)
                .get("/{+key}", this::get);
    }

    private void put(ServerRequest req, ServerResponse res) {
        String key = req.path().pathParameters().get("key");
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        long length = req.headers().contentLength().orElse(-1);
        if (!store.signatureValid(query(req, "signature"), "PUT", key, contentType, length, expires(req))) {
            throw badSignature();
        }
        if (length > maxBytes) {
            throw new Failure(Failure.Kind.TOO_LARGE, "file", "is too large (maximum is " + maxBytes + " bytes)");
        }
        try (InputStream body = req.content().inputStream()) {
            store.write(key, contentType, length, body);
        } catch (DataReader.InsufficientDataAvailableException e) {
            // The client went away mid-upload: nothing was stored, and it is not a server bug.
            throw new Failure(Failure.Kind.MALFORMED, "file", "body ended before Content-Length bytes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        res.status(Status.OK_200).send();
    }

    private void get(ServerRequest req, ServerResponse res) {
        String key = req.path().pathParameters().get("key");
        long expires = expires(req);
        if (!store.signatureValid(query(req, "signature"), "GET", key, "", -1, expires)) {
            throw badSignature();
        }
        LocalBlobStore.StoredFile file = store.open(key).orElseThrow(() -> Failure.notFound("file"));
        long maxAge = Math.max(0, expires - Instant.now().getEpochSecond());
        res.header(HeaderNames.CONTENT_TYPE, file.info().contentType());
        // Uploaded bytes are the user's: never let a browser sniff them into HTML or script.
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.CONTENT_DISPOSITION, "inline");
        res.header(HeaderNames.CACHE_CONTROL, "private, max-age=" + maxAge);
        res.contentLength(file.info().size());
        try (InputStream in = Files.newInputStream(file.path()); OutputStream out = res.outputStream()) {
            in.skipNBytes(file.offset());
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String query(ServerRequest req, String name) {
        return req.query().first(name).orElse(null);
    }

    private static long expires(ServerRequest req) {
        try {
            return Long.parseLong(req.query().first("expires").orElse("0"));
        } catch (NumberFormatException e) {
            return 0; // long expired: the signature check fails
        }
    }

    private static Failure badSignature() {
        return new Failure(Failure.Kind.FORBIDDEN, "signature", "is invalid or expired");
    }
}
