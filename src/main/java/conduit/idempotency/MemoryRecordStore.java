package conduit.idempotency;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * Idempotency records in this process (embedded mode), bounded in bytes: when full, the oldest
 * records go first (a retry comes within seconds or minutes, not a day later), and since records
 * are kept in insertion order, expired ones are always among the first to go.
 */
final class MemoryRecordStore implements RecordStore {
    private record Entry(byte[] value, long expiresAt) {
    }

    private final LinkedHashMap<String, Entry> records = new LinkedHashMap<>();
    private final long maxBytes;
    private final LongSupplier clock;
    private long bytes;

    MemoryRecordStore(long maxBytes, LongSupplier clock) {
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @Override
    public synchronized boolean putIfAbsent(String id, byte[] value, long ttlMillis) {
        if (live(id) != null) {
            return false;
        }
        put(id, value, ttlMillis);
        return true;
    }

    @Override
    public synchronized byte[] get(String id) {
        Entry entry = live(id);
        return entry == null ? null : entry.value();
    }

    @Override
    public synchronized void put(String id, byte[] value, long ttlMillis) {
        delete(id);
        records.put(id, new Entry(value, clock.getAsLong() + ttlMillis));
        bytes += value.length;
        for (Iterator<Entry> oldest = records.values().iterator(); bytes > maxBytes && oldest.hasNext(); ) {
            bytes -= oldest.next().value().length;
            oldest.remove();
        }
    }

    @Override
    public synchronized void delete(String id) {
        Entry removed = records.remove(id);
        if (removed != null) {
            bytes -= removed.value().length;
        }
    }

    private Entry live(String id) {
        Entry entry = records.get(id);
        if (entry != null && entry.expiresAt() <= clock.getAsLong()) {
            delete(id);
            return null;
        }
        return entry;
    }

    /** Records held (tests). */
    synchronized int size() {
        return records.size();
    }
}
