package conduit.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for work that another thread runs. */
public final class Futures {
    private Futures() {
    }

    /**
     * What the work returned, or what it threw: a runtime exception as it was thrown, not wrapped
     * in the {@link CompletionException} that {@code join} adds.
     */
    public static <T> T join(CompletableFuture<T> work) {
        try {
            return work.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
