package conduit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The embedded data directory ({@code CONDUIT_DATA_DIR}) holds the H2 database, uploaded files and
 * local key files: readable by this app's user only. The directory is made (or tightened to)
 * 0700 before anything is written into it, and the files H2 creates at its top level (with the
 * process's umask) are tightened to 0600 once the database is open. The JVM cannot set its own
 * umask, hence the after-the-fact tightening; inside a 0700 directory nobody else could reach
 * them anyway.
 */
final class DataDirectory {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirectory() {
    }

    /** Creates the directory 0700, or tightens an existing one to 0700. */
    static void prepare(Path dir) {
        if (!posix()) {
            return;
        }
        try {
            if (Files.notExists(dir)) {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            }
            if (!Files.getPosixFilePermissions(dir).equals(OWNER_DIR)) {
                Files.setPosixFilePermissions(dir, OWNER_DIR);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data directory " + dir + " private (0700)", e);
        }
    }

    /** Tightens the regular files directly in the directory (the database's) to 0600. */
    static void tightenFiles(Path dir) {
        if (!posix() || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && !Files.getPosixFilePermissions(file).equals(OWNER_FILE)) {
                    Files.setPosixFilePermissions(file, OWNER_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the files in " + dir + " private (0600)", e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
