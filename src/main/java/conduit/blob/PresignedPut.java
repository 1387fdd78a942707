package conduit.blob;

import java.net.URI;
import java.util.Map;

/**
 * A time-limited permission to upload one object: the client sends {@code method} to {@code url}
 * with exactly these {@code headers} (they are part of the signature, so any other value is
 * refused) and a body of exactly the length that was signed. {@code Content-Length} is signed
 * too, but not listed: every HTTP client sets it from the body, and browsers forbid setting it.
 * Header names are lower case, as SigV4 signs them, whichever store made the URL. The URL may
 * be relative (served by this app) when no public base URL is configured.
 */
public record PresignedPut(String method, URI url, Map<String, String> headers) {
    public PresignedPut {
        headers = Map.copyOf(headers);
    }
}
