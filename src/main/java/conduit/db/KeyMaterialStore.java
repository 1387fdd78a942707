package conduit.db;

import java.util.Base64;
import java.util.Optional;

import conduit.crypto.WrappedKeyStore;

/**
 * Wrapped keys in the {@code key_material} table. Always on the writer: an instance that just
 * inserted a key must read it back, whatever the replica shows.
 */
public final class KeyMaterialStore implements WrappedKeyStore {
    private final Database db;

    public KeyMaterialStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<byte[]> find(String name) {
        return db.write(exec -> exec.get("SELECT wrapped FROM key_material WHERE name = ?", name)
                .map(r -> Base64.getDecoder().decode(Rows.string(r, "wrapped"))));
    }

    @Override
    public boolean insertIfAbsent(String name, byte[] wrapped) {
        return db.write(exec -> exec.insert("INSERT IGNORE INTO key_material (name, wrapped) VALUES (?, ?)",
                name, Base64.getEncoder().encodeToString(wrapped)) > 0);
    }
}
