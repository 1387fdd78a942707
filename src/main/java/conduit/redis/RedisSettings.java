package conduit.redis;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to reach Redis (ElastiCache in production): a {@code redis://} or {@code rediss://} (TLS)
 * URL, or a list of cluster nodes; optional AUTH user and password; a CA file for TLS with a
 * private CA; short timeouts so a Redis outage costs a request milliseconds, not seconds.
 */
public record RedisSettings(URI url,
                            List<String> clusterNodes,
                            String user,
                            String password,
                            Path caFile,
                            Duration timeout,
                            int poolSize) {

    public RedisSettings {
        clusterNodes = clusterNodes == null ? List.of() : List.copyOf(clusterNodes);
        if (url == null && clusterNodes.isEmpty()) {
            throw new IllegalArgumentException("REDIS_URL or REDIS_CLUSTER_NODES must be set");
        }
        if (url != null && !"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) {
            throw new IllegalArgumentException("REDIS_URL must start with redis:// or rediss://, got " + url);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("REDIS_TIMEOUT_MS must be > 0");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("REDIS_POOL_SIZE must be >= 1, got " + poolSize);
        }
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    public static final int DEFAULT_POOL_SIZE = 32;

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().url(url).clusterNodes(clusterNodes).credentials(user, password).caFile(caFile)
                .timeout(timeout).poolSize(poolSize);
    }

    public boolean cluster() {
        return !clusterNodes.isEmpty();
    }

    public boolean tls() {
        return url != null && "rediss".equals(url.getScheme());
    }

    /** Named setters; 500 ms timeout and 32 connections by default. */
    public static final class Builder {
        private URI url;
        private List<String> clusterNodes = List.of();
        private String user;
        private String password;
        private Path caFile;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int poolSize = DEFAULT_POOL_SIZE;

        public Builder url(URI value) {
            url = value;
            return this;
        }

        public Builder clusterNodes(List<String> value) {
            clusterNodes = value;
            return this;
        }

        public Builder credentials(String userName, String pass) {
            user = userName;
            password = pass;
            return this;
        }

        public Builder caFile(Path value) {
            caFile = value;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        public Builder poolSize(int value) {
            poolSize = value;
            return this;
        }

        public RedisSettings build() {
            return new RedisSettings(url, clusterNodes, user, password, caFile, timeout, poolSize);
        }
    }
}
