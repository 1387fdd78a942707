package conduit.blob;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presigned uploads against S3Proxy (scripts/stack up s3), which checks SigV4 signatures like
 * S3 does: what it accepts and refuses here, S3 accepts and refuses too.
 */
@ServerTest
@EnabledIfEnvironmentVariable(named = "S3_ENDPOINT", matches = ".+")
class S3UploadTest {
    private static final String PREFIX = "uploads/";
    private static S3Client admin;
    private static String bucket;
    private static S3BlobStore store;
    private final URI base;
    private final Api api;

    S3UploadTest(URI base) {
        this.base = base;
        this.api = new Api(base);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        admin = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(endpoint())
                .forcePathStyle(true).region(Region.US_EAST_1).credentialsProvider(credentials()).build();
        bucket = "conduit-test-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        store = storeWith(null, null);
        UploadRig.configure(server, new UploadService(store, "https://conduit.example.com"), null);
    }

    @AfterAll
    static void close() {
        store.close();
        admin.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                .forEach(o -> admin.deleteObject(b -> b.bucket(bucket).key(o.key())));
        admin.deleteBucket(b -> b.bucket(bucket));
        admin.close();
    }

    private static URI endpoint() {
        return URI.create(System.getenv("S3_ENDPOINT"));
    }

    /** S3Proxy's own key pair: it checks signatures, so only its credentials sign valid URLs. */
    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY")));
    }

    private static S3BlobStore storeWith(String kmsKeyId, String cdnBase) {
        return S3BlobStore.create(bucket, PREFIX, endpoint(), kmsKeyId, cdnBase, credentials(), Region.US_EAST_1);
    }

    private static String key(String name) {
        return "users/9/profile/" + UUID.randomUUID() + "-" + name;
    }

    private static byte[] stored(String key) {
        return admin.getObjectAsBytes(b -> b.bucket(bucket).key(PREFIX + key)).asByteArray();
    }

    private static boolean exists(String key) {
        return store.head(key).isPresent();
    }

    @Test
    void aPresignedPutWithTheSignedTypeAndLengthStoresTheBytes() {
        String key = key("a.png");
        byte[] png = UploadRig.bytes(4321);
        PresignedPut put = store.presignPut(key, "image/png", png.length, Duration.ofMinutes(5));
        assertEquals("PUT", put.method());
        assertEquals(Map.of("content-type", "image/png"), put.headers());
        assertTrue(put.url().getQuery().contains("X-Amz-SignedHeaders=content-length;content-type;host"), put.url().toString());
        assertEquals(200, UploadRig.put(put.url(), put.headers(), png).statusCode());
        assertArrayEquals(png, stored(key));
        assertEquals(new BlobInfo(png.length, "image/png"), store.head(key).orElseThrow());
    }

    @Test
    void aTamperedUrlIs403() {
        String key = key("t.png");
        PresignedPut put = store.presignPut(key, "image/png", 10, Duration.ofMinutes(5));
        assertEquals(403, UploadRig.put(UploadRig.tamperSignature(put.url(), "X-Amz-Signature"), put.headers(),
                UploadRig.bytes(10)).statusCode());
        URI otherKey = URI.create(put.url().toString().replace("/users/9/", "/users/8/"));
        assertEquals(403, UploadRig.put(otherKey, put.headers(), UploadRig.bytes(10)).statusCode());
        URI longer = URI.create(put.url().toString().replace("X-Amz-Expires=300", "X-Amz-Expires=3000"));
        assertEquals(403, UploadRig.put(longer, put.headers(), UploadRig.bytes(10)).statusCode());
        assertFalse(exists(key));
    }

    @Test
    void anExpiredUrlIs403() {
        String key = key("e.png");
        PresignedPut put = store.presignPut(key, "image/png", 10, Duration.ofSeconds(1));
        UploadRig.sleep(2100);
        assertEquals(403, UploadRig.put(put.url(), put.headers(), UploadRig.bytes(10)).statusCode());
        assertFalse(exists(key));
    }

    @Test
    void aWrongContentTypeIs403() {
        String key = key("c.png");
        PresignedPut put = store.presignPut(key, "image/png", 10, Duration.ofMinutes(5));
        assertEquals(403, UploadRig.put(put.url(), Map.of("Content-Type", "text/html"), UploadRig.bytes(10)).statusCode());
        assertFalse(exists(key));
    }

    @Test
    void aBodyLongerOrShorterThanSignedIsRefused() {
        String key = key("l.png");
        PresignedPut put = store.presignPut(key, "image/png", 10, Duration.ofMinutes(5));
        assertEquals(403, UploadRig.put(put.url(), put.headers(), UploadRig.bytes(11)).statusCode());
        assertEquals(403, UploadRig.put(put.url(), put.headers(), UploadRig.bytes(9)).statusCode());
        assertFalse(exists(key));
    }

    @Test
    void withAKmsKeyTheEncryptionHeadersArePartOfTheSignature() {
        String kmsKey = "arn:aws:kms:us-east-1:111122223333:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000";
        try (S3BlobStore encrypted = storeWith(kmsKey, null)) {
            PresignedPut put = encrypted.presignPut(key("k.png"), "image/png", 10, Duration.ofMinutes(5));
            assertEquals(Map.of("content-type", "image/png", "x-amz-server-side-encryption", "aws:kms",
                    "x-amz-server-side-encryption-aws-kms-key-id", kmsKey), put.headers());
            assertTrue(put.url().getQuery().contains(
                    "content-length;content-type;host;x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id"));
            Map<String, String> withoutSse = new HashMap<>(put.headers());
            withoutSse.remove("x-amz-server-side-encryption");
            withoutSse.remove("x-amz-server-side-encryption-aws-kms-key-id");
            assertEquals(403, UploadRig.put(put.url(), withoutSse, UploadRig.bytes(10)).statusCode(),
                    "a client cannot drop the encryption");
            // With the headers the signature holds; S3Proxy then answers 501 because it does not
            // implement SSE itself (S3 would store the object encrypted).
            assertNotEquals(403, UploadRig.put(put.url(), put.headers(), UploadRig.bytes(10)).statusCode());
        }
    }

    @Test
    void theStableImageUrlRedirectsToAPresignedGetThatServesTheBytes() {
        String token = UploadRig.signIn(21);
        byte[] jpeg = UploadRig.bytes(2048);
        Api.Response r = api.post("/api/uploads", token, UploadRig.uploadRequest("image/jpeg", jpeg.length, "article"));
        assertEquals(201, r.status(), r.text());
        JsonNode u = r.json().path("upload");
        String key = u.path("key").asText();
        assertTrue(u.path("url").asText().startsWith(endpoint() + "/" + bucket + "/" + PREFIX + key + "?"), u.toString());
        assertEquals("https://conduit.example.com/api/images/" + key, u.path("imageUrl").asText());
        Map<String, String> headers = new HashMap<>();
        u.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        assertEquals(200, UploadRig.put(URI.create(u.path("url").asText()), headers, jpeg).statusCode());

        HttpResponse<byte[]> redirect = UploadRig.get(base.resolve("/api/images/" + key));
        assertEquals(302, redirect.statusCode());
        assertEquals("public, max-age=870", redirect.headers().firstValue("Cache-Control").orElse(""));
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertTrue(location.getQuery().contains("X-Amz-Expires=900"), location.toString());
        HttpResponse<byte[]> file = UploadRig.get(location);
        assertEquals(200, file.statusCode());
        assertArrayEquals(jpeg, file.body());
        assertEquals("image/jpeg", file.headers().firstValue("Content-Type").orElse(""));
        assertEquals(403, UploadRig.get(UploadRig.tamperSignature(location, "X-Amz-Signature")).statusCode());
    }

    @Test
    void anImageThatWasNeverUploadedIs404() {
        Api.Response r = api.get("/api/images/users/21/profile/00000000-0000-0000-0000-000000000000.png", null);
        assertEquals(404, r.status());
        assertEquals("not found", r.error("image"));
        assertEquals(404, api.get("/api/images/" + PREFIX + "anything.png", null).status());
    }

    @Test
    void theApiRefusesOtherTypesAndTooLargeSizesWith422() {
        String token = UploadRig.signIn(22);
        Api.Response type = api.post("/api/uploads", token, UploadRig.uploadRequest("application/pdf", 10, "profile"));
        assertEquals(422, type.status());
        assertEquals("must be one of image/png, image/jpeg, image/webp, image/gif", type.error("contentType"));
        Api.Response size = api.post("/api/uploads", token, UploadRig.uploadRequest("image/png", 5 * 1024 * 1024 + 1, "profile"));
        assertEquals(422, size.status());
        assertEquals("must be between 1 and 5242880 bytes", size.error("contentLength"));
    }

    @Test
    void theKeyAlwaysStartsWithTheCallersPrefix() {
        String token = UploadRig.signIn(23);
        for (String body : new String[] {
                UploadRig.uploadRequest("image/webp", 10, "profile"),
                "{\"upload\":{\"contentType\":\"image/webp\",\"contentLength\":10,\"purpose\":\"article\","
                        + "\"key\":\"users/1/profile/x.webp\",\"userId\":1,\"prefix\":\"users/1/\"}}"}) {
            Api.Response r = api.post("/api/uploads", token, body);
            assertEquals(201, r.status(), r.text());
            assertTrue(r.json().path("upload").path("key").asText().startsWith("users/23/"), r.text());
        }
    }

    @Test
    void deleteRemovesTheObject() {
        String key = key("d.png");
        PresignedPut put = store.presignPut(key, "image/png", 3, Duration.ofMinutes(5));
        assertEquals(200, UploadRig.put(put.url(), put.headers(), UploadRig.bytes(3)).statusCode());
        store.delete(key);
        assertTrue(store.head(key).isEmpty());
        store.delete(key);
    }

    @Test
    void withACdnTheReadUrlIsThePlainCdnPath() {
        try (S3BlobStore cdn = storeWith(null, "https://cdn.example.com/")) {
            assertEquals(URI.create("https://cdn.example.com/uploads/users/9/profile/a%20b.png"),
                    cdn.presignGet("users/9/profile/a b.png", Duration.ofMinutes(5)));
        }
    }
}
