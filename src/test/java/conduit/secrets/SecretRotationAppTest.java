package conduit.secrets;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import conduit.Api;
import conduit.App;
import conduit.Settings;
import conduit.Stack;
import conduit.db.DbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app takes its database login from Secrets Manager (moto) and survives a rotation of the
 * password in both the secret and the real MariaDB writer, without a restart.
 */
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+", disabledReason = "needs scripts/stack up db moto")
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db moto")
class SecretRotationAppTest {

    @Test
    void writesKeepWorkingAfterThePasswordIsRotated() throws Exception {
        String user = "rot_" + Long.toString(System.nanoTime(), 36);
        String first = "first-" + Long.toString(System.nanoTime(), 36);
        String second = "second-" + Long.toString(System.nanoTime(), 36);
        Stack.onWriter("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + first + "'");
        Stack.onWriter("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES ON conduit.* TO '" + user + "'@'127.0.0.1'");
        URI moto = URI.create(Stack.env("MOTO_ENDPOINT"));
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(moto).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
            String arn = secrets.createSecret(r -> r.name("conduit/db/" + user)
                    .secretString("{\"username\":\"" + user + "\",\"password\":\"" + first + "\"}")).arn();

            Settings base = Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5));
            DbSettings db = base.db();
            Settings settings = base.toBuilder()
                    .db(db.toBuilder().credentials(null, null).writerPoolSize(4).readerPoolSize(4).build())
                    .aws(base.aws().toBuilder().dbSecretArn(arn).secretsEndpoint(moto).build())
                    .build();
            try (App.Running app = App.start(settings)) {
                Api api = Api.of(app);
                String token = api.register(Api.unique("rot"));
                api.article(token, "Before rotation");

                Stack.onWriter("ALTER USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + second + "'");
                secrets.putSecretValue(r -> r.secretId(arn).secretString("{\"username\":\"" + user + "\",\"password\":\"" + second + "\"}"));
                // Drop the app's open connections, so that it must log in again with the new password.
                Stack.onWriter("KILL USER '" + user + "'");
                Stack.onReader("KILL USER '" + user + "'");

                List<Integer> statuses = new ArrayList<>();
                Stack.await(Duration.ofSeconds(20), "a write with the rotated password", () -> {
                    int status = api.post("/api/articles", token,
                            "{\"article\":{\"title\":\"After rotation\",\"description\":\"d\",\"body\":\"b\"}}").status();
                    statuses.add(status);
                    return status == 201;
                });
                assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 503), "only retryable failures meanwhile: " + statuses);
                for (int i = 0; i < 5; i++) {
                    api.article(token, "Steady " + i); // throws unless 201
                }
            }
        } finally {
            Stack.onWriter("DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
        }
    }
}
