package conduit.common;

/** A bounded window into a list: limit 1..{@value #MAX_LIMIT}, offset 0..{@value #MAX_OFFSET}. */
public record Page(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 100_000;
    public static final Page FIRST = new Page(DEFAULT_LIMIT, 0);

    public Page {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Failure.invalid("limit", "must be an integer from 1 to " + MAX_LIMIT);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw Failure.invalid("offset", "must be an integer from 0 to " + MAX_OFFSET);
        }
    }
}
