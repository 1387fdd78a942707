package conduit.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import conduit.common.Failure;
import conduit.crypto.KeyFile;

/**
 * User files in {@code <dataDir>/files} for embedded mode, behind URLs that this app serves
 * ({@link LocalFileRoutes}) and signs with HMAC-SHA256 like S3 presigned URLs, so clients follow
 * exactly the same upload flow as on AWS. The signing key is {@code <dataDir>/keys/file-urls.key}
 * (mode 600, made on first start).
 *
 * <p>Each object is one file: its content type on the first line, then the bytes. One file means
 * one atomic rename per upload, so a reader never sees new bytes with an old type, or half a
 * file. Keys are limited to {@code /}-separated segments of {@code [A-Za-z0-9._-]} (no {@code .}
 * or {@code ..} segments): they map to paths, and must never leave the folder.
 */
public final class LocalBlobStore implements BlobStore {
    /** Where {@link LocalFileRoutes} serves the files. */
    public static final String ROUTE = "/files";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
    private static final int MAX_KEY = 512;
    private static final int MAX_TYPE = 200;

    private final Path objects;
    private final Path incoming;
    private final String base;
    private final UrlSigner signer;

    /**
     * @param publicBaseUrl the app's external URL ({@code PUBLIC_BASE_URL}), or empty for URLs
     *                      relative to the app's own origin
     */
    public LocalBlobStore(Path dataDir, String publicBaseUrl) {
        Path root = dataDir.resolve("files");
        this.objects = root.resolve("objects");
        this.incoming = root.resolve("incoming");
        try {
            Files.createDirectories(objects);
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
        this.base = publicBaseUrl == null ? "" : publicBaseUrl.replaceAll("/+$", "");
        this.signer = new UrlSigner(KeyFile.loadOrCreate(dataDir.resolve("keys").resolve("file-urls.key"), 32));
    }

    @Override
    public PresignedPut presignPut(String key, String contentType, long contentLength, Duration ttl) {
        requireKey(key);
        if (contentType.isEmpty() || contentType.length() > MAX_TYPE || !contentType.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("content type must be printable ASCII");
        }
        long expires = expiry(ttl);
        String signature = signer.sign("PUT", key, contentType, contentLength, expires);
        return new PresignedPut("PUT", url(key, expires, signature), Map.of("content-type", contentType));
    }

    @Override
    public URI presignGet(String key, Duration ttl) {
        requireKey(key);
        long expires = expiry(ttl);
        return url(key, expires, signer.sign("GET", key, "", -1, expires));
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        return open(key).map(StoredFile::info);
    }

    @Override
    public void delete(String key) {
        requireKey(key);
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks a signed request for the key; a malformed key never has a valid signature. */
    boolean signatureValid(String signature, String method, String key, String contentType, long contentLength,
                           long expires) {
        return validKey(key)
                && signer.valid(signature, method, key, contentType, contentLength, expires, Instant.now().getEpochSecond());
    }

    /**
     * Stores exactly {@code length} bytes from {@code body} under the key, replacing any previous
     * object only once all bytes have arrived. Fewer bytes is a 400 and changes nothing.
     */
    void write(String key, String contentType, long length, InputStream body) {
        requireKey(key);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(incoming, "upload-", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write((contentType + "\n").getBytes(StandardCharsets.US_ASCII));
                copyExactly(body, out, length);
            }
            Path target = path(key);
            Files.createDirectories(target.getParent());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // A stray temporary file is harmless; the upload already failed for a reason.
                }
            }
        }
    }

    /** Copies the body, refusing it as soon as it runs past {@code length} or ends before it. */
    private static void copyExactly(InputStream body, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        for (int n; (n = body.read(buffer)) > 0; ) {
            copied += n;
            if (copied > length) {
                break;
            }
            out.write(buffer, 0, n);
        }
        if (copied != length) {
            throw new Failure(Failure.Kind.MALFORMED, "file", "body length differs from Content-Length");
        }
    }

    /** A stored object: the file, where its bytes start, its size and type. */
    record StoredFile(Path path, long offset, BlobInfo info) {
    }

    Optional<StoredFile> open(String key) {
        if (!validKey(key)) {
            return Optional.empty();
        }
        Path file = path(key);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(MAX_TYPE + 1);
            int newline = indexOf(head, (byte) '\n');
            if (newline < 0) {
                throw new IllegalStateException("stored file " + file + " has no content type line");
            }
            String type = new String(head, 0, newline, StandardCharsets.US_ASCII);
            long size = Files.size(file) - newline - 1;
            return Optional.of(new StoredFile(file, newline + 1, new BlobInfo(size, type)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean validKey(String key) {
        if (key == null || key.length() > MAX_KEY || !KEY.matcher(key).matches()) {
            return false;
        }
        for (String segment : key.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static void requireKey(String key) {
        if (!validKey(key)) {
            throw new IllegalArgumentException("invalid local file key");
        }
    }

    private Path path(String key) {
        Path p = objects.resolve(key).normalize();
        if (!p.startsWith(objects)) {
            throw new IllegalArgumentException("invalid local file key");
        }
        return p;
    }

    private URI url(String key, long expires, String signature) {
        return URI.create(base + ROUTE + "/" + key + "?expires=" + expires + "&signature=" + signature);
    }

    private static long expiry(Duration ttl) {
        return Instant.now().plus(ttl).getEpochSecond();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
