package conduit.idempotency;

/**
 * Where idempotency records live: Redis (shared by every instance, so a retry that reaches
 * another instance finds the first answer) or this process's memory. Storage only.
 *
 * <p>Every method may throw {@link Unavailable} when the store cannot be reached.
 */
interface RecordStore {
    /** Stores the value unless the id exists; true when stored. */
    boolean putIfAbsent(String id, byte[] value, long ttlMillis);

    /** The value, or null. */
    byte[] get(String id);

    void put(String id, byte[] value, long ttlMillis);

    void delete(String id);

    final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
