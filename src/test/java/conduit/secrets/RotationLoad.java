package conduit.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import conduit.Api;

/**
 * A steady load of reads and writes through the app's HTTP API while a test rotates a secret:
 * each worker loops over the signed-in user, the article list, one article and (every other
 * round) a new article. Every answer is kept with its time, so a test can count what failed
 * and when; a request that got no answer at all counts as status 0.
 */
final class RotationLoad implements AutoCloseable {
    /** One answer: when (System.nanoTime), which request, its status. */
    record Outcome(long at, String request, int status) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final Api api;
    private final String token;
    private final String slug;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<Thread> workers = new ArrayList<>();

    RotationLoad(Api api, String token, String slug) {
        this.api = api;
        this.token = token;
        this.slug = slug;
    }

    /** Adds workers (more concurrent requests make the pools open more connections). */
    RotationLoad workers(int count) {
        for (int i = 0; i < count; i++) {
            Thread t = Thread.ofPlatform().daemon().name("rotation-load-" + workers.size()).start(this::loop);
            workers.add(t);
        }
        return this;
    }

    private void loop() {
        int round = 0;
        while (running.get()) {
            call("GET /api/user", () -> api.get("/api/user", token));
            call("GET /api/articles", () -> api.get("/api/articles?limit=10", token));
            call("GET /api/articles/:slug", () -> api.get("/api/articles/" + slug, token));
            if (round++ % 2 == 0) {
                call("POST /api/articles", () -> api.post("/api/articles", token, "{\"article\":{\"title\":\"load "
                        + written.incrementAndGet() + " " + Thread.currentThread().getName()
                        + "\",\"description\":\"d\",\"body\":\"b\"}}"));
            }
        }
    }

    private void call(String request, java.util.function.Supplier<Api.Response> send) {
        int status;
        try {
            status = send.get().status();
        } catch (RuntimeException e) {
            status = 0;
        }
        outcomes.add(new Outcome(System.nanoTime(), request, status));
    }

    /** Answers since a moment (System.nanoTime). */
    List<Outcome> since(long from) {
        return outcomes.stream().filter(o -> o.at() >= from).toList();
    }

    List<Outcome> all() {
        return List.copyOf(outcomes);
    }

    /** "N requests, M failed (status: count ...)" for a report line. */
    static String summary(List<Outcome> list) {
        Map<String, Integer> failures = new TreeMap<>();
        for (Outcome o : list) {
            if (!o.ok()) {
                failures.merge(o.status() + " " + o.request(), 1, Integer::sum);
            }
        }
        long failed = list.stream().filter(o -> !o.ok()).count();
        return list.size() + " requests, " + failed + " failed" + (failures.isEmpty() ? "" : " " + failures);
    }

    static long failed(List<Outcome> list) {
        return list.stream().filter(o -> !o.ok()).count();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : workers) {
            t.join(10_000);
        }
    }
}
