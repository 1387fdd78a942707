package conduit.blob;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where user files live: a private S3 bucket on AWS ({@link S3BlobStore}), a local folder in
 * embedded mode ({@link LocalBlobStore}). Bytes never pass through the app's API: clients upload
 * with a presigned PUT and download with a presigned GET, so the store only signs, inspects and
 * deletes.
 */
public interface BlobStore extends AutoCloseable {

    /** A PUT URL for {@code key} that accepts only this content type and exactly this length. */
    PresignedPut presignPut(String key, String contentType, long contentLength, Duration ttl);

    /** A URL that serves the object for {@code ttl}. */
    URI presignGet(String key, Duration ttl);

    /** Size and content type of the object, or empty when there is none. */
    Optional<BlobInfo> head(String key);

    /** Removes the object; nothing happens when there is none. */
    void delete(String key);

    /** Releases clients; nothing to do for the local store. */
    @Override
    default void close() {
    }
}
