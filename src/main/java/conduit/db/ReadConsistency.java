package conduit.db;

/**
 * Read-your-writes: a session that wrote within the last {@code window} ms reads from the writer,
 * so its own changes never seem to vanish behind replica lag. The time of the session's last
 * write is kept in the session store (shared by every instance); this class holds, for the
 * request being served on this thread, the decision taken from it.
 */
public final class ReadConsistency {
    /**
     * Where this request's reads go: set means the writer. The whole life of the value, in order:
     * <ol>
     * <li>{@code web.EdgeFilter} starts every request with nothing set (and clears it when the
     * request ends: Helidon serves each request on its own virtual thread, so a thread-local is
     * request-scoped, and the clear is a safeguard should threads ever be reused);</li>
     * <li>{@code web.Auth}, once it has found the caller's session, calls {@link #sessionSeen}:
     * a session that wrote within the window reads from the writer;</li>
     * <li>{@code web.Auth}, for a state-changing method, calls {@link #writing}: the rest of the
     * request reads what it writes;</li>
     * <li>{@link Database#readFreshSince} sets it around a cache fill that must not see a lagging
     * replica, and restores the request's own choice afterwards;</li>
     * <li>{@link Database#read} reads it ({@link #readFromWriter}) to choose the pool.</li>
     * </ol>
     * A thread-local rather than a parameter because the choice is made at the web edge and used
     * in the stores, and threading it through every service signature would couple the domain to
     * replication; this comment is where a reader finds it.
     */
    private static final ThreadLocal<Boolean> FROM_WRITER = new ThreadLocal<>();
    private final long windowMillis;

    public ReadConsistency(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** Called once the caller's session is known: its last write decides where this request reads. */
    public void sessionSeen(long lastWriteAt, long now) {
        if (lastWriteAt > 0 && now - lastWriteAt < windowMillis) {
            FROM_WRITER.set(Boolean.TRUE);
        }
    }

    /** The request writes: its own reads go to the writer from here on. */
    public void writing() {
        FROM_WRITER.set(Boolean.TRUE);
    }

    /**
     * Set when a read meant for the writer was served by the reader because the writer is down
     * ({@link Database}); lets a cache fill know that what it loaded may be stale.
     */
    private static final ThreadLocal<Boolean> DEGRADED = new ThreadLocal<>();

    /**
     * Runs the loader with its reads on the writer, then restores the request's own choice; says
     * whether every read really went to the writer.
     */
    static <T> Database.Fresh<T> fromWriterDuring(java.util.function.Supplier<T> loader) {
        Boolean before = FROM_WRITER.get();
        Boolean degradedBefore = DEGRADED.get();
        FROM_WRITER.set(Boolean.TRUE);
        DEGRADED.remove();
        try {
            T value = loader.get();
            return new Database.Fresh<>(value, DEGRADED.get() == null);
        } finally {
            if (before == null) {
                FROM_WRITER.remove();
            }
            if (degradedBefore == null) {
                DEGRADED.remove();
            } else {
                DEGRADED.set(degradedBefore);
            }
        }
    }

    static void degraded() {
        DEGRADED.set(Boolean.TRUE);
    }

    /** True once this request has fallen back to the reader: its later reads go there at once. */
    static boolean isDegraded() {
        return DEGRADED.get() != null;
    }

    /**
     * Set when a read of this request failed on the reader: its later reads go to the writer at
     * once, instead of each waiting out the reader's timeout before its breaker has opened.
     */
    private static final ThreadLocal<Boolean> READER_FAILED = new ThreadLocal<>();

    static void readerFailed() {
        READER_FAILED.set(Boolean.TRUE);
    }

    static boolean readerFailedThisRequest() {
        return READER_FAILED.get() != null;
    }

    /** True when this request's reads must see the latest writes (its session wrote recently, or it writes). */
    public static boolean readFromWriter() {
        return FROM_WRITER.get() != null;
    }

    /** Forgets the decision: called when the request ends (threads may be reused). */
    public static void clear() {
        FROM_WRITER.remove();
        DEGRADED.remove();
        READER_FAILED.remove();
    }
}
