package conduit.blob;

import java.net.URI;

import conduit.common.Failure;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Mounted at {@code /api/images}: {@code GET /{key}} (public), the stable image URL, redirecting to a fresh presigned GET. */
public final class ImageRoutes implements HttpService {
    private final UploadService uploads;

    public ImageRoutes(UploadService uploads) {
        this.uploads = uploads;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{+key}", this::image);
    }

    private void image(ServerRequest req, ServerResponse res) {
        URI location = uploads.image(req.path().pathParameters().get("key"))
                .orElseThrow(() -> Failure.notFound("image"));
        // Public: the image is public, and so is a signature that reads only it, so the CDN may
        // answer for us. Fresh a bit shorter than the signature lives (and caches subtract the
        // age they add), so a cached redirect never leads to an expired URL.
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=" + uploads.redirectMaxAge().toSeconds());
        res.header(HeaderNames.LOCATION, location.toString());
        res.status(Status.FOUND_302).send();
    }
}
