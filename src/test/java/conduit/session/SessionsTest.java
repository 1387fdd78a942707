package conduit.session;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session rules over the in-memory backend, on a clock the test moves. */
class SessionsTest {
    private static final conduit.common.ClientInfo CLIENT =
            new conduit.common.ClientInfo(java.net.InetAddress.getLoopbackAddress(), "JUnit");
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final MemorySessionBackend memory = new MemorySessionBackend(now::get);
    private final SessionStore store = new Sessions(memory, new SessionPolicy(Duration.ofMinutes(10), Duration.ofMinutes(30)),
            now::get);

    @Test
    void sessionIsFoundByTokenAndKeyedByItsHash() {
        String token = store.create(7, CLIENT);
        Session s = store.find(token).orElseThrow();
        assertEquals(7, s.userId());
        assertEquals(Tokens.hash(token), s.tokenHash());
        assertNotEquals(token, s.tokenHash());
    }

    @Test
    void idleExpirySlidesWithUse() {
        String token = store.create(1, CLIENT);
        now.addAndGet(Duration.ofMinutes(9).toMillis());
        assertTrue(store.find(token).isPresent());
        now.addAndGet(Duration.ofMinutes(9).toMillis());
        assertTrue(store.find(token).isPresent(), "used 9 minutes ago, idle limit 10");
        now.addAndGet(Duration.ofMinutes(11).toMillis());
        assertTrue(store.find(token).isEmpty());
    }

    @Test
    void absoluteLifetimeHoldsEvenWhenActive() {
        String token = store.create(1, CLIENT);
        for (int i = 0; i < 3; i++) {
            now.addAndGet(Duration.ofMinutes(9).toMillis());
            assertTrue(store.find(token).isPresent());
        }
        now.addAndGet(Duration.ofMinutes(4).toMillis());
        assertTrue(store.find(token).isEmpty(), "31 minutes after creation, cap 30");
    }

    @Test
    void revokeEndsOneSessionAndRevokeOthersKeepsTheCurrent() {
        String a = store.create(5, CLIENT);
        String b = store.create(5, CLIENT);
        String c = store.create(5, CLIENT);
        String otherUser = store.create(6, CLIENT);
        store.revoke(a);
        assertTrue(store.find(a).isEmpty());
        store.revokeOthers(5, c);
        assertTrue(store.find(b).isEmpty());
        assertTrue(store.find(c).isPresent());
        assertTrue(store.find(otherUser).isPresent());
    }

    @Test
    void expiredSessionsAreSweptSoAnIdleProcessDoesNotGrow() {
        for (int i = 0; i < 100; i++) {
            store.create(i, CLIENT);
        }
        assertEquals(100, memory.size());
        now.addAndGet(Duration.ofMinutes(31).toMillis());
        store.create(1000, CLIENT); // a sign-in after the sweep interval sweeps
        assertEquals(1, memory.size(), "only the new session is left");
    }
}
