package conduit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import io.helidon.webserver.WebServerConfig;

/** Wires the app on embedded defaults in a fresh temporary data directory, for {@code @ServerTest}s. */
public final class TestApp {
    private TestApp() {
    }

    /** Configures the server under test; returns the app so the test can close it afterwards. */
    public static App embedded(WebServerConfig.Builder server) {
        try {
            App app = App.wire(Settings.embedded(Files.createTempDirectory("conduit-test")));
            app.configure(server);
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
