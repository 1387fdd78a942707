package conduit.secrets;

import java.net.URI;
import java.util.UUID;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** moto's Secrets Manager from {@code scripts/stack up moto}; moto accepts any credentials. */
final class SecretsStack {
    static final StaticCredentialsProvider FAKE = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    private SecretsStack() {
    }

    static URI endpoint() {
        return URI.create(System.getenv("MOTO_ENDPOINT"));
    }

    static SecretsManagerClient client() {
        return SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint()).region(Region.US_EAST_1).credentialsProvider(FAKE).build();
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String rdsJson(String username, String password) {
        return "{\"engine\":\"mysql\",\"host\":\"127.0.0.1\",\"port\":3306,\"dbname\":\"conduit\",\"username\":\""
                + username + "\",\"password\":\"" + password + "\"}";
    }
}
