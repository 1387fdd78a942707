package conduit.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.GetExParams;

/**
 * The session look-ups ({@code GETEX ... PX}) of concurrent requests, sent to Redis together: a
 * thread of its own takes every look-up waiting, sends them as one pipeline and hands each request
 * the reply to its own key. Every signed-in request makes one look-up, and sent one by one each
 * cost Redis a wake-up, a read and a write, and the app a blocking round trip: with 64
 * connections on the signed-in list that was 0.04 ms of Redis's CPU and half the app's per request
 * (docs/BENCHMARKS.md, "Fifth pass"). Sent together, one wake-up serves the whole batch. A lone
 * request waits for no one: it is a batch of one.
 * <p>
 * Bounded: a look-up waits at most the client's timeout (and {@link #WATCH_MILLIS}), whatever Redis
 * does, and one that finds {@link #MAX_WAITING} others queued is refused at once. A watchdog fails
 * the look-ups past their deadline, queued or sent, rather than each request timing its own wait:
 * a timed park of a virtual thread cost 0.015 ms of the app's CPU per request, a sixth of a
 * signed-in list's. The threads start on demand and end after {@link #IDLE_SECONDS} without work,
 * so an idle or closed store holds none.
 */
final class PipelinedLookups {
    static final int MAX_BATCH = 256;
    static final int MAX_WAITING = 4096;
    static final int IDLE_SECONDS = 5;
    static final long WATCH_MILLIS = 20;
    private static final Counter BATCHES = Metrics.globalRegistry().getOrCreate(Counter.builder("session.lookup.batches"));
    private static final Counter LOOKUPS = Metrics.globalRegistry().getOrCreate(Counter.builder("session.lookups"));

    private record Lookup(String key, long idleMillis, long deadline, CompletableFuture<String> reply) {
    }

    private final UnifiedJedis redis;
    private final Duration timeout;
    private final LinkedBlockingQueue<Lookup> waiting = new LinkedBlockingQueue<>(MAX_WAITING);
    private final AtomicBoolean running = new AtomicBoolean();
    /** The batch being sent: the watchdog's to fail if Redis keeps it past its deadline. */
    private volatile List<Lookup> sending = List.of();

    PipelinedLookups(UnifiedJedis redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    /** The value under {@code key}, its expiry moved to {@code idleMillis} from now; null when none. */
    String getEx(String key, long idleMillis) {
        Lookup lookup = new Lookup(key, idleMillis, System.nanoTime() + timeout.toNanos(), new CompletableFuture<>());
        if (!waiting.offer(lookup)) {
            throw new JedisConnectionException(MAX_WAITING + " session look-ups are already waiting for Redis");
        }
        if (running.compareAndSet(false, true)) {
            start();
        }
        try {
            return lookup.reply().get(); // the watchdog's failure when past the deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lookup.reply().cancel(false);
            throw new JedisConnectionException("interrupted while waiting for a session look-up", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure
                    : new JedisConnectionException(e.getCause());
        }
    }

    private void start() {
        AtomicBoolean alive = new AtomicBoolean(true);
        Thread.ofPlatform().daemon().name("session-lookups").start(() -> {
            try {
                run();
            } catch (RuntimeException | Error e) {
                // Whatever killed this thread must not leave requests waiting with no thread to
                // answer or expire them: the flag falls first, so a look-up queued from now on
                // starts a new thread, and every look-up queued before it fails here.
                running.set(false);
                JedisConnectionException failure = new JedisConnectionException("the session look-up thread failed", e);
                sending.forEach(lookup -> lookup.reply().completeExceptionally(failure));
                for (Lookup lookup; (lookup = waiting.poll()) != null; ) {
                    lookup.reply().completeExceptionally(failure);
                }
                throw e;
            } finally {
                alive.set(false);
            }
        });
        Thread.ofVirtual().name("session-lookups-watchdog").start(() -> watch(alive));
    }

    /** Every {@link #WATCH_MILLIS}, while its batch thread lives, fails the look-ups past their deadline. */
    private void watch(AtomicBoolean alive) {
        while (alive.get()) {
            try {
                Thread.sleep(WATCH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            expire(sending, now);
            expire(waiting, now);
        }
    }

    private void expire(Iterable<Lookup> lookups, long now) {
        for (Lookup lookup : lookups) {
            if (now - lookup.deadline() >= 0 && !lookup.reply().isDone()) {
                lookup.reply().completeExceptionally(
                        new JedisConnectionException("no answer from Redis to a session look-up within " + timeout.toMillis() + " ms"));
            }
        }
    }

    private void run() {
        List<Lookup> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            Lookup first;
            try {
                first = waiting.poll(IDLE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                running.set(false);
                // A look-up queued after the poll gave up but before the flag fell started no
                // thread: this one serves it, unless that look-up's own thread already took over.
                if (waiting.isEmpty() || !running.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            batch.add(first);
            waiting.drainTo(batch, MAX_BATCH - 1);
            send(batch);
            batch.clear();
        }
    }

    private void send(List<Lookup> batch) {
        List<Lookup> live = new ArrayList<>(batch.size());
        for (Lookup lookup : batch) {
            if (!lookup.reply().isDone()) { // else failed by the watchdog, or its request interrupted
                live.add(lookup);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        sending = live;
        try {
            pipeline(live);
        } finally {
            sending = List.of();
        }
    }

    private void pipeline(List<Lookup> live) {
        BATCHES.increment();
        LOOKUPS.increment(live.size());
        List<Response<String>> replies = new ArrayList<>(live.size());
        try (var pipeline = redis.pipelined()) {
            for (Lookup lookup : live) {
                replies.add(pipeline.getEx(lookup.key(), GetExParams.getExParams().px(lookup.idleMillis())));
            }
            pipeline.sync();
        } catch (RuntimeException e) {
            live.forEach(lookup -> lookup.reply().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < live.size(); i++) {
            try {
                live.get(i).reply().complete(replies.get(i).get());
            } catch (RuntimeException e) { // this command's own error
                live.get(i).reply().completeExceptionally(e);
            }
        }
    }
}
