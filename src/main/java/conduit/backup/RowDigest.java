package conduit.backup;

import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 over a table's content, fed in primary-key order, so two copies of the same rows agree
 * whatever physical order their pages hold them in. Every value is written with a type tag and
 * its length, so no two different rows (or splits of one row into columns) encode alike, and the
 * columns go in name order, so a copy whose columns were created in another order agrees too.
 */
final class RowDigest {
    private static final byte NULL = 0;
    private static final byte NUMBER = 1;
    private static final byte TEXT = 2;
    private static final byte BYTES = 3;
    private static final byte INSTANT = 4;
    private static final byte OTHER = 5;

    private final MessageDigest sha;
    private final byte[] length = new byte[4];

    RowDigest(List<String> columnsInOrder) {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        for (String column : columnsInOrder) {
            put(TEXT, column.getBytes(StandardCharsets.UTF_8));
        }
        sha.update((byte) '\n');
    }

    /** One value of the current row; call in the column order given to the constructor. */
    void value(Object v) {
        switch (v) {
            case null -> put(NULL, new byte[0]);
            case BigDecimal d -> put(NUMBER, d.stripTrailingZeros().toPlainString().getBytes(StandardCharsets.US_ASCII));
            case Number n -> put(NUMBER, n.toString().getBytes(StandardCharsets.US_ASCII));
            case Boolean b -> put(NUMBER, (b ? "1" : "0").getBytes(StandardCharsets.US_ASCII));
            case String s -> put(TEXT, s.getBytes(StandardCharsets.UTF_8));
            case byte[] bytes -> put(BYTES, bytes);
            case Timestamp t -> put(INSTANT, Long.toString(t.getTime()).getBytes(StandardCharsets.US_ASCII));
            case OffsetDateTime t -> put(INSTANT, Long.toString(t.toInstant().toEpochMilli()).getBytes(StandardCharsets.US_ASCII));
            default -> put(OTHER, v.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    void endRow() {
        sha.update((byte) '\n');
    }

    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }

    private void put(byte tag, byte[] bytes) {
        sha.update(tag);
        int n = bytes.length;
        length[0] = (byte) (n >>> 24);
        length[1] = (byte) (n >>> 16);
        length[2] = (byte) (n >>> 8);
        length[3] = (byte) n;
        sha.update(length);
        sha.update(bytes);
    }
}
