package conduit.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import javax.sql.DataSource;

import conduit.common.ClasspathFolder;
import org.flywaydb.core.Flyway;

/**
 * Runs the Flyway migrations in {@code db/migration} against the writer. Flyway takes a database
 * lock (GET_LOCK on MySQL), so instances starting together migrate the schema once.
 *
 * <p>The scripts are shared by H2 and MySQL; the few dialect differences are placeholders.
 *
 * <p>Most starts find nothing to do: every instance of a release after the first, and every
 * restart. Flyway's own start is then the largest step of the app's after the JVM's (about a
 * third of a second of 1.5 here: its configuration, a class-path scan, the scripts' checksums,
 * a validation against the history and, on MySQL, its lock). So the history is read first: when
 * it holds exactly the scripts in the jar, each applied successfully with the checksum Flyway
 * gives the script now, and nothing else, Flyway is not started. Anything else (a new script,
 * an edited one, a failed or unknown row, no history yet, an error reading it) starts Flyway as
 * before, which migrates or says what is wrong.
 */
public final class Migrations {
    private static final Logger LOG = System.getLogger(Migrations.class.getName());
    private static final String FOLDER = "db/migration";
    /** Where Flyway finds the scripts: for whatever else reads them through Flyway ({@code backup.SchemaHistoryCheck}). */
    public static final String LOCATION = "classpath:" + FOLDER;
    /** Versioned scripts, as Flyway names them: {@code V<version>__<description>.sql}. */
    private static final Pattern VERSIONED = Pattern.compile("/(V([0-9]+(?:[._][0-9]+)*)__[^/]+\\.sql)");

    /** Rows Flyway writes about itself, not about a script. */
    private static final Set<String> MARKERS = Set.of("TABLE", "SCHEMA");

    private Migrations() {
    }

    /** Brings the schema up to the scripts in the jar; answers whether Flyway had to run. */
    public static boolean run(DataSource writer, String dbType) {
        Map<String, Script> scripts = scriptsInJar();
        if (scripts != null && appliedExactly(writer, scripts)) {
            LOG.log(Level.INFO, "schema current: the " + scripts.size() + " migrations in the jar are applied; Flyway not started");
            return false;
        }
        boolean mysql = dbType.equals("mysql");
        Map<String, String> placeholders = Map.of(
                // Byte-wise comparison everywhere, as H2 does: tags and usernames that differ in
                // case or are distinct emoji stay distinct (utf8mb4_unicode_ci folds many emoji).
                "table_options", mysql ? "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "",
                "long_text", mysql ? "MEDIUMTEXT" : "CHARACTER VARYING(16777216)");
        Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(writer)
                .locations(LOCATION)
                .placeholders(placeholders)
                .failOnMissingLocations(true)
                .load()
                .migrate();
        return true;
    }

    /** A versioned script: its file name and its checksum as Flyway computes it. */
    record Script(String name, int checksum) {
    }

    /** The versioned scripts in the jar by version, or null when the folder holds anything else (Flyway then judges). */
    static Map<String, Script> scriptsInJar() {
        Map<String, Script> scripts = new HashMap<>();
        for (Map.Entry<String, byte[]> file : ClasspathFolder.read(FOLDER, "V1__schema.sql").entrySet()) {
            Matcher m = VERSIONED.matcher(file.getKey());
            if (!m.matches()) {
                return null;
            }
            String version = m.group(2).replace('_', '.');
            if (scripts.put(version, new Script(m.group(1), checksum(file.getValue()))) != null) {
                return null;
            }
        }
        return scripts;
    }

    /**
     * Flyway's checksum of a script (its {@code ChecksumCalculator}): a CRC-32 over the script's
     * lines in UTF-8, without their line ends, and without a byte-order mark. Should Flyway change
     * it, no history matches and every start runs Flyway again: slower, never wrong.
     */
    static int checksum(byte[] script) {
        CRC32 crc = new CRC32();
        try (BufferedReader lines = new BufferedReader(new StringReader(new String(script, StandardCharsets.UTF_8)))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                crc.update((line.startsWith("\uFEFF") ? line.substring(1) : line).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }

    /** True when Flyway's history holds these scripts, each applied successfully, and no other row. */
    static boolean appliedExactly(DataSource db, Map<String, Script> scripts) {
        try (Connection c = db.getConnection();
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT type, version, script, checksum, success FROM flyway_schema_history")) {
            int matched = 0;
            while (rows.next()) {
                String type = rows.getString("type");
                if (type != null && MARKERS.contains(type) && rows.getString("version") == null) {
                    continue; // Flyway's own note that it created the history table or the schema
                }
                Script script = scripts.get(rows.getString("version"));
                int checksum = rows.getInt("checksum");
                boolean same = script != null && !rows.wasNull() && script.checksum() == checksum
                        && script.name().equals(rows.getString("script"));
                if (!same || !"SQL".equals(type) || !rows.getBoolean("success")) {
                    return false;
                }
                matched++;
            }
            return matched == scripts.size();
        } catch (SQLException e) {
            // No history yet (a new database), or it cannot be read: Flyway finds out which.
            return false;
        }
    }
}
