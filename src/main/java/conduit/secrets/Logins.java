package conduit.secrets;

/** Where a database login comes from: a Secrets Manager secret (re-read after a rotation), or fixed settings. */
public interface Logins {
    /** The login in memory. */
    DbCredentials current();

    /** Reads the source again (after the database refused the login); fixed logins have nothing newer. */
    DbCredentials refresh();

    static Logins fixed(String username, String password) {
        DbCredentials login = new DbCredentials(username, password == null ? "" : password, null, 0, null);
        return new Logins() {
            @Override
            public DbCredentials current() {
                return login;
            }

            @Override
            public DbCredentials refresh() {
                return login;
            }
        };
    }
}
