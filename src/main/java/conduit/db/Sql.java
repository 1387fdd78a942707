package conduit.db;

/** Statement text built to the size of its parameters. */
public final class Sql {
    private Sql() {
    }

    /**
     * {@code n} copies of {@code item} separated by commas: {@code list("?", 3)} is
     * {@code "?, ?, ?"} for an {@code IN} list, {@code list("(?, ?)", 2)} two rows of a multi-row
     * {@code VALUES}. At least one: an empty list is not SQL.
     */
    public static String list(String item, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("an SQL list needs at least one item");
        }
        return item + (", " + item).repeat(n - 1);
    }
}
