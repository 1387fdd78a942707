package conduit.session;

import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import conduit.common.Failure;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.SetParams;

/**
 * Sessions in Redis, shared by every instance. The key is the SHA-256 of the token, never the
 * token; the value is {@code userId:createdAt:lastWriteAt}. Idle expiry slides with one
 * {@code GETEX ... PX} per look-up; the absolute lifetime is enforced from {@code createdAt}.
 * A set per user lists their session hashes, for "log out everywhere else".
 *
 * <p>When Redis cannot be reached, calls fail at once with a 503 {@link Failure} (the client's
 * timeouts bound how long that takes): a session cannot be checked, so it is not trusted.
 */
public final class RedisSessionStore implements SessionStore {
    private static final String SESSION = "conduit:session:";
    private static final String USER = "conduit:user-sessions:";

    private final UnifiedJedis redis;
    private final SessionPolicy policy;
    private final LongSupplier clock;

    public RedisSessionStore(UnifiedJedis redis, SessionPolicy policy, LongSupplier clock) {
        this.redis = redis;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public String create(long userId) {
        String token = Tokens.newToken();
        String hash = Tokens.hash(token);
        long now = clock.getAsLong();
        try {
            redis.set(SESSION + hash, value(userId, now, 0), SetParams.setParams().pxAt(policy.expiresAt(now, now)));
            redis.sadd(USER + userId, hash);
            redis.pexpire(USER + userId, policy.absolute().toMillis());
        } catch (JedisException e) {
            throw unavailable(e);
        }
        return token;
    }

    @Override
    public Optional<Session> find(String token) {
        String hash = Tokens.hash(token);
        long now = clock.getAsLong();
        String value;
        try {
            value = redis.getEx(SESSION + hash, GetExParams.getExParams().px(policy.idle().toMillis()));
        } catch (JedisException e) {
            throw unavailable(e);
        }
        if (value == null) {
            return Optional.empty();
        }
        Session session = parse(hash, value);
        long hardEnd = session.createdAtMillis() + policy.absolute().toMillis();
        try {
            if (hardEnd <= now) {
                redis.del(SESSION + hash);
                return Optional.empty();
            }
            if (hardEnd < now + policy.idle().toMillis()) {
                // The last idle period of the session's life: the absolute cap comes first.
                redis.pexpireAt(SESSION + hash, hardEnd);
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
        return Optional.of(session);
    }

    @Override
    public void markWrite(String token, long at) {
        String key = SESSION + Tokens.hash(token);
        try {
            String value = redis.get(key);
            if (value != null) {
                Session s = parse("", value);
                redis.set(key, value(s.userId(), s.createdAtMillis(), at), SetParams.setParams().xx().keepTtl());
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void revoke(String token) {
        String hash = Tokens.hash(token);
        try {
            String value = redis.get(SESSION + hash);
            redis.del(SESSION + hash);
            if (value != null) {
                redis.srem(USER + parse(hash, value).userId(), hash);
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void revokeOthers(long userId, String keepToken) {
        String keep = Tokens.hash(keepToken);
        try {
            Set<String> hashes = redis.smembers(USER + userId);
            for (String hash : hashes) {
                if (!hash.equals(keep)) {
                    // One key per command: session keys live in different cluster slots.
                    redis.del(SESSION + hash);
                    redis.srem(USER + userId, hash);
                }
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /** The Redis key a token's session is stored under (for tests and operators: no token in it). */
    public static String keyFor(String token) {
        return SESSION + Tokens.hash(token);
    }

    private static String value(long userId, long createdAt, long lastWriteAt) {
        return userId + ":" + createdAt + ":" + lastWriteAt;
    }

    private static Session parse(String hash, String value) {
        String[] parts = value.split(":");
        return new Session(hash, Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    private static Failure unavailable(JedisException e) {
        return Failure.unavailable("session", e);
    }
}
