package conduit.blob;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import conduit.common.Failure;

/**
 * The rules for user images: which types and sizes may be uploaded, for what, and under which
 * key. The server chooses every key ({@code users/<userId>/<purpose>/<uuid>.<ext>}), so a user
 * can never write into another user's prefix or overwrite an existing object. The stable image
 * URL ({@code <publicBase>/api/images/<key>}) outlives every presigned URL: each visit is
 * redirected to a freshly signed one.
 */
public final class UploadService {
    /** The largest image accepted: 5 MiB. */
    public static final long MAX_BYTES = 5L * 1024 * 1024;
    public static final Duration DEFAULT_UPLOAD_TTL = Duration.ofMinutes(10);
    /**
     * Long enough that a redirect cached by CloudFront (up to its 300 s cap) and then by a browser
     * still leads to a live signature: caches count the redirect's age against its max-age.
     */
    public static final Duration DEFAULT_IMAGE_TTL = Duration.ofMinutes(15);
    /** Clock skew and the time a client takes to follow a redirect fit in this. */
    private static final Duration MAX_REDIRECT_MARGIN = Duration.ofSeconds(30);
    private static final Map<String, String> EXTENSIONS = Map.of(
            "image/png", "png", "image/jpeg", "jpg", "image/webp", "webp", "image/gif", "gif");
    private static final Set<String> PURPOSES = Set.of("profile", "article");
    /** Exactly the keys {@link #newKey} makes; anything else is not an image of ours. */
    private static final Pattern SERVER_KEY = Pattern.compile(
            "users/[1-9][0-9]{0,18}/(profile|article)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(png|jpg|webp|gif)");

    private final BlobStore blobs;
    private final String publicBase;
    private final Duration uploadTtl;
    private final Duration imageTtl;

    public UploadService(BlobStore blobs, String publicBaseUrl) {
        this(blobs, publicBaseUrl, DEFAULT_UPLOAD_TTL, DEFAULT_IMAGE_TTL);
    }

    /**
     * @param publicBaseUrl {@code PUBLIC_BASE_URL} (say {@code https://conduit.example.com}), or
     *                      empty for image URLs relative to the app's origin
     * @param uploadTtl     how long a presigned PUT stays valid
     * @param imageTtl      how long the presigned GET behind an image redirect stays valid
     */
    public UploadService(BlobStore blobs, String publicBaseUrl, Duration uploadTtl, Duration imageTtl) {
        this.blobs = blobs;
        this.publicBase = publicBaseUrl == null ? "" : publicBaseUrl.replaceAll("/+$", "");
        this.uploadTtl = uploadTtl;
        this.imageTtl = imageTtl;
    }

    /** An accepted upload: where to PUT, how, until when, and the image's stable URL. */
    public record Upload(String key, PresignedPut put, String imageUrl, Instant expiresAt) {
    }

    /**
     * Checks the request and signs an upload of it into the user's own prefix. {@code quota} is
     * charged with the length once the request is valid (it throws when the quota is spent).
     */
    public Upload start(long userId, String contentType, Long contentLength, String purpose, java.util.function.LongConsumer quota) {
        String type = contentType == null ? null : contentType.trim().toLowerCase(Locale.ROOT);
        if (type == null || type.isEmpty()) {
            throw Failure.blank("contentType");
        }
        String extension = EXTENSIONS.get(type);
        if (extension == null) {
            throw Failure.invalid("contentType", "must be one of image/png, image/jpeg, image/webp, image/gif");
        }
        if (contentLength == null) {
            throw Failure.blank("contentLength");
        }
        if (contentLength < 1 || contentLength > MAX_BYTES) {
            throw Failure.invalid("contentLength", "must be between 1 and " + MAX_BYTES + " bytes");
        }
        if (purpose == null || purpose.isEmpty()) {
            throw Failure.blank("purpose");
        }
        if (!PURPOSES.contains(purpose)) {
            throw Failure.invalid("purpose", "must be profile or article");
        }
        quota.accept(contentLength);
        String key = newKey(userId, purpose, extension);
        Instant expiresAt = Instant.now().plus(uploadTtl);
        PresignedPut put = blobs.presignPut(key, type, contentLength, uploadTtl);
        return new Upload(key, put, publicBase + "/api/images/" + key, expiresAt);
    }

    /** A freshly signed URL for the image; empty when the key is not ours or nothing is stored. */
    public Optional<URI> image(String key) {
        if (key == null || !SERVER_KEY.matcher(key).matches() || blobs.head(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(blobs.presignGet(key, imageTtl));
    }

    /** How long a redirect to {@link #image} may be cached: a bit less than the signature lives. */
    public Duration redirectMaxAge() {
        Duration margin = imageTtl.dividedBy(10);
        return imageTtl.minus(margin.compareTo(MAX_REDIRECT_MARGIN) > 0 ? MAX_REDIRECT_MARGIN : margin);
    }

    private static String newKey(long userId, String purpose, String extension) {
        if (userId < 1) {
            throw new IllegalArgumentException("user ids start at 1");
        }
        return "users/" + userId + "/" + purpose + "/" + UUID.randomUUID() + "." + extension;
    }
}
