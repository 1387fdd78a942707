package conduit.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=7168,t=5,p=1$salt$hash}), at the OWASP / ASVS 5.0 minimum cost in the
 * form of it that uses the least memory: 7 MiB, 5 passes, 1 lane, which OWASP's password storage
 * cheat sheet lists as an equal level of defence to 19 MiB and 2 passes (the same work, less
 * memory). Pure Java (Bouncy Castle), so no native library on the AMI.
 *
 * <p>Why the least memory: Bouncy Castle holds a hash's memory on the Java heap, as 1 KiB blocks
 * that live for the whole hash. On the instance's 80 MB heap a young collection during a 19 MiB
 * hash promoted most of the blocks, to die in the old generation: one full collection per hash,
 * ~40 ms with every request stopped, and 2.7 times as long for a burst of logins as with 7 MiB
 * (docs/BENCHMARKS.md, "Fifteenth pass"). Hashes stored with other parameters verify with their
 * own, which the PHC string carries.
 *
 * <p>Each hash holds its memory for its duration, so concurrent hashing is capped: a burst of
 * logins queues here instead of exhausting the heap.
 */
public final class PasswordHasher {
    public static final int MEMORY_KIB = 7 * 1024;
    public static final int ITERATIONS = 5;
    public static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    /** The start of every hash made today: the algorithm, its version and today's parameters. */
    private static final String CURRENT = "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$";

    private final SecureRandom random = new SecureRandom();
    private final Semaphore slots;
    /**
     * A real hash to verify against when the account does not exist, so timing does not tell.
     * Made on first use, not at start-up (a cold argon2id hash costs ~250 ms).
     */
    private volatile String decoy;

    public PasswordHasher(int maxConcurrent) {
        this.slots = new Semaphore(maxConcurrent, true);
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return CURRENT + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** False for a hash stored with other parameters than today's: worth replacing when the password is next known. */
    public boolean isCurrent(String storedHash) {
        return storedHash != null && storedHash.startsWith(CURRENT);
    }

    /** True when the password matches the stored hash. A null hash spends the same time and fails. */
    public boolean verify(String password, String storedHash) {
        if (storedHash == null) {
            if (decoy == null) {
                decoy = hash("decoy password that matches nothing");
            }
            verify(password, decoy);
            return false;
        }
        String[] parts = storedHash.split("\\$");
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            String[] pair = kv.split("=", 2);
            int value = Integer.parseInt(pair[1]);
            switch (pair[0]) {
                case "m" -> m = value;
                case "t" -> t = value;
                case "p" -> p = value;
                default -> {
                    return false;
                }
            }
        }
        byte[] salt = B64D.decode(parts[4]);
        byte[] expected = B64D.decode(parts[5]);
        byte[] actual = derive(password, salt, m, t, p, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    private byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        slots.acquireUninterruptibly();
        try {
            generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            slots.release();
        }
        return out;
    }
}
