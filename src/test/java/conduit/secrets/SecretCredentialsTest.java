package conduit.secrets;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading and refreshing an RDS secret, against moto's Secrets Manager. */
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+")
class SecretCredentialsTest {
    private static SecretsManagerClient admin;

    @BeforeAll
    static void connect() {
        admin = SecretsStack.client();
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static String secret(String json) {
        String name = SecretsStack.uniqueName("conduit/test/db");
        admin.createSecret(b -> b.name(name).secretString(json));
        return name;
    }

    @Test
    void readsTheRdsSecretJsonByNameOrArn() {
        String name = secret(SecretsStack.rdsJson("app", "s3cret"));
        String arn = admin.describeSecret(b -> b.secretId(name)).arn();
        for (String id : new String[] {name, arn}) {
            try (SecretCredentials creds = SecretCredentials.create(id, SecretsStack.endpoint(), SecretsStack.FAKE, Region.US_EAST_1)) {
                DbCredentials c = creds.current();
                assertEquals("app", c.username());
                assertEquals("s3cret", c.password());
                assertEquals("127.0.0.1", c.host());
                assertEquals(3306, c.port());
                assertEquals("conduit", c.dbname());
                assertFalse(c.toString().contains("s3cret"), c.toString());
                assertSame(c, creds.current(), "cached, not fetched again");
            }
        }
    }

    @Test
    void hostPortAndDbnameAreOptional() {
        String name = secret("{\"username\":\"app\",\"password\":\"pw\"}");
        try (SecretCredentials creds = SecretCredentials.create(name, SecretsStack.endpoint(), SecretsStack.FAKE, Region.US_EAST_1)) {
            DbCredentials c = creds.current();
            assertNull(c.host());
            assertEquals(0, c.port());
            assertNull(c.dbname());
        }
    }

    @Test
    void aSecretWithoutPasswordIsAClearErrorThatQuotesNothing() {
        String name = secret("{\"username\":\"app\",\"pass\":\"leaky-value\"}");
        try (SecretCredentials creds = SecretCredentials.create(name, SecretsStack.endpoint(), SecretsStack.FAKE, Region.US_EAST_1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, creds::current);
            assertEquals("secret " + name + " has no password", e.getMessage());
        }
        String notJson = secret("user=app;password=leaky-value");
        try (SecretCredentials creds = SecretCredentials.create(notJson, SecretsStack.endpoint(), SecretsStack.FAKE, Region.US_EAST_1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, creds::current);
            assertFalse(e.getMessage().contains("leaky"), e.getMessage());
        }
    }

    @Test
    void refreshReadsTheRotatedSecretAtMostOncePerInterval() {
        String name = secret(SecretsStack.rdsJson("app", "first"));
        AtomicLong now = new AtomicLong();
        try (SecretCredentials creds = new SecretCredentials(SecretsStack.client(), name, Duration.ofSeconds(5), now::get)) {
            assertEquals("first", creds.current().password());
            admin.putSecretValue(b -> b.secretId(name).secretString(SecretsStack.rdsJson("app", "second")));
            now.addAndGet(Duration.ofSeconds(4).toNanos());
            assertEquals("first", creds.refresh().password(), "read 4 s ago: not again yet");
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertEquals("second", creds.refresh().password());
            assertEquals("second", creds.current().password());
            admin.putSecretValue(b -> b.secretId(name).secretString(SecretsStack.rdsJson("app", "third")));
            assertEquals("second", creds.refresh().password(), "just read");
        }
    }
}
