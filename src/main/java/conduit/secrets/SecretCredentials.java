package conduit.secrets;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conduit.common.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * Database credentials from AWS Secrets Manager, in the JSON that RDS and its rotation functions
 * write ({@code {"username":..,"password":..,"host":..,"port":..,"dbname":..}}).
 *
 * <p>Read once and kept in memory; {@link #refresh()} reads the secret again after a rotation,
 * rate-limited by {@link SecretValue}.
 */
public final class SecretCredentials implements Logins, AutoCloseable {
    /** The default refresh rate limit. */
    public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretsManagerClient client;
    private final String secretId;
    private final SecretValue secret;
    /** The login parsed from the string in memory, parsed again only when the string changes. */
    private volatile Parsed parsed;

    private record Parsed(String secret, DbCredentials login) {
    }

    /** Over a ready client, which {@link #close()} closes. */
    public SecretCredentials(SecretsManagerClient client, String secretId, Duration minRefreshInterval) {
        this(client, secretId, minRefreshInterval, System::nanoTime);
    }

    SecretCredentials(SecretsManagerClient client, String secretId, Duration minRefreshInterval, LongSupplier nanoTime) {
        if (secretId == null || secretId.isBlank()) {
            throw new IllegalArgumentException("a secret ARN or name (DB_SECRET_ARN) is required");
        }
        this.client = client;
        this.secretId = secretId;
        // AWSCURRENT by default: the version a finished rotation has promoted.
        this.secret = new SecretValue(secretId, () -> client.getSecretValue(b -> b.secretId(secretId)).secretString(),
                minRefreshInterval, nanoTime);
    }

    /** Region and credentials from the SDK's default chains (the instance role on EC2). */
    public static SecretCredentials create(String secretId, URI endpoint) {
        return create(secretId, endpoint, null, null);
    }

    /**
     * @param secretId    {@code DB_SECRET_ARN}: the secret's ARN or name
     * @param endpoint    {@code SECRETS_ENDPOINT}, or null for the regional AWS endpoint
     * @param credentials null for the default provider chain
     * @param region      null for the default region chain
     */
    public static SecretCredentials create(String secretId, URI endpoint, AwsCredentialsProvider credentials, Region region) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        return new SecretCredentials(AwsClients.configured(builder, endpoint, credentials, region).build(), secretId,
                MIN_REFRESH_INTERVAL);
    }

    /** The credentials in memory, read from Secrets Manager on first use. */
    @Override
    public DbCredentials current() {
        return login(secret.current());
    }

    /**
     * Reads the secret again, unless it was read less than the minimum interval ago (then the
     * credentials in memory are the freshest there are).
     */
    @Override
    public DbCredentials refresh() {
        return login(secret.refresh());
    }

    private DbCredentials login(String value) {
        Parsed p = parsed;
        if (p == null || !p.secret().equals(value)) {
            p = new Parsed(value, parse(value, secretId));
            parsed = p;
        }
        return p.login();
    }

    static DbCredentials parse(String secret, String secretId) {
        JsonNode node;
        try {
            node = secret == null ? null : JSON.readTree(secret);
        } catch (IOException e) {
            // Not the parser's message: it could quote part of the secret.
            throw new IllegalStateException("secret " + secretId + " is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalStateException("secret " + secretId + " is not a JSON object");
        }
        return new DbCredentials(required(node, "username", secretId), required(node, "password", secretId),
                optional(node, "host"), node.path("port").asInt(0), optional(node, "dbname"));
    }

    private static String required(JsonNode node, String field, String secretId) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new IllegalStateException("secret " + secretId + " has no " + field);
        }
        return value.textValue();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    @Override
    public void close() {
        client.close();
    }
}
