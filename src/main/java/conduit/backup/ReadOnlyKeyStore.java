package conduit.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;

import conduit.crypto.WrappedKeyStore;

/**
 * The {@code key_material} table as {@code KeyTier} reads it, through the verification's read-only
 * snapshot. It refuses to store: at start-up the app creates a missing blind-index key, but for a
 * verification a missing key is a finding, and a new key would make every stored index wrong.
 */
final class ReadOnlyKeyStore implements WrappedKeyStore {
    private final Connection connection;

    ReadOnlyKeyStore(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<byte[]> find(String name) {
        try (PreparedStatement s = connection.prepareStatement("SELECT wrapped FROM key_material WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(Base64.getDecoder().decode(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read key_material: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean insertIfAbsent(String name, byte[] wrapped) {
        throw new UnsupportedOperationException("verify is read-only: it never creates key '" + name + "'");
    }
}
