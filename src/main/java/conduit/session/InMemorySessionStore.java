package conduit.session;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sessions in this process's memory, for the embedded mode: they end when the process does, and
 * they are not shared between instances (the Redis store is for that).
 */
public final class InMemorySessionStore implements SessionStore {
    private record Entry(long userId, long createdAt, long expiresAt, long lastWriteAt) {
    }

    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> hashesByUser = new ConcurrentHashMap<>();
    private final SessionPolicy policy;
    private final LongSupplier clock;

    public InMemorySessionStore(SessionPolicy policy, LongSupplier clock) {
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public String create(long userId) {
        String token = Tokens.newToken();
        String hash = Tokens.hash(token);
        long now = clock.getAsLong();
        byHash.put(hash, new Entry(userId, now, policy.expiresAt(now, now), 0));
        hashesByUser.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(hash);
        return token;
    }

    @Override
    public Optional<Session> find(String token) {
        String hash = Tokens.hash(token);
        long now = clock.getAsLong();
        Entry entry = byHash.computeIfPresent(hash, (h, e) ->
                e.expiresAt() <= now ? null
                        : new Entry(e.userId(), e.createdAt(), policy.expiresAt(e.createdAt(), now), e.lastWriteAt()));
        if (entry == null) {
            return Optional.empty();
        }
        return Optional.of(new Session(hash, entry.userId(), entry.createdAt(), entry.lastWriteAt()));
    }

    @Override
    public void markWrite(String token, long at) {
        byHash.computeIfPresent(Tokens.hash(token), (h, e) -> new Entry(e.userId(), e.createdAt(), e.expiresAt(), at));
    }

    @Override
    public void revoke(String token) {
        String hash = Tokens.hash(token);
        Entry removed = byHash.remove(hash);
        if (removed != null) {
            Set<String> hashes = hashesByUser.get(removed.userId());
            if (hashes != null) {
                hashes.remove(hash);
            }
        }
    }

    @Override
    public void revokeOthers(long userId, String keepToken) {
        String keep = Tokens.hash(keepToken);
        Set<String> hashes = hashesByUser.get(userId);
        if (hashes == null) {
            return;
        }
        for (String hash : hashes) {
            if (!hash.equals(keep)) {
                byHash.remove(hash);
                hashes.remove(hash);
            }
        }
    }
}
