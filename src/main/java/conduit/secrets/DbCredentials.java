package conduit.secrets;

/**
 * A database login from an RDS-style secret. {@code host}, {@code port} and {@code dbname} are
 * optional in the secret (null / 0 when absent). The password never appears in {@link #toString()}.
 */
public record DbCredentials(String username, String password, String host, int port, String dbname) {

    @Override
    public String toString() {
        return "DbCredentials[username=" + username + ", password=***, host=" + host + ", port=" + port
                + ", dbname=" + dbname + "]";
    }
}
