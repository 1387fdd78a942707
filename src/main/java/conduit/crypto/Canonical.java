package conduit.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one byte encoding of an encryption context, used as AES-GCM additional data. Entries are
 * sorted by name (so map order never matters) and every string is length-prefixed (so
 * {@code {"a":"b=c"}} and {@code {"a=b":"c"}} can never encode alike).
 */
final class Canonical {
    private Canonical() {
    }

    static byte[] context(Map<String, String> context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (Map.Entry<String, String> e : new TreeMap<>(context).entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("encryption context value for '" + e.getKey() + "' is null");
            }
            write(out, e.getKey());
            write(out, e.getValue());
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.write(bytes, 0, n);
    }
}
