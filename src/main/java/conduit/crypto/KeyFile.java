package conduit.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;

/**
 * A random secret key in a file readable by the owner only (mode 600), made on first use: the
 * embedded-mode stand-in for a key that lives in KMS on AWS.
 *
 * <p>Creation is race-free across processes sharing the data directory: the key is written
 * completely to a private temporary file, then hard-linked to its final name. {@code link(2)}
 * fails when the name exists, so exactly one key wins and nobody ever reads a half-written file.
 */
public final class KeyFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFile() {
    }

    /** The key in {@code file}, creating it with {@code length} random bytes when missing. */
    public static byte[] loadOrCreate(Path file, int length) {
        try {
            if (!Files.exists(file)) {
                create(file, length);
            }
            byte[] key = Files.readAllBytes(file);
            if (key.length != length) {
                throw new IllegalStateException("key file " + file + " has " + key.length + " bytes, expected " + length);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create key file " + file, e);
        }
    }

    private static void create(Path file, int length) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".key-", ".tmp", ownerOnly(dir));
        try {
            byte[] key = new byte[length];
            RANDOM.nextBytes(key);
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.WRITE));
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(key);
                ch.force(true);
            }
            java.util.Arrays.fill(key, (byte) 0);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lostTheRace) {
                // Another process made the key first: use theirs.
            } catch (UnsupportedOperationException noHardLinks) {
                moveUnlessPresent(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** For file systems without hard links: a plain move, which still never replaces a key. */
    private static void moveUnlessPresent(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file);
        } catch (FileAlreadyExistsException lostTheRace) {
            // Another process made the key first: use theirs.
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }
}
