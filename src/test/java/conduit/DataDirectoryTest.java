package conduit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded data directory and database files are private to the app's user. */
class DataDirectoryTest {
    @Test
    void aNewDataDirectoryIs0700AndTheDatabaseFile0600() throws Exception {
        Path dir = Stack.tempDir().resolve("fresh").resolve("data");
        try (App.Running app = App.start(Settings.embedded(dir))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            Path db = dir.resolve("conduit.mv.db");
            assertTrue(Files.exists(db), "the database file is where this test looks");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        }
    }

    @Test
    void anExistingOpenDirectoryAndFilesAreTightened() throws Exception {
        Path dir = Stack.tempDir();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (App.Running first = App.start(Settings.embedded(dir))) {
            assertTrue(first.port() > 0);
        }
        Path db = dir.resolve("conduit.mv.db");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (App.Running second = App.start(Settings.embedded(dir))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        }
    }
}
