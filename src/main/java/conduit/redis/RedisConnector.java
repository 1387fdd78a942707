package conduit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/** Builds the pooled, thread-safe Jedis client: standalone or cluster, with AUTH and TLS. */
public final class RedisConnector {
    private RedisConnector() {
    }

    public static UnifiedJedis connect(RedisSettings settings) {
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName("conduit");
        if (settings.user() != null && !settings.user().isBlank()) {
            config.user(settings.user());
        }
        if (settings.password() != null && !settings.password().isBlank()) {
            config.password(settings.password());
        }
        if (settings.tls()) {
            config.ssl(true);
            if (settings.caFile() != null) {
                config.sslSocketFactory(trusting(settings));
            }
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(Math.min(2, settings.poolSize()));
        // Waiting for a pooled connection is bounded like every other Redis call.
        pool.setMaxWait(settings.timeout());
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        if (settings.cluster()) {
            Set<HostAndPort> nodes = new LinkedHashSet<>();
            for (String node : settings.clusterNodes()) {
                nodes.add(HostAndPort.from(node.trim()));
            }
            return RedisClusterClient.builder()
                    .nodes(nodes)
                    .clientConfig(config.build())
                    .poolConfig(pool)
                    .maxAttempts(2)
                    .maxTotalRetriesDuration(settings.timeout().multipliedBy(2))
                    .build();
        }
        int port = settings.url().getPort() > 0 ? settings.url().getPort() : 6379;
        return RedisClient.builder()
                .hostAndPort(settings.url().getHost(), port)
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }

    /** TLS that trusts the given CA (a private CA, or a test one); the JDK's CAs otherwise. */
    private static SSLSocketFactory trusting(RedisSettings settings) {
        try (InputStream in = Files.newInputStream(settings.caFile())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load Redis CA file " + settings.caFile(), e);
        }
    }
}
