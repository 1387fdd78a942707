package conduit.redis;

import java.util.function.Function;
import java.util.function.Supplier;

import conduit.ops.TierBreaker;
import redis.clients.jedis.exceptions.JedisException;

/**
 * How every Redis-backed store calls Redis: through Redis's circuit breaker, with a Jedis failure
 * or a refusal by the open breaker turned into the store's own "unavailable" exception, so that
 * the layer above treats a Redis outage the same whichever store met it.
 */
public final class RedisCalls {
    private RedisCalls() {
    }

    public static <T> T call(TierBreaker breaker, Supplier<T> command, Function<RuntimeException, RuntimeException> unavailable) {
        try {
            return breaker.call(command);
        } catch (JedisException | TierBreaker.Unavailable e) {
            throw unavailable.apply(e);
        }
    }
}
