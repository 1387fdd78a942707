package conduit;

import conduit.blob.BlobStore;
import conduit.blob.LocalBlobStore;
import conduit.blob.S3BlobStore;
import conduit.cache.ViewCache;
import conduit.crypto.KeyTier;
import conduit.db.DataTier;
import conduit.db.KeyMaterialStore;
import conduit.redis.CacheTier;
import conduit.secrets.SecretCredentials;

/**
 * Every port's implementation, chosen by the settings: the same code paths run in every mode,
 * only these change. Started in dependency order, closed in reverse (pools last).
 */
public record Infrastructure(SecretCredentials dbSecret, DataTier data, CacheTier cacheTier, KeyTier keys, BlobStore blobs)
        implements AutoCloseable {

    public static Infrastructure start(Settings settings) {
        Settings.Aws aws = settings.aws();
        SecretCredentials secret = aws.dbSecretArn() == null ? null : SecretCredentials.create(aws.dbSecretArn(), aws.secretsEndpoint());
        // Flyway's login is needed once, at start-up: read, used and closed here.
        SecretCredentials migrationSecret = aws.dbMigrationSecretArn() == null ? null
                : SecretCredentials.create(aws.dbMigrationSecretArn(), aws.secretsEndpoint());
        DataTier data = null;
        CacheTier cacheTier = null;
        KeyTier keys = null;
        try {
            // Something will live in the data directory (database, key file or files): private from the start.
            boolean local = settings.db().embedded() || aws.kmsKeyId() == null || aws.s3Bucket() == null;
            if (local) {
                DataDirectory.prepare(settings.dataDir());
            }
            try {
                data = DataTier.start(settings.db(), secret, migrationSecret);
            } finally {
                if (migrationSecret != null) {
                    migrationSecret.close();
                }
            }
            if (local) {
                DataDirectory.tightenFiles(settings.dataDir());
            }
            var db = data.database();
            // Not started beside the database, though it needs it only for fills: its meters go
            // through Helidon's registry while HikariCP's pools register theirs through Micrometer's
            // own API, and the two registries lock in opposite orders, so registering on two threads
            // at once can deadlock (seen at start-up; docs/BENCHMARKS.md, "Fifteenth pass").
            cacheTier = CacheTier.start(settings.redis(), RedisAuth.token(settings.redis(), aws), settings.sessions(), settings.cacheTtl(),
                    settings.limits(), new ViewCache.FreshLoader() {
                        @Override
                        public <T> ViewCache.Loaded<T> load(long since, java.util.function.Supplier<T> loader) {
                            var loaded = db.readFreshSince(since, loader);
                            return new ViewCache.Loaded<>(loaded.value(), loaded.fresh());
                        }
                    }, conduit.db.ReadConsistency::readFromWriter);
            keys = KeyTier.start(aws.kmsKeyId(), aws.kmsEndpoint(), settings.dataDir(), new KeyMaterialStore(db));
            BlobStore blobs = aws.s3Bucket() == null
                    ? new LocalBlobStore(settings.dataDir(), aws.publicBaseUrl())
                    : S3BlobStore.create(aws.s3Bucket(), aws.s3Prefix(), aws.s3Endpoint(), aws.s3KmsKeyId(), aws.cdnBaseUrl());
            return new Infrastructure(secret, data, cacheTier, keys, blobs);
        } catch (RuntimeException e) {
            new Infrastructure(secret, data, cacheTier, keys, null).close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (blobs instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an HTTP client; nothing to recover
            }
        }
        if (keys != null) {
            keys.close();
        }
        if (cacheTier != null) {
            cacheTier.close();
        }
        if (data != null) {
            data.close();
        }
        if (dbSecret != null) {
            dbSecret.close();
        }
    }
}
