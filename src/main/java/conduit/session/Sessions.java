package conduit.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import conduit.common.ClientInfo;
import conduit.common.Failure;

/**
 * The session rules, over either backend: a new session gets a 256-bit token of which only the
 * hash is stored; each use slides its idle expiry, capped by its absolute lifetime; a user's
 * sessions are indexed so that they can be listed and "log out everywhere else" can find them.
 *
 * <p>When the backend cannot be reached, calls fail at once with a 503 {@link Failure} (the
 * backend's own timeouts bound how long that takes): a session that cannot be checked is not
 * trusted.
 */
public final class Sessions implements SessionStore {
    private final SessionBackend backend;
    private final SessionPolicy policy;
    private final LongSupplier clock;

    Sessions(SessionBackend backend, SessionPolicy policy, LongSupplier clock) {
        this.backend = backend;
        this.policy = policy;
        this.clock = clock;
    }

    /** Sessions in this process (embedded mode): gone when it stops, not shared. */
    public static Sessions inMemory(SessionPolicy policy, LongSupplier clock) {
        return new Sessions(new MemorySessionBackend(clock), policy, clock);
    }

    /** Sessions in Redis, shared by every instance; a look-up waits {@code timeout} at most. */
    public static Sessions redis(redis.clients.jedis.UnifiedJedis redis, conduit.ops.TierBreaker breaker, java.time.Duration timeout,
                                 SessionPolicy policy, LongSupplier clock) {
        return new Sessions(new RedisSessionBackend(redis, breaker, timeout), policy, clock);
    }

    @Override
    public String create(long userId, ClientInfo client) {
        String token = Tokens.newToken();
        String hash = Tokens.hash(token);
        long now = clock.getAsLong();
        try {
            backend.put(hash, new SessionRecord(userId, now, 0, client.addressText(), client.userAgent()).encode(),
                    policy.expiresAt(now, now));
            backend.index(userId, hash, now + policy.absolute().toMillis());
        } catch (SessionBackend.Unavailable e) {
            throw unavailable(e);
        }
        return token;
    }

    @Override
    public Optional<Session> find(String token) {
        return find(token, 0);
    }

    @Override
    public Optional<Session> findWriting(String token, long at) {
        return find(token, at);
    }

    /** The session, and when {@code writeAt} > 0 its record rewritten with that write time: two calls to the backend, not three. */
    private Optional<Session> find(String token, long writeAt) {
        String hash = Tokens.hash(token);
        long now = clock.getAsLong();
        try {
            String value = backend.getAndTouch(hash, policy.idle().toMillis());
            if (value == null) {
                return Optional.empty();
            }
            SessionRecord record = SessionRecord.decode(value);
            long hardEnd = record.createdAt() + policy.absolute().toMillis();
            if (hardEnd <= now) {
                backend.delete(hash);
                return Optional.empty();
            }
            if (hardEnd < now + policy.idle().toMillis()) {
                // The last idle period of the session's life: the absolute cap comes first.
                backend.expireAt(hash, hardEnd);
            }
            if (writeAt > 0) {
                // Replaces only a record that still exists, keeping its expiry: a logout in
                // between is not undone. Two writes racing here both store about "now".
                backend.replace(hash, record.wroteAt(writeAt).encode());
            }
            return Optional.of(new Session(hash, record.userId(), record.createdAt(), record.lastWriteAt()));
        } catch (SessionBackend.Unavailable e) {
            throw unavailable(e);
        }
    }

    @Override
    public void revoke(String token) {
        String hash = Tokens.hash(token);
        try {
            String value = backend.get(hash);
            backend.delete(hash);
            if (value != null) {
                backend.unindex(SessionRecord.decode(value).userId(), hash);
            }
        } catch (SessionBackend.Unavailable e) {
            throw unavailable(e);
        }
    }

    @Override
    public int revokeOthers(long userId, String keepToken) {
        return revokeExcept(userId, Tokens.hash(keepToken));
    }

    @Override
    public int revokeAll(long userId) {
        return revokeExcept(userId, null);
    }

    /** Ends the user's sessions but the one whose hash is {@code keep} (none when null). */
    private int revokeExcept(long userId, String keep) {
        int ended = 0;
        try {
            for (String hash : backend.indexed(userId)) {
                if (!hash.equals(keep)) {
                    if (backend.get(hash) != null) {
                        ended++;
                    }
                    backend.delete(hash);
                    backend.unindex(userId, hash);
                }
            }
        } catch (SessionBackend.Unavailable e) {
            throw unavailable(e);
        }
        return ended;
    }

    /**
     * The user's live sessions. "Last used" needs no write per request: every use slides the
     * expiry to {@code now + idle}, so the expiry minus the idle period is the last use. (In a
     * session's last idle period its expiry is the absolute cap instead, and this reads earlier
     * than the truth, never later.) Index entries of sessions that expired are dropped on the way.
     */
    @Override
    public List<SessionInfo> list(long userId) {
        List<SessionInfo> out = new ArrayList<>();
        try {
            for (String hash : backend.indexed(userId)) {
                String value = backend.get(hash);
                long expiresAt = value == null ? -1 : backend.expiresAt(hash);
                if (value == null || expiresAt < 0) {
                    backend.unindex(userId, hash);
                    continue;
                }
                SessionRecord record = SessionRecord.decode(value);
                if (record.userId() != userId) {
                    continue;
                }
                long lastUsed = Math.max(record.createdAt(), expiresAt - policy.idle().toMillis());
                out.add(new SessionInfo(hash, record.createdAt(), lastUsed, record.clientAddress(), record.userAgent()));
            }
        } catch (SessionBackend.Unavailable e) {
            throw unavailable(e);
        }
        out.sort(Comparator.comparingLong(SessionInfo::createdAt));
        return out;
    }

    @Override
    public boolean revokeHash(long userId, String tokenHash) {
        try {
            if (!backend.indexed(userId).contains(tokenHash)) {
                return false;
            }
            String value = backend.get(tokenHash);
            backend.delete(tokenHash);
            backend.unindex(userId, tokenHash);
            return value != null && SessionRecord.decode(value).userId() == userId;
        } catch (SessionBackend.Unavailable e) {
            throw unavailable(e);
        }
    }

    private static Failure unavailable(SessionBackend.Unavailable e) {
        return Failure.unavailable("session", e.getCause());
    }
}
