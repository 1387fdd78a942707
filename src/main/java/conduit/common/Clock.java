package conduit.common;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Time as the API shows it: UTC, always with milliseconds ({@code 2026-01-02T03:04:05.678Z}). */
public final class Clock {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Clock() {
    }

    public static long now() {
        return System.currentTimeMillis();
    }

    public static String format(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }
}
