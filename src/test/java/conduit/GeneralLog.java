package conduit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements the app ran on the stack's MariaDB writer and replica, counted on the servers
 * themselves: their general query log, to its table, turned on around what a test measures.
 */
public final class GeneralLog {
    private GeneralLog() {
    }

    /** Turns the general query log on, emptied, on both servers. */
    public static void start() throws SQLException {
        set(true);
    }

    /** Turns it off and empties it, on both servers. */
    public static void stop() throws SQLException {
        set(false);
    }

    private static void set(boolean on) throws SQLException {
        for (String port : List.of("STACK_DB_WRITER_PORT", "STACK_DB_READER_PORT")) {
            try (Connection c = admin(port); Statement s = c.createStatement()) {
                if (on) {
                    s.execute("SET GLOBAL log_output = 'TABLE'");
                    s.execute("TRUNCATE TABLE mysql.general_log");
                    s.execute("SET GLOBAL general_log = ON");
                } else {
                    s.execute("SET GLOBAL general_log = OFF");
                    s.execute("TRUNCATE TABLE mysql.general_log");
                }
            }
        }
    }

    /** The app's statements since {@link #start}, the replica's first, each server's in order, whitespace collapsed. */
    public static List<String> bothServers() throws SQLException {
        List<String> statements = new ArrayList<>(appStatements("STACK_DB_READER_PORT"));
        statements.addAll(appStatements("STACK_DB_WRITER_PORT"));
        return statements;
    }

    /**
     * The app's statements on one server, less what runs on its own schedule whatever the requests
     * (the replica heartbeat, the mail outbox's poll) and connection housekeeping (SET, @@ reads).
     */
    private static List<String> appStatements(String port) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = admin(port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                     + " WHERE user_host LIKE 'conduit[%' AND command_type IN ('Query', 'Execute') ORDER BY event_time")) {
            while (rs.next()) {
                String sql = rs.getString(1).strip().replaceAll("\\s+", " ");
                if (sql.matches("(?is)(select|insert|update|delete|replace|with)\\b.*") && !sql.contains("@@")
                        && !sql.contains("replica_heartbeat") && !sql.contains("mail_outbox")) {
                    out.add(sql);
                }
            }
        }
        return out;
    }

    private static Connection admin(String portVar) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + Stack.env(portVar) + "/",
                Stack.env("STACK_DB_ADMIN_USER"), Stack.env("STACK_DB_ADMIN_PASSWORD"));
    }
}
