package conduit.db;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the data lives. Embedded mode: one H2 file (MySQL mode) under the data directory, used as
 * both writer and reader. MySQL mode: an Aurora-style writer endpoint and reader endpoint.
 */
public record DbSettings(String writerUrl,
                         String readerUrl,
                         String username,
                         String password,
                         int writerPoolSize,
                         int readerPoolSize,
                         Duration connectionTimeout) {

    public static DbSettings embedded(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("conduit")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
        return new DbSettings(url, url, "sa", "", 10, 0, Duration.ofSeconds(5));
    }

    public boolean embedded() {
        return writerUrl.startsWith("jdbc:h2:");
    }

    /** True when reads have a pool of their own (MySQL mode with a reader endpoint). */
    public boolean splitReads() {
        return !embedded() && readerUrl != null && !readerUrl.isBlank() && readerPoolSize > 0;
    }

    public String dbType() {
        return embedded() ? "h2" : "mysql";
    }
}
