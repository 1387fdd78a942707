package conduit;

import conduit.common.AwsClients;
import conduit.redis.RedisConnector;
import conduit.redis.RedisSettings;
import conduit.secrets.SecretCredentials;
import conduit.secrets.SecretValue;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The ElastiCache AUTH token from Secrets Manager when {@code REDIS_AUTH_SECRET_ARN} names it
 * (the whole secret string). It is read at start-up and kept; new Redis connections log in with
 * the token in memory, and when Redis refuses it (after a rotation) the secret is read again,
 * at most once per {@link SecretCredentials#MIN_REFRESH_INTERVAL} (see {@link RedisConnector}).
 */
final class RedisAuth {
    private RedisAuth() {
    }

    /** The token's source, or null when there is no Redis or its AUTH comes from the settings. */
    static SecretValue token(RedisSettings redis, Settings.Aws aws) {
        if (redis == null || aws.redisSecretArn() == null) {
            return null;
        }
        return new SecretValue(aws.redisSecretArn(), () -> read(aws), SecretCredentials.MIN_REFRESH_INTERVAL);
    }

    /**
     * One client per read: reads happen at start-up and after a refused login only, so nothing
     * stays open for the life of the app.
     */
    private static String read(Settings.Aws aws) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        try (SecretsManagerClient client = AwsClients.configured(builder, aws.secretsEndpoint(), null, null).build()) {
            return client.getSecretValue(r -> r.secretId(aws.redisSecretArn())).secretString();
        }
    }
}
