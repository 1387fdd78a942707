package conduit.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void theListShowsWhenWhereAndWithWhatEachSessionSignedInAndLastUsed() {
        long created = now.get();
        String first = store.create(9, new conduit.common.ClientInfo(java.net.InetAddress.getLoopbackAddress(), "Firefox/140"));
        now.addAndGet(Duration.ofMinutes(2).toMillis());
        String second = store.create(9, CLIENT);
        now.addAndGet(Duration.ofMinutes(3).toMillis());
        store.find(first); // used 5 minutes after it started
        java.util.List<SessionInfo> list = store.list(9);
        assertEquals(2, list.size());
        assertEquals(Tokens.hash(first), list.get(0).tokenHash(), "oldest first");
        assertEquals(created, list.get(0).createdAt());
        assertEquals(created + Duration.ofMinutes(5).toMillis(), list.get(0).lastUsedAt(), "last use from the sliding expiry");
        assertEquals("Firefox/140", list.get(0).userAgent());
        assertEquals("127.0.0.1", list.get(0).clientAddress());
        assertEquals(created + Duration.ofMinutes(2).toMillis(), list.get(1).lastUsedAt(), "never used since it started");
        assertTrue(store.list(10).isEmpty(), "another user's list");
        now.addAndGet(Duration.ofMinutes(11).toMillis());
        assertTrue(store.list(9).isEmpty(), "expired sessions drop out");
        assertTrue(store.find(second).isEmpty());
    }

    @Test
    void aSessionIsRevokedByHashOnlyByItsOwner() {
        String mine = store.create(11, CLIENT);
        String theirs = store.create(12, CLIENT);
        assertFalse(store.revokeHash(11, Tokens.hash(theirs)), "not in user 11's sessions");
        assertTrue(store.find(theirs).isPresent());
        assertTrue(store.revokeHash(11, Tokens.hash(mine)));
        assertTrue(store.find(mine).isEmpty());
        assertFalse(store.revokeHash(11, Tokens.hash(mine)), "already gone");
    }

    /** Rolling deploy: the previous release writes (and rewrites) three-field records; this one reads them. */
    @Test
    void recordsOfThePreviousReleaseStillWork() {
        String token = Tokens.newToken();
        String hash = Tokens.hash(token);
        memory.put(hash, "13:" + now.get() + ":0", now.get() + 60_000);
        memory.index(13, hash, now.get() + 60_000);
        assertEquals(13, store.find(token).orElseThrow().userId());
        SessionInfo info = store.list(13).get(0);
        assertEquals(null, info.clientAddress());
        assertEquals(null, info.userAgent());
        // And the previous release can read ours: its decoder takes the first three fields.
        String ours = new SessionRecord(14, 5, 6, "2001:db8::1", "Mozilla/5.0 (X11; Linux) : colon").encode();
        String[] parts = ours.split(":", -1);
        assertEquals(List.of("14", "5", "6"), List.of(parts[0], parts[1], parts[2]));
        assertEquals(5, parts.length, "no colon inside the new fields: " + ours);
        SessionRecord back = SessionRecord.decode(ours);
        assertEquals("Mozilla/5.0 (X11; Linux) : colon", back.userAgent());
        assertEquals("2001:db8::1", back.clientAddress());
    }
}
