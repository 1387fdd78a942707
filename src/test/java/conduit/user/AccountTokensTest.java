package conduit.user;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import conduit.Infrastructure;
import conduit.Stack;
import conduit.db.Database;
import conduit.db.Rows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-time links' rules on the stack's MariaDB, with the clock in the test's hands: expiry,
 * single use (under a race too), supersession, and only a hash at rest.
 */
class AccountTokensTest {
    private static Infrastructure infra;
    private static AccountTokens tokens;
    private static UserStore users;

    @BeforeAll
    static void open() {
        infra = Infrastructure.start(Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        tokens = new AccountTokens(infra.data().database());
        users = new UserStore(infra.data().database(), infra.keys().emails());
    }

    @AfterAll
    static void close() {
        infra.close();
    }

    private static long user() {
        String name = "tok_" + System.nanoTime();
        return users.insert(name, name, name + "@example.com", "x", 1, UserStore.AlsoInTransaction.NOTHING);
    }

    private static String issue(long userId, AccountTokens.Purpose purpose, long now, Duration lifetime) {
        String[] token = new String[1];
        tokens.inTransaction(tx -> token[0] = tokens.issue(tx, userId, purpose, null, null, now, now + lifetime.toMillis()));
        return token[0];
    }

    private static Optional<Long> redeem(String token, AccountTokens.Purpose purpose, long now) {
        return tokens.redeem(token, purpose, now, (tx, live) -> live.userId());
    }

    @Test
    void aLinkExpiresAtItsLifetime() {
        long id = user();
        long now = 1_000_000_000L;
        String token = issue(id, AccountTokens.Purpose.RESET, now, AccountLinks.RESET_LIFETIME);
        long expiry = now + AccountLinks.RESET_LIFETIME.toMillis();
        assertTrue(tokens.live(token, AccountTokens.Purpose.RESET, expiry - 1).isPresent(), "good until its last millisecond");
        assertEquals(Optional.empty(), redeem(token, AccountTokens.Purpose.RESET, expiry), "expired at 30 minutes");
        assertEquals(Optional.of(id), redeem(token, AccountTokens.Purpose.RESET, expiry - 1), "control: the same link, in time");
    }

    @Test
    void aLinkIsUsedOnceEvenWhenTwoRequestsRace() throws Exception {
        long id = user();
        long now = System.currentTimeMillis();
        String token = issue(id, AccountTokens.Purpose.RESET, now, AccountLinks.RESET_LIFETIME);
        CountDownLatch aHoldsIt = new CountDownLatch(1);
        // A has marked the token used (its row is locked) and has not committed when B looks it up
        // and tries to mark it too: B must wait for A, then find it used.
        CompletableFuture<Optional<Long>> a = CompletableFuture.supplyAsync(() -> tokens.redeem(token,
                AccountTokens.Purpose.RESET, now + 1, (tx, live) -> {
                    aHoldsIt.countDown();
                    sleep(300);
                    return live.userId();
                }));
        CompletableFuture<Optional<Long>> b = CompletableFuture.supplyAsync(() -> {
            await(aHoldsIt);
            return redeem(token, AccountTokens.Purpose.RESET, now + 1);
        });
        long won = (a.get().isPresent() ? 1 : 0) + (b.get().isPresent() ? 1 : 0);
        assertEquals(1, won, "exactly one use");
        assertEquals(Optional.empty(), redeem(token, AccountTokens.Purpose.RESET, now + 2));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFailedUseLeavesTheLinkGood() {
        long id = user();
        long now = System.currentTimeMillis();
        String token = issue(id, AccountTokens.Purpose.REVERT, now, AccountLinks.REVERT_LIFETIME);
        try {
            tokens.redeem(token, AccountTokens.Purpose.REVERT, now, (tx, live) -> {
                throw new IllegalStateException("the change it carries is refused");
            });
        } catch (IllegalStateException expected) {
            // rolled back
        }
        assertEquals(Optional.of(id), redeem(token, AccountTokens.Purpose.REVERT, now), "unused after the failure");
    }

    @Test
    void aNewerResetOrVerificationSupersedesButRevertLinksAddUp() {
        long id = user();
        long now = System.currentTimeMillis();
        String reset1 = issue(id, AccountTokens.Purpose.RESET, now, AccountLinks.RESET_LIFETIME);
        String reset2 = issue(id, AccountTokens.Purpose.RESET, now, AccountLinks.RESET_LIFETIME);
        String verify = issue(id, AccountTokens.Purpose.VERIFY, now, AccountLinks.VERIFY_LIFETIME);
        String revert1 = issue(id, AccountTokens.Purpose.REVERT, now, AccountLinks.REVERT_LIFETIME);
        String revert2 = issue(id, AccountTokens.Purpose.REVERT, now, AccountLinks.REVERT_LIFETIME);
        assertFalse(tokens.live(reset1, AccountTokens.Purpose.RESET, now).isPresent(), "superseded");
        assertTrue(tokens.live(reset2, AccountTokens.Purpose.RESET, now).isPresent());
        assertTrue(tokens.live(verify, AccountTokens.Purpose.VERIFY, now).isPresent(), "another purpose is untouched");
        assertTrue(tokens.live(revert1, AccountTokens.Purpose.REVERT, now).isPresent(), "one revert link per change");
        assertTrue(tokens.live(revert2, AccountTokens.Purpose.REVERT, now).isPresent());
        assertFalse(tokens.live(reset2, AccountTokens.Purpose.VERIFY, now).isPresent(), "a link is good for its purpose only");
    }

    @Test
    void onlyTheHashIsStored() {
        long id = user();
        String token = issue(id, AccountTokens.Purpose.VERIFY, System.currentTimeMillis(), AccountLinks.VERIFY_LIFETIME);
        Database db = infra.data().database();
        String stored = db.write(exec -> exec.get("SELECT token_hash FROM account_tokens WHERE user_id = ?", id)
                .map(r -> Rows.string(r, "token_hash"))).orElseThrow();
        assertNotEquals(token, stored);
        assertEquals(conduit.session.Tokens.hash(token), stored, "its SHA-256, which cannot be turned back into a link");
    }
}
