package conduit.user;

import conduit.Api;
import conduit.EmbeddedApp;
import conduit.Mailbox;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Recovery on embedded defaults: the mail is the {@code .eml} files a developer opens in {@code <data dir>/mail}. */
class RecoveryOnFilesTest extends RecoveryContract {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp(RecoveryContract::relaxed);

    @Override
    Api api() {
        return APP.api();
    }

    @Override
    Mailbox mailbox() {
        return Mailbox.files(APP.dataDir().resolve("mail"));
    }
}
