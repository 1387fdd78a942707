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

    public boolean cluster() {
        return clusterNodes != null && !clusterNodes.isEmpty();
    }

    public boolean tls() {
        return url != null && "rediss".equals(url.getScheme());
    }
}
