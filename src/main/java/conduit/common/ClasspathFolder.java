package conduit.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The files of a folder on the class path, from the jar or from a build's classes directory. */
public final class ClasspathFolder {
    private ClasspathFolder() {
    }

    /**
     * Every file under {@code folder}, keyed by its path below it ({@code "/index.html"},
     * {@code "/assets/app.js"}), found through {@code marker}, a file the folder must hold.
     *
     * @throws IllegalStateException when the marker is not on the class path
     */
    public static Map<String, byte[]> read(String folder, String marker) {
        URL found = ClasspathFolder.class.getClassLoader().getResource(folder + "/" + marker);
        if (found == null) {
            throw new IllegalStateException("classpath /" + folder + "/" + marker + " is missing");
        }
        try {
            URI uri = found.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                // The jar's file system stays open: closing it would break others that share it.
                return readTree(fs.getPath("/" + folder));
            }
            return readTree(Path.of(uri).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> readTree(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                StringBuilder key = new StringBuilder();
                for (Path part : root.relativize(p)) {
                    key.append('/').append(part);
                }
                out.put(key.toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
