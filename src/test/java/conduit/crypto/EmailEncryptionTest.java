package conduit.crypto;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import conduit.Api;
import conduit.App;
import conduit.Infrastructure;
import conduit.Settings;
import conduit.Stack;
import conduit.user.EmailReencryption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Emails encrypted under KMS (moto) in the real MariaDB writer + reader. */
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+", disabledReason = "needs scripts/stack up db moto")
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db moto")
class EmailEncryptionTest {

    private static KmsClient kms() {
        return KmsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(Stack.env("MOTO_ENDPOINT"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    private static String newKey(KmsClient kms) {
        return kms.createKey(r -> r.description("conduit test")).keyMetadata().arn();
    }

    private static Settings settings(String keyId) {
        Settings base = Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5));
        return base.toBuilder().aws(Settings.Aws.builder().kmsKeyId(keyId).kmsEndpoint(URI.create(Stack.env("MOTO_ENDPOINT")))
                .build()).build();
    }

    private static Connection writer() throws Exception {
        return DriverManager.getConnection(Stack.env("DB_WRITER_URL"), Stack.env("STACK_DB_ADMIN_USER"), Stack.env("STACK_DB_ADMIN_PASSWORD"));
    }

    private static String column(String sql, String arg) throws Exception {
        try (Connection c = writer(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql + " " + arg);
                return rs.getString(1);
            }
        }
    }

    @Test
    void theStoredEmailIsCiphertextAndLoginByEmailStillWorks() throws Exception {
        try (KmsClient kms = kms(); App.Running app = App.start(settings(newKey(kms)))) {
            Api api = Api.of(app);
            String name = Api.unique("enc");
            api.register(name);
            String stored = column("SELECT email FROM users WHERE username = ?", name);
            String lookup = column("SELECT email_lookup FROM users WHERE username = ?", name);
            assertTrue(stored.startsWith("v1."), stored);
            assertFalse(stored.toLowerCase().contains(name.toLowerCase()), "no plaintext in the email column");
            assertFalse(lookup.contains(name.toLowerCase()), "the look-up column is a keyed hash");
            assertTrue(lookup.matches("[0-9a-f]{64}"), lookup);

            Api.Response login = api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name.toUpperCase()
                    + "@EXAMPLE.com\",\"password\":\"correct horse\"}}");
            assertEquals(200, login.status(), login.text());
            assertEquals(name + "@example.com", login.json().path("user").path("email").asText());
            Api.Response duplicate = api.post("/api/users", null, "{\"user\":{\"username\":\"" + name + "x\",\"email\":\""
                    + name + "@Example.COM\",\"password\":\"correct horse\"}}");
            assertEquals(409, duplicate.status());
            assertEquals("has already been taken", duplicate.error("email"));
        }
    }

    @Test
    void aCiphertextMovedToAnotherRowFailsToDecrypt() throws Exception {
        try (KmsClient kms = kms(); App.Running app = App.start(settings(newKey(kms)))) {
            Api api = Api.of(app);
            String alice = Api.unique("alice");
            api.register(alice);
            String bob = Api.unique("bob");
            String bobToken = api.register(bob);
            String aliceEmail = column("SELECT email FROM users WHERE username = ?", alice);
            try (Connection c = writer(); PreparedStatement ps = c.prepareStatement("UPDATE users SET email = ? WHERE username = ?")) {
                ps.setString(1, aliceEmail);
                ps.setString(2, bob);
                assertEquals(1, ps.executeUpdate());
            }
            Api.Response me = api.get("/api/user", bobToken);
            assertEquals(500, me.status());
            assertEquals("stored data failed an integrity check", me.error("server"));
            assertFalse(me.text().contains(alice), "nothing of the moved value is shown");
        }
    }

    @Test
    void reencryptionMovesEveryRowToTheNewKeyWhileLoginsGoOn() throws Exception {
        try (KmsClient kms = kms()) {
            String oldKey = newKey(kms);
            String newKey = newKey(kms);
            try (App.Running app = App.start(settings(oldKey))) {
                Api api = Api.of(app);
                List<String> users = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    String name = Api.unique("rot");
                    api.register(name);
                    users.add(name);
                }
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger ok = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                Thread logins = new Thread(() -> {
                    for (int i = 0; running.get(); i++) {
                        String name = users.get(i % users.size());
                        int status = api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name
                                + "@example.com\",\"password\":\"correct horse\"}}").status();
                        (status == 200 ? ok : failed).incrementAndGet();
                    }
                });
                logins.start();
                EmailReencryption.Result result;
                try (Infrastructure rotation = Infrastructure.start(settings(newKey))) {
                    result = new EmailReencryption(rotation.data().database(), rotation.keys().emails()).run(5);
                } finally {
                    Thread.sleep(300);
                    running.set(false);
                    logins.join(10_000);
                }
                assertTrue(result.reencrypted() >= users.size(), "rows re-encrypted: " + result);
                assertEquals(0, failed.get(), "every login during the rotation succeeded (" + ok.get() + " did)");
                assertTrue(ok.get() > 0);

                for (String name : users) {
                    String stored = column("SELECT email FROM users WHERE username = ?", name);
                    byte[] wrapped = Base64.getUrlDecoder().decode(stored.split("\\.")[1]);
                    String keyUsed = kms.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                            .encryptionContext(EmailProtection.KEY_CONTEXT)).keyId();
                    assertEquals(newKey, keyUsed, name + "'s email is now under the new key");
                    assertEquals(200, api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name
                            + "@example.com\",\"password\":\"correct horse\"}}").status());
                }
            }
        }
    }
}
