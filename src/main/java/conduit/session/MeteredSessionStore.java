package conduit.session;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import conduit.common.ClientInfo;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;

/** Session-store latency ({@code session_store_seconds{op}}) and errors ({@code session_store_errors_total}). */
public final class MeteredSessionStore implements SessionStore {
    private final SessionStore store;
    private final Counter errors = Metrics.globalRegistry().getOrCreate(Counter.builder("session.store.errors"));
    /** One timer per operation, looked up once (the registry's getOrCreate is not cheap per call). */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public MeteredSessionStore(SessionStore store) {
        this.store = store;
    }

    @Override
    public String create(long userId, ClientInfo client) {
        return timed("create", () -> store.create(userId, client));
    }

    @Override
    public Optional<Session> find(String token) {
        return timed("find", () -> store.find(token));
    }

    @Override
    public Optional<Session> findWriting(String token, long at) {
        return timed("find_writing", () -> store.findWriting(token, at));
    }

    @Override
    public void revoke(String token) {
        timed("revoke", () -> {
            store.revoke(token);
            return null;
        });
    }

    @Override
    public int revokeOthers(long userId, String keepToken) {
        return timed("revoke_others", () -> store.revokeOthers(userId, keepToken));
    }

    @Override
    public int revokeAll(long userId) {
        return timed("revoke_all", () -> store.revokeAll(userId));
    }

    @Override
    public List<SessionInfo> list(long userId) {
        return timed("list", () -> store.list(userId));
    }

    @Override
    public boolean revokeHash(long userId, String tokenHash) {
        return timed("revoke_hash", () -> store.revokeHash(userId, tokenHash));
    }

    private <T> T timed(String op, Supplier<T> call) {
        Timer timer = timers.computeIfAbsent(op,
                name -> Metrics.globalRegistry().getOrCreate(Timer.builder("session.store").tags(Metrics.tags("op", name))));
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (RuntimeException e) {
            errors.increment();
            throw e;
        } finally {
            timer.record(java.time.Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
