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
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import conduit.secrets.SecretValue;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisCredentials;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.PooledConnectionProvider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Builds the pooled, thread-safe Jedis client: standalone or cluster, with AUTH and TLS.
 *
 * <p>AUTH comes from the settings, or from a rotated secret (a {@link SecretValue} given to {@link #connect}):
 * then every new connection logs in with the token in memory, and in standalone mode a login
 * Redis refuses (WRONGPASS, after a rotation dropped the token) reads the secret again and is
 * retried once; open connections are never re-authenticated (Redis checks AUTH at login only).
 * In cluster mode new connections use the token in memory but a refusal does not re-read it:
 * Jedis builds the cluster's per-node pools itself, with no hook for the retry.
 */
public final class RedisConnector {
    private RedisConnector() {
    }

    /** With the settings' own AUTH (or none). */
    public static UnifiedJedis connect(RedisSettings settings) {
        return connect(settings, null);
    }

    /**
     * @param rotating the AUTH token from a secret (null for the settings' own): every new connection
     *                 logs in with its value in memory, and re-reads it when Redis refuses the login
     */
    public static UnifiedJedis connect(RedisSettings settings, SecretValue rotating) {
        DefaultJedisClientConfig.Builder config = clientConfig(settings, rotating);
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
        HostAndPort node = standaloneNode(settings);
        JedisClientConfig clientConfig = config.build();
        var client = RedisClient.builder().hostAndPort(node).clientConfig(clientConfig).poolConfig(pool);
        if (rotating != null) {
            client.connectionProvider(new PooledConnectionProvider(new Relogin(node, clientConfig, rotating), pool));
        }
        return client.build();
    }

    private static DefaultJedisClientConfig.Builder clientConfig(RedisSettings settings, SecretValue rotating) {
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientName("conduit");
        String user = settings.user() != null && !settings.user().isBlank() ? settings.user() : null;
        if (rotating != null) {
            config.credentialsProvider(new SecretLogin(user, rotating));
        } else {
            if (user != null) {
                config.user(user);
            }
            if (settings.password() != null && !settings.password().isBlank()) {
                config.password(settings.password());
            }
        }
        if (settings.tls()) {
            config.ssl(true);
            if (settings.caFile() != null) {
                config.sslSocketFactory(trusting(settings));
            }
        }
        return config;
    }

    /** Where a standalone Redis is and how to log in to it. */
    public record Endpoint(HostAndPort node, JedisClientConfig config) {
    }

    /**
     * The standalone Redis's address and login (a rotated secret's value read at each login), for
     * a connection of its own outside the pool: a subscription, which holds its connection for
     * good and is read on one thread while another writes to it.
     */
    public static Endpoint endpoint(RedisSettings settings, SecretValue rotating) {
        if (settings.cluster()) {
            throw new IllegalArgumentException("a Redis Cluster has no single endpoint");
        }
        return new Endpoint(standaloneNode(settings), clientConfig(settings, rotating).build());
    }

    private static HostAndPort standaloneNode(RedisSettings settings) {
        int port = settings.url().getPort() > 0 ? settings.url().getPort() : 6379;
        return new HostAndPort(settings.url().getHost(), port);
    }

    /** The login for each new connection: the user, and the secret's value in memory. */
    private record SecretLogin(String user, SecretValue password) implements Supplier<RedisCredentials> {
        @Override
        public RedisCredentials get() {
            return new DefaultRedisCredentials(user, read(password::current));
        }
    }

    /** Opens connections; one that Redis refuses is retried once if the secret has changed. */
    private static final class Relogin extends ConnectionFactory {
        private final SecretValue password;

        Relogin(HostAndPort node, JedisClientConfig config, SecretValue password) {
            super(node, config);
            this.password = password;
        }

        @Override
        public PooledObject<Connection> makeObject() throws Exception {
            String used = read(password::current);
            try {
                return super.makeObject();
            } catch (JedisException e) {
                if (!refusedLogin(e) || read(password::refresh).equals(used)) {
                    throw e; // not a login problem, or nothing newer in the secret
                }
                return super.makeObject();
            }
        }
    }

    /** WRONGPASS (Redis 6+, ElastiCache) or "invalid password" (older servers). */
    static boolean refusedLogin(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.startsWith("WRONGPASS") || message.contains("invalid password"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Secrets Manager unreachable is reported as Redis being unreachable: the tier's breaker and
     * the web layer handle it like an outage (fast failures, 503s), never as a crash.
     */
    private static String read(Supplier<String> secret) {
        try {
            return secret.get();
        } catch (SdkException e) {
            throw new JedisConnectionException("cannot read the Redis AUTH token from Secrets Manager: " + e.getMessage(), e);
        }
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
