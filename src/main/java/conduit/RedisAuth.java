package conduit;

import conduit.common.AwsClients;
import conduit.redis.RedisSettings;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/** The ElastiCache AUTH token from Secrets Manager when {@code REDIS_AUTH_SECRET_ARN} names it. */
final class RedisAuth {
    private RedisAuth() {
    }

    static RedisSettings resolve(RedisSettings redis, Settings.Aws aws) {
        if (redis == null || aws.redisSecretArn() == null) {
            return redis;
        }
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create());
        try (SecretsManagerClient client = AwsClients.configured(builder, aws.secretsEndpoint(), null, null).build()) {
            String token = client.getSecretValue(r -> r.secretId(aws.redisSecretArn())).secretString();
            return redis.toBuilder().credentials(redis.user(), token).build();
        }
    }
}
