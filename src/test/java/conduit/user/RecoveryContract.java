package conduit.user;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.AuditLines;
import conduit.Mailbox;
import conduit.Settings;
import conduit.Stack;
import conduit.ratelimit.RateLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password reset, address verification and the email-change notice, through the API and the
 * mail that really left (files in embedded mode, moto's SES): each subclass runs these against
 * its own app and mailbox.
 */
abstract class RecoveryContract {
    static final String RESET = "Reset your Conduit password";
    static final String VERIFY = "Confirm your email address for Conduit";
    static final String CHANGED = "The email address of your Conduit account was changed";
    static final String PASSWORD = "correct horse";

    @RegisterExtension
    static final AuditLines AUDIT = new AuditLines();

    abstract Api api();

    abstract Mailbox mailbox();

    /**
     * Every test client is 127.0.0.1, so the per-address limits on reset requests and link uses
     * are raised out of the way; the per-account and per-user ones stay at their defaults.
     */
    static Settings relaxed(Settings s) {
        return s.toBuilder().limits(s.limits().toBuilder()
                .resetsPerAddress(new RateLimits.Rate(10_000, Duration.ofMinutes(1)))
                .linksPerAddress(new RateLimits.Rate(10_000, Duration.ofMinutes(1)))
                .build()).build();
    }

    record Account(String username, String email, String token) {
    }

    Account register() {
        String name = Api.unique("rec");
        return new Account(name, name + "@example.com", api().register(name));
    }

    Api.Response requestReset(String email) {
        return api().post("/api/users/password-reset", null, "{\"user\":{\"email\":" + Api.json(email) + "}}");
    }

    Api.Response confirm(String token, String password) {
        return api().post("/api/users/password-reset/confirm", null,
                "{\"user\":{\"token\":" + Api.json(token) + ",\"password\":" + Api.json(password) + "}}");
    }

    Api.Response link(String path, String token) {
        return api().post(path, null, "{\"user\":{\"token\":" + Api.json(token) + "}}");
    }

    Api.Response login(String email, String password) {
        return api().post("/api/users/login", null,
                "{\"user\":{\"email\":" + Api.json(email) + ",\"password\":" + Api.json(password) + "}}");
    }

    int status(String token) {
        return api().get("/api/user", token).status();
    }

    static void assertRefusedLink(Api.Response r) {
        assertEquals(422, r.status(), r.text());
        assertEquals("is invalid or has expired", r.error("token"), r.text());
    }

    @Test
    void aResetIsMailedToAnAccountAndAnUnknownAddressGetsTheSameAnswerAndNoMail() {
        Account a = register();
        String unknown = Api.unique("nobody") + "@example.com";
        Api.Response forUnknown = requestReset(unknown);
        Api.Response forAccount = requestReset(a.email());

        assertEquals(202, forAccount.status(), forAccount.text());
        assertEquals(forAccount.status(), forUnknown.status());
        assertEquals(forAccount.text(), forUnknown.text(), "the same body either way");
        assertEquals("requested", forAccount.json().path("passwordReset").path("status").asText());

        Mailbox.Message mail = mailbox().await(a.email(), RESET, 1);
        assertTrue(mail.body().contains(a.username()), "addressed by username");
        assertEquals(43, mail.token("reset-password").length(), "a 256-bit token");
        // The look-up for the unknown address has run (its audit line, in its request's name) and
        // created nothing to send: no mail to it, now or later.
        String requestId = forUnknown.headers().firstValue("X-Request-Id").orElseThrow();
        Stack.await(Duration.ofSeconds(10), "the unknown address's look-up", () -> AUDIT.events("password_reset.requested").stream()
                .anyMatch(e -> requestId.equals(e.path("requestId").asText()) && "unknown".equals(e.path("account").asText())));
        assertEquals(List.of(), mailbox().to(unknown));
        assertFalse(AUDIT.raw().stream().anyMatch(line -> line.contains(mail.token("reset-password"))), "no token in any log line");
    }

    @Test
    void aResetLinkSetsANewPasswordOnceAndEndsEverySession() {
        Account a = register();
        String second = login(a.email(), PASSWORD).json().path("user").path("token").asText();
        assertEquals(202, requestReset(a.email()).status());
        String token = mailbox().await(a.email(), RESET, 1).token("reset-password");

        Api.Response weak = confirm(token, "password");
        assertEquals(422, weak.status(), weak.text());
        assertTrue(weak.error("password") != null, "the password policy applies: " + weak.text());
        assertEquals(200, status(a.token()), "a refused password changes nothing");

        assertEquals(204, confirm(token, "Marmalade-Bicycle-77").status());
        assertEquals(401, status(a.token()), "the sign-up session ended");
        assertEquals(401, status(second), "the other session ended");
        assertNotEquals(200, login(a.email(), PASSWORD).status(), "the old password is gone");
        Api.Response in = login(a.email(), "Marmalade-Bicycle-77");
        assertEquals(200, in.status(), in.text());
        assertTrue(in.json().path("user").path("verified").asBoolean(), "a used reset link proves the address too");

        assertRefusedLink(confirm(token, "Marmalade-Bicycle-78"));
        assertEquals(200, login(a.email(), "Marmalade-Bicycle-77").status(), "the second use changed nothing");
        assertFalse(AUDIT.events("password_reset.completed").isEmpty());
    }

    @Test
    void aNewerRequestVoidsTheEarlierLink() {
        Account a = register();
        requestReset(a.email());
        String first = mailbox().await(a.email(), RESET, 1).token("reset-password");
        requestReset(a.email());
        String second = mailbox().await(a.email(), RESET, 2).token("reset-password");
        assertNotEquals(first, second);
        assertRefusedLink(confirm(first, "Marmalade-Bicycle-77"));
        assertEquals(204, confirm(second, "Marmalade-Bicycle-77").status());
    }

    @Test
    void aPasswordChangeVoidsResetLinks() {
        Account a = register();
        requestReset(a.email());
        String token = mailbox().await(a.email(), RESET, 1).token("reset-password");
        Api.Response changed = api().put("/api/user", a.token(),
                "{\"user\":{\"password\":\"Umbrella-Lantern-31\",\"currentPassword\":\"" + PASSWORD + "\"}}");
        assertEquals(200, changed.status(), changed.text());
        assertRefusedLink(confirm(token, "Marmalade-Bicycle-77"));
        assertEquals(200, login(a.email(), "Umbrella-Lantern-31").status());
    }

    @Test
    void badTokensAndBodiesAreRefusedWithTheirField() {
        assertRefusedLink(confirm("not-a-token", "Marmalade-Bicycle-77"));
        assertRefusedLink(confirm("A".repeat(43), "Marmalade-Bicycle-77"));
        assertRefusedLink(link("/api/users/verify-email", "B".repeat(43)));
        assertRefusedLink(link("/api/users/email-change/revert", null));
        Api.Response blank = requestReset("");
        assertEquals(422, blank.status(), blank.text());
        assertTrue(blank.error("email") != null, blank.text());
        assertEquals(422, requestReset("not an address").status());
        Api.Response huge = requestReset("a".repeat(300) + "@example.com");
        assertEquals(422, huge.status(), huge.text());
    }

    @Test
    void aSignUpIsVerifiedThroughItsLinkOnce() {
        Account a = register();
        JsonNode before = api().get("/api/user", a.token()).json().path("user");
        assertFalse(before.path("verified").asBoolean(true), "unverified after sign-up: " + before);
        String token = mailbox().await(a.email(), VERIFY, 1).token("verify-email");

        assertEquals(204, link("/api/users/verify-email", token).status());
        assertTrue(api().get("/api/user", a.token()).json().path("user").path("verified").asBoolean());
        assertRefusedLink(link("/api/users/verify-email", token));

        Api.Response again = api().post("/api/user/verification", a.token(), null);
        assertEquals(202, again.status(), again.text());
        assertEquals("verified", again.json().path("verification").path("status").asText(), "nothing to send");
    }

    @Test
    void aResentVerificationVoidsTheLastAndIsLimitedPerUser() {
        Account a = register();
        String first = mailbox().await(a.email(), VERIFY, 1).token("verify-email");
        for (int i = 0; i < RateLimits.DEFAULT.verificationsPerUser().count(); i++) {
            Api.Response r = api().post("/api/user/verification", a.token(), null);
            assertEquals(202, r.status(), r.text());
            assertEquals("sent", r.json().path("verification").path("status").asText());
        }
        Api.Response limited = api().post("/api/user/verification", a.token(), null);
        assertEquals(429, limited.status(), limited.text());
        assertTrue(limited.error("verification") != null && limited.headers().firstValue("Retry-After").isPresent());
        assertEquals(401, api().post("/api/user/verification", null, null).status(), "signed in only");

        int sent = 1 + (int) RateLimits.DEFAULT.verificationsPerUser().count();
        String last = mailbox().await(a.email(), VERIFY, sent).token("verify-email");
        assertRefusedLink(link("/api/users/verify-email", first));
        assertEquals(204, link("/api/users/verify-email", last).status());
    }

    @Test
    void anEmailChangeIsProvedByTheNewAddressAndUndoneFromTheOld() {
        Account a = register();
        String signupLink = mailbox().await(a.email(), VERIFY, 1).token("verify-email");
        String other = login(a.email(), PASSWORD).json().path("user").path("token").asText();
        String newEmail = Api.unique("moved") + "@example.com";

        Api.Response changed = api().put("/api/user", a.token(),
                "{\"user\":{\"email\":" + Api.json(newEmail) + ",\"currentPassword\":\"" + PASSWORD + "\"}}");
        assertEquals(200, changed.status(), changed.text());
        assertEquals(newEmail, changed.json().path("user").path("email").asText(), "in effect at once (the RealWorld contract)");
        assertFalse(changed.json().path("user").path("verified").asBoolean(true), "the new address is unverified");

        String newLink = mailbox().await(newEmail, VERIFY, 1).token("verify-email");
        Mailbox.Message notice = mailbox().await(a.email(), CHANGED, 1);
        assertTrue(notice.body().contains(a.username()));
        String revert = notice.token("revert-email");
        assertRefusedLink(link("/api/users/verify-email", signupLink));

        assertEquals(204, link("/api/users/email-change/revert", revert).status());
        assertEquals(401, status(a.token()), "every session ended");
        assertEquals(401, status(other), "every session ended");
        Api.Response back = login(a.email(), PASSWORD);
        assertEquals(200, back.status(), back.text());
        assertEquals(a.email(), back.json().path("user").path("email").asText());
        assertTrue(back.json().path("user").path("verified").asBoolean(), "the old address proved itself by the link");
        assertNotEquals(200, login(newEmail, PASSWORD).status(), "the new address is no longer the account's");
        assertRefusedLink(link("/api/users/email-change/revert", revert));
        assertRefusedLink(link("/api/users/verify-email", newLink));
        assertFalse(AUDIT.events("email.reverted").isEmpty());
    }

    @Test
    void aRevertIsRefusedWhileAnotherAccountHoldsTheAddress() {
        Account a = register();
        String newEmail = Api.unique("moved") + "@example.com";
        assertEquals(200, api().put("/api/user", a.token(),
                "{\"user\":{\"email\":" + Api.json(newEmail) + ",\"currentPassword\":\"" + PASSWORD + "\"}}").status());
        String revert = mailbox().await(a.email(), CHANGED, 1).token("revert-email");
        Api.Response taker = api().post("/api/users", null, "{\"user\":{\"username\":" + Api.json(Api.unique("taker"))
                + ",\"email\":" + Api.json(a.email()) + ",\"password\":\"" + PASSWORD + "\"}}");
        assertEquals(201, taker.status(), taker.text());

        Api.Response refused = link("/api/users/email-change/revert", revert);
        assertEquals(409, refused.status(), refused.text());
        assertTrue(refused.error("email") != null, refused.text());
        assertEquals(200, status(a.token()), "nothing changed: the sessions live on");
    }
}
