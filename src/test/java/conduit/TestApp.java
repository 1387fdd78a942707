package conduit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.function.UnaryOperator;

import io.helidon.webserver.WebServerConfig;

/** Wires the app on embedded defaults in a fresh temporary data directory, for {@code @ServerTest}s. */
public final class TestApp {
    private TestApp() {
    }

    /** Configures the server under test; returns the app so the test can close it afterwards. */
    public static App embedded(WebServerConfig.Builder server) {
        return embedded(server, UnaryOperator.identity());
    }

    /** The same, with settings changed for the test (CORS origins, limits, ...). */
    public static App embedded(WebServerConfig.Builder server, UnaryOperator<Settings> change) {
        try {
            App app = App.wire(change.apply(Settings.embedded(Files.createTempDirectory("conduit-test"))));
            app.configure(server);
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
