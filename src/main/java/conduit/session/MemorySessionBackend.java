package conduit.session;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Session records in this process's memory (embedded mode). Expired records are dropped when
 * read, and swept at most once a minute as sessions are created, so a long-lived process that
 * signs many people in and never sees them again does not grow without bound.
 */
final class MemorySessionBackend implements SessionBackend {
    private static final long SWEEP_EVERY_MILLIS = 60_000;

    private record Entry(String record, long expiresAt) {
    }

    private final Map<String, Entry> records = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> byUser = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final AtomicLong lastSweep = new AtomicLong();

    MemorySessionBackend(LongSupplier clock) {
        this.clock = clock;
        lastSweep.set(clock.getAsLong());
    }

    @Override
    public void put(String hash, String record, long expiresAt) {
        records.put(hash, new Entry(record, expiresAt));
        sweepNowAndThen();
    }

    @Override
    public String getAndTouch(String hash, long idleMillis) {
        long now = clock.getAsLong();
        Entry entry = records.computeIfPresent(hash, (h, e) -> e.expiresAt() <= now ? null : new Entry(e.record(), now + idleMillis));
        return entry == null ? null : entry.record();
    }

    @Override
    public String get(String hash) {
        Entry entry = records.get(hash);
        return entry == null || entry.expiresAt() <= clock.getAsLong() ? null : entry.record();
    }

    @Override
    public long expiresAt(String hash) {
        Entry entry = records.get(hash);
        return entry == null || entry.expiresAt() <= clock.getAsLong() ? -1 : entry.expiresAt();
    }

    @Override
    public void expireAt(String hash, long at) {
        records.computeIfPresent(hash, (h, e) -> new Entry(e.record(), Math.min(e.expiresAt(), at)));
    }

    @Override
    public void replace(String hash, String record) {
        records.computeIfPresent(hash, (h, e) -> new Entry(record, e.expiresAt()));
    }

    @Override
    public void delete(String hash) {
        records.remove(hash);
    }

    @Override
    public void index(long userId, String hash, long expiresAt) {
        byUser.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(hash);
    }

    @Override
    public Set<String> indexed(long userId) {
        return Set.copyOf(byUser.getOrDefault(userId, Set.of()));
    }

    @Override
    public void unindex(long userId, String hash) {
        byUser.computeIfPresent(userId, (id, hashes) -> {
            hashes.remove(hash);
            return hashes.isEmpty() ? null : hashes;
        });
    }

    /** Drops expired records and their index entries, at most once a minute (one thread does it). */
    private void sweepNowAndThen() {
        long now = clock.getAsLong();
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_MILLIS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        records.values().removeIf(e -> e.expiresAt() <= now);
        for (Iterator<Map.Entry<Long, Set<String>>> users = byUser.entrySet().iterator(); users.hasNext(); ) {
            Map.Entry<Long, Set<String>> user = users.next();
            user.getValue().removeIf(hash -> !records.containsKey(hash));
            if (user.getValue().isEmpty()) {
                users.remove();
            }
        }
    }

    /** How many records are held (tests of the sweep). */
    int size() {
        return records.size();
    }
}
