package conduit.user;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import conduit.Api;
import conduit.EmbeddedApp;
import conduit.Mailbox;
import conduit.Settings;
import conduit.Stack;
import conduit.TcpForwarder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery with mail through SES (moto's, which records what was sent), reached through a port
 * the test can wedge: mail waits while SES hangs, the request does not, and nothing is lost.
 */
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+", disabledReason = "needs scripts/stack up moto")
class RecoveryOnSesTest extends RecoveryContract {
    private static final String SENDER_DOMAIN = "conduit.example.com";
    static final TcpForwarder SES = forwarderToMoto();

    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp(s -> relaxed(s).toBuilder()
            .mail(new Settings.Mail(true, "no-reply@" + SENDER_DOMAIN, null,
                    URI.create("http://127.0.0.1:" + SES.port())))
            .build());

    private static TcpForwarder forwarderToMoto() {
        URI moto = URI.create(System.getenv().getOrDefault("MOTO_ENDPOINT", "http://127.0.0.1:1"));
        try {
            return new TcpForwarder(new InetSocketAddress(moto.getHost(), moto.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sender's domain is an SES identity, as the stack makes it (moto refuses others, as SES does). */
    @BeforeAll
    static void senderIdentity() {
        try (SesV2Client ses = SesV2Client.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(Stack.env("MOTO_ENDPOINT"))).build()) {
            ses.createEmailIdentity(r -> r.emailIdentity(SENDER_DOMAIN));
        } catch (AlreadyExistsException e) {
            // made by an earlier run on this moto
        }
    }

    @AfterAll
    static void closeForwarder() {
        SES.close();
    }

    @Override
    Api api() {
        return APP.api();
    }

    @Override
    Mailbox mailbox() {
        return Mailbox.moto(URI.create(Stack.env("MOTO_ENDPOINT")));
    }

    @Test
    void whileSesHangsMailWaitsTheRequestDoesNotAndNothingIsLost() {
        SES.hold();
        try {
            Account a = register();
            long start = System.nanoTime();
            Api.Response r = requestReset(a.email());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(202, r.status(), r.text());
            // A request that waited on SES would take its 5 s socket timeout at least.
            assertTrue(millis < 5_000, "answered without waiting on SES: " + millis + " ms");

            Stack.await(Duration.ofSeconds(20), "the relay to try SES", () -> SES.held() > 0);
            assertEquals(List.of(), mailbox().to(a.email()), "nothing reached SES while it hung");
            SES.release();
            assertTrue(mailbox().await(a.email(), VERIFY, 1).body().contains(a.username()), "the sign-up's mail, late");
            assertEquals(43, mailbox().await(a.email(), RESET, 1).token("reset-password").length(), "the reset's mail, late");
        } finally {
            SES.release();
        }
    }
}
