package conduit;

import java.net.URI;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The app on embedded defaults, started the way Main starts it (the production server set-up,
 * not a test harness's), once per test class, on a free loopback port with a fresh data
 * directory. Register it as a static field:
 * {@code @RegisterExtension static final EmbeddedApp APP = new EmbeddedApp();}
 */
public final class EmbeddedApp implements BeforeAllCallback, AfterAllCallback {
    private App.Running running;

    @Override
    public void beforeAll(ExtensionContext context) {
        running = App.start(Settings.embedded(Stack.tempDir()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (running != null) {
            running.close();
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + running.port());
    }

    public Api api() {
        return new Api(uri());
    }

    /** The health and metrics listener. */
    public Api observeApi() {
        return new Api(Stack.observe(running));
    }
}
