package conduit.common;

/**
 * One field of a partial update: absent (leave it alone) or present with a value, which may be
 * null. JSON PATCH-like semantics without a JSON type reaching the services.
 */
public record Change<T>(boolean present, T value) {
    private static final Change<?> ABSENT = new Change<>(false, null);

    @SuppressWarnings("unchecked")
    public static <T> Change<T> absent() {
        return (Change<T>) ABSENT;
    }

    public static <T> Change<T> to(T value) {
        return new Change<>(true, value);
    }

    /** The new value when present, else the current one. */
    public T or(T current) {
        return present ? value : current;
    }
}
