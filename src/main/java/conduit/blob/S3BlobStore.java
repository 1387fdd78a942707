package conduit.blob;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import conduit.common.Failure;
import conduit.common.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * User files in a private S3 bucket, under an optional key prefix. Uploads are presigned PUTs
 * (SigV4, query-string auth) whose signature covers the content type and the content length, and
 * with SSE-KMS the encryption headers, so a client can neither change the type nor upload more
 * than it asked for. Downloads are presigned GETs, or plain CDN URLs when a CDN base is set.
 *
 * <p>With an endpoint override (S3Proxy, other S3-compatible stores) requests use path-style
 * addressing; on AWS the default virtual-host style is kept.
 */
public final class S3BlobStore implements BlobStore {
    /** Headers every client sets itself; the browser refuses to let script set them. */
    private static final List<String> IMPLICIT_HEADERS = List.of("host", "content-length");

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final String kmsKeyId;
    private final String cdnBase;

    /**
     * @param prefix     prepended to every key (say {@code "uploads/"}); may be empty
     * @param kmsKeyId   when set, uploads must use SSE-KMS with this key; null for the bucket default
     * @param cdnBaseUrl when set, {@link #presignGet} returns {@code cdnBaseUrl/<object key>}
     */
    public S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, String kmsKeyId, String cdnBaseUrl) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 bucket (S3_BUCKET) is required");
        }
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix;
        this.kmsKeyId = blankToNull(kmsKeyId);
        String cdn = blankToNull(cdnBaseUrl);
        this.cdnBase = cdn == null ? null : cdn.replaceAll("/+$", "");
    }

    /** Region and credentials from the SDK's default chains (the instance role on EC2). */
    public static S3BlobStore create(String bucket, String prefix, URI endpoint, String kmsKeyId, String cdnBaseUrl) {
        return create(bucket, prefix, endpoint, kmsKeyId, cdnBaseUrl, null, null);
    }

    /**
     * @param endpoint    {@code S3_ENDPOINT}, or null for AWS
     * @param credentials null for the default provider chain
     * @param region      null for the default region chain
     */
    public static S3BlobStore create(String bucket, String prefix, URI endpoint, String kmsKeyId, String cdnBaseUrl,
                                     AwsCredentialsProvider credentials, Region region) {
        boolean pathStyle = endpoint != null;
        S3ClientBuilder client = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(pathStyle);
        S3Presigner.Builder presigner = S3Presigner.builder()
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        AwsClients.configured(client, endpoint, credentials, region);
        // The presigner is no client builder, so it gets the same overrides by hand.
        if (endpoint != null) {
            presigner.endpointOverride(endpoint);
        }
        if (credentials != null) {
            presigner.credentialsProvider(credentials);
        }
        if (region != null) {
            presigner.region(region);
        }
        return new S3BlobStore(client.build(), presigner.build(), bucket, prefix, kmsKeyId, cdnBaseUrl);
    }

    @Override
    public PresignedPut presignPut(String key, String contentType, long contentLength, Duration ttl) {
        PutObjectRequest.Builder put = PutObjectRequest.builder()
                .bucket(bucket)
                .key(objectKey(key))
                .contentType(contentType)
                .contentLength(contentLength);
        if (kmsKeyId != null) {
            put.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(kmsKeyId);
        }
        PresignedPutObjectRequest signed = presigner.presignPutObject(b -> b.signatureDuration(ttl).putObjectRequest(put.build()));
        Map<String, String> headers = new LinkedHashMap<>();
        signed.signedHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!IMPLICIT_HEADERS.contains(lower)) {
                headers.put(lower, String.join(",", values));
            }
        });
        return new PresignedPut("PUT", toUri(signed.url()), headers);
    }

    @Override
    public URI presignGet(String key, Duration ttl) {
        if (cdnBase != null) {
            // A public CDN path: fine for images anyone may see. In production the distribution
            // reads the private bucket through Origin Access Control, and for private files it
            // would hand out CloudFront signed URLs instead of this plain one.
            return URI.create(cdnBase + "/" + encodePath(objectKey(key)));
        }
        return toUri(presigner.presignGetObject(b -> b.signatureDuration(ttl)
                .getObjectRequest(g -> g.bucket(bucket).key(objectKey(key)))).url());
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        try {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(objectKey(key)));
            return Optional.of(new BlobInfo(r.contentLength(), r.contentType()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw unavailableIfServerSide(e);
        } catch (SdkClientException e) {
            throw Failure.unavailable("files", e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (S3Exception e) {
            throw unavailableIfServerSide(e);
        } catch (SdkClientException e) {
            throw Failure.unavailable("files", e);
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    /** S3 being down or throttling is a retryable 503; anything else (access denied, ...) a bug. */
    private static RuntimeException unavailableIfServerSide(S3Exception e) {
        return e.statusCode() >= 500 || e.statusCode() == 429 ? Failure.unavailable("files", e) : e;
    }

    private String objectKey(String key) {
        return prefix + key;
    }

    private static String encodePath(String key) {
        StringBuilder out = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    private static URI toUri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK signed an invalid URL", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
