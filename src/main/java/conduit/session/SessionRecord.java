package conduit.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The stored form of a session: {@code userId:createdAt:lastWriteAt:clientAddress:userAgent}.
 * Text whose first three fields never change, so a record written by any release can be read by
 * any other during a rolling deploy: the previous release reads the first three fields and ignores
 * the rest. The two fields added for the session list are base64url (no {@code :} in them) and
 * may be missing or empty: in records written before they existed, and in records that an
 * instance of the previous release rewrote (its {@code markWrite} keeps only the first three).
 * The session list shows those as unknown.
 */
record SessionRecord(long userId, long createdAt, long lastWriteAt, String clientAddress, String userAgent) {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    String encode() {
        return userId + ":" + createdAt + ":" + lastWriteAt + ":" + text(clientAddress) + ":" + text(userAgent);
    }

    static SessionRecord decode(String value) {
        String[] parts = value.split(":", -1);
        return new SessionRecord(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                parts.length > 3 ? field(parts[3]) : null, parts.length > 4 ? field(parts[4]) : null);
    }

    SessionRecord wroteAt(long at) {
        return new SessionRecord(userId, createdAt, at, clientAddress, userAgent);
    }

    private static String text(String text) {
        return text == null ? "" : ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String field(String field) {
        if (field.isEmpty()) {
            return null;
        }
        try {
            return new String(DECODER.decode(field), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // a field some later release encodes differently: unknown, not an error
        }
    }
}
