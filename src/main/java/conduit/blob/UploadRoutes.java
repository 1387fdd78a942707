package conduit.blob;

import java.util.Map;

import conduit.common.Clock;
import conduit.ops.Audit;
import conduit.ratelimit.RateLimiter;
import conduit.web.Auth;
import conduit.web.Idempotency;
import conduit.web.JsonBody;
import conduit.web.Caller;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Mounted at {@code /api/uploads}: {@code POST} (signed in) grants one image upload straight to
 * storage, within the user's write limit and daily quota of files and bytes.
 */
public final class UploadRoutes implements HttpService {

    /** The answer to {@code POST /api/uploads}. */
    record UploadView(String key, String method, String url, Map<String, String> headers, String imageUrl,
                      String expiresAt) {
        static Map<String, UploadView> of(UploadService.Upload u) {
            return Map.of("upload", new UploadView(u.key(), u.put().method(), u.put().url().toString(), u.put().headers(),
                    u.imageUrl(), Clock.format(u.expiresAt().toEpochMilli())));
        }
    }

    private final UploadService uploads;
    private final Auth auth;
    private final Idempotency idempotency;
    private final RateLimiter limiter;

    public UploadRoutes(UploadService uploads, Auth auth, Idempotency idempotency, RateLimiter limiter) {
        this.uploads = uploads;
        this.auth = auth;
        this.idempotency = idempotency;
        this.limiter = limiter;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::start);
    }

    private void start(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        limiter.write(caller.userId());
        // Upload requests are a few fields: a small body limit.
        JsonBody body = JsonBody.read(req, "upload", 4096);
        String type = body.string("contentType");
        Long length = body.integer("contentLength");
        String purpose = body.string("purpose");
        idempotency.create(req, res, "user:" + caller.userId(), body.raw(), requestKey -> {
            UploadService.Upload upload = uploads.start(caller.userId(), type, length, purpose,
                    bytes -> limiter.upload(caller.userId(), bytes));
            Audit.info("upload.granted", caller.userId(), "key", upload.key(), "bytes", length, "contentType", type);
            return Idempotency.created(UploadView.of(upload));
        });
    }
}
