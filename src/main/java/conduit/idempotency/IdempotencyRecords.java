package conduit.idempotency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import conduit.common.Failure;
import conduit.crypto.BlindIndex;
import conduit.ops.TierBreaker;
import redis.clients.jedis.UnifiedJedis;

/**
 * Safe client retries: the first request with an {@code Idempotency-Key} claims a record; its
 * answer is kept for 24 hours, and a retry with the same key and the same body gets that answer
 * again instead of doing the work twice, on any instance. A retry with another body is a 422; a
 * retry while the first is still running is a 409 (it may succeed a moment later).
 *
 * <p>Records reveal nothing: the record's id is an HMAC of the caller's scope and key, the body
 * is represented by an HMAC of scope, key and body (a sign-up body holds a password), and the
 * answer (which may hold an email or a session token) is sealed with AES-GCM under a key derived
 * from scope, key and body, so only someone who sends the same request again can open it.
 */
public final class IdempotencyRecords {
    /** How long a first answer is kept for retries. */
    public static final Duration KEEP = Duration.ofHours(24);
    /** A claim whose request died with its instance blocks retries this long at most. */
    static final Duration CLAIM = Duration.ofSeconds(30);
    private static final byte CLAIMED = 'C';
    private static final byte ANSWERED = 'A';
    private static final int FINGERPRINT = 32;
    private static final int IV = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A status and a JSON body: what the first request answered. */
    public record Reply(int status, byte[] json) {
    }

    /** The outcome of a claim: proceed (do the work, then complete or release), or replay this answer. */
    public record Claim(String recordId, byte[] fingerprint, byte[] sealKey, Reply replay) {
        public boolean proceed() {
            return replay == null;
        }
    }

    private final RecordStore store;
    private final BlindIndex keys;

    IdempotencyRecords(RecordStore store, BlindIndex keys) {
        this.store = store;
        this.keys = keys;
    }

    /** Shared by every instance through Redis, behind its circuit breaker. */
    public static IdempotencyRecords redis(UnifiedJedis redis, TierBreaker breaker, BlindIndex keys) {
        return new IdempotencyRecords(new RedisRecordStore(redis, breaker), keys);
    }

    /** In this process, bounded to {@code maxBytes} of records. */
    public static IdempotencyRecords inMemory(long maxBytes, LongSupplier clock, BlindIndex keys) {
        return new IdempotencyRecords(new MemoryRecordStore(maxBytes, clock), keys);
    }

    /**
     * Claims the key for this request, or finds the first answer.
     *
     * @param scope   whose key it is ("user:42", or "anonymous" for sign-up): keys of different callers never meet
     * @param request what identifies the request: method, route and body
     */
    public Claim claim(String scope, String key, byte[] request) {
        byte[] scopeAndKey = (scope + "\n" + key).getBytes(StandardCharsets.UTF_8);
        String id = HexFormat.of().formatHex(keys.mac(bytes("record"), scopeAndKey));
        byte[] fingerprint = keys.mac(bytes("request"), scopeAndKey, request);
        byte[] sealKey = keys.mac(bytes("seal"), scopeAndKey, request);
        try {
            if (store.putIfAbsent(id, record(CLAIMED, fingerprint, new byte[0]), CLAIM.toMillis())) {
                return new Claim(id, fingerprint, sealKey, null);
            }
            byte[] found = store.get(id);
            if (found == null) {
                // The claim expired between the two calls: claim again (once is enough; a clash now is a race we lose).
                if (store.putIfAbsent(id, record(CLAIMED, fingerprint, new byte[0]), CLAIM.toMillis())) {
                    return new Claim(id, fingerprint, sealKey, null);
                }
                throw inProgress();
            }
            if (!MessageDigest.isEqual(Arrays.copyOfRange(found, 1, 1 + FINGERPRINT), fingerprint)) {
                throw Failure.invalid("Idempotency-Key", "was already used for a different request");
            }
            if (found[0] == CLAIMED) {
                throw inProgress();
            }
            return new Claim(id, fingerprint, sealKey, open(sealKey, Arrays.copyOfRange(found, 1 + FINGERPRINT, found.length)));
        } catch (RecordStore.Unavailable e) {
            throw Failure.unavailable("Idempotency-Key", e.getCause());
        }
    }

    /** The work succeeded: keep its answer for retries. */
    public void complete(Claim claim, Reply reply) {
        try {
            store.put(claim.recordId(), record(ANSWERED, claim.fingerprint(), seal(claim.sealKey(), reply)), KEEP.toMillis());
        } catch (RecordStore.Unavailable e) {
            // The work is done and answered; a retry will find the claim (409) until it expires.
            System.getLogger(IdempotencyRecords.class.getName()).log(System.Logger.Level.WARNING,
                    "could not keep an idempotent answer", e.getCause());
        }
    }

    /** The work failed: forget the claim, so that a retry runs it again. */
    public void release(Claim claim) {
        try {
            store.delete(claim.recordId());
        } catch (RecordStore.Unavailable e) {
            // The claim expires by itself within CLAIM.
        }
    }

    private static Failure inProgress() {
        return Failure.conflictRetry("Idempotency-Key", "a request with this key is still being processed");
    }

    private static byte[] record(byte state, byte[] fingerprint, byte[] payload) {
        return ByteBuffer.allocate(1 + FINGERPRINT + payload.length).put(state).put(fingerprint).put(payload).array();
    }

    /** gzip (answers are JSON), then AES-256-GCM with a random IV: iv || ciphertext. */
    private static byte[] seal(byte[] key, Reply reply) {
        try {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(plain)) {
                gz.write(ByteBuffer.allocate(4).putInt(reply.status()).array());
                gz.write(reply.json());
            }
            byte[] iv = new byte[IV];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plain.toByteArray());
            return ByteBuffer.allocate(IV + sealed.length).put(iv).put(sealed).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by every JDK", e);
        }
    }

    private static Reply open(byte[] key, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, IV));
            byte[] plain = cipher.doFinal(sealed, IV, sealed.length - IV);
            try (GZIPInputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(plain))) {
                byte[] all = gz.readAllBytes();
                return new Reply(ByteBuffer.wrap(all, 0, 4).getInt(), Arrays.copyOfRange(all, 4, all.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            // Same key and fingerprint, yet it does not open: the record was tampered with.
            throw new IllegalStateException("an idempotency record failed its integrity check", e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
