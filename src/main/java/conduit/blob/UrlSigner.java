package conduit.blob;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures for the local file URLs, the embedded-mode twin of SigV4 query auth.
 * A signature covers the method, the key, the content type, the content length and the expiry
 * (GETs sign an empty type and a length of -1), so a PUT URL cannot be replayed with another
 * type, another size, as a GET, or after it expired.
 */
final class UrlSigner {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final Mac prototype;

    UrlSigner(byte[] key) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    String sign(String method, String key, String contentType, long contentLength, long expiresEpochSecond) {
        // Newline-separated: none of the parts can hold one (keys are checked, header values cannot).
        String canonical = "conduit-files-v1\n" + method + "\n" + key + "\n" + contentType + "\n" + contentLength
                + "\n" + expiresEpochSecond;
        try {
            Mac mac = (Mac) prototype.clone(); // Mac is not thread-safe; a clone skips re-keying.
            return B64.encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }

    /** True when the signature matches and has not expired; compared in constant time. */
    boolean valid(String signature, String method, String key, String contentType, long contentLength,
                  long expiresEpochSecond, long nowEpochSecond) {
        if (signature == null || nowEpochSecond >= expiresEpochSecond
                || contentType.indexOf('\n') >= 0 || contentType.indexOf('\r') >= 0) {
            return false;
        }
        byte[] expected = sign(method, key, contentType, contentLength, expiresEpochSecond).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
}
