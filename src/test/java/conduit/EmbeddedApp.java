package conduit;

import java.net.URI;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The app on embedded defaults, started the way Main starts it (the production server set-up,
 * not a test harness's), once per test class, on a free loopback port with a fresh data
 * directory, with the limits that tests of other features would trip raised ({@link Stack#relaxedLimits}). Register it as a static field:
 * {@code @RegisterExtension static final EmbeddedApp APP = new EmbeddedApp();}
 */
public final class EmbeddedApp implements BeforeAllCallback, AfterAllCallback {
    private final java.util.function.UnaryOperator<Settings> customise;
    private App.Running running;
    private java.nio.file.Path dataDir;

    public EmbeddedApp() {
        this(s -> s);
    }

    /** With settings changed by name: {@code new EmbeddedApp(s -> s.toBuilder().cacheTtl(ZERO).build())}. */
    public EmbeddedApp(java.util.function.UnaryOperator<Settings> customise) {
        this.customise = customise;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        dataDir = Stack.tempDir();
        running = App.start(customise.apply(Stack.relaxedLimits(Settings.embedded(dataDir))));
    }

    /** The app's data directory (its database, keys, local files and, with file mail, its outbox files in {@code mail/}). */
    public java.nio.file.Path dataDir() {
        return dataDir;
    }

    /** The running app (its settings, ports). */
    public App.Running running() {
        return running;
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
