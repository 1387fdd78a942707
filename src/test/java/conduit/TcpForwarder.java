package conduit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback port in front of a real server that a test can make hang: while held, connections
 * are accepted and never answered (a dependency that is up but wedged, the worst case for a
 * caller); once released, the held ones are dropped and every connection is forwarded.
 */
public final class TcpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger heldCount = new AtomicInteger();
    private volatile boolean holding;

    public TcpForwarder(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("forwarder-accept").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on, connections hang. */
    public void hold() {
        holding = true;
    }

    /** Connections that hung so far. */
    public int held() {
        return heldCount.get();
    }

    /** Drops the hung connections (their callers see a reset) and forwards from now on. */
    public void release() {
        holding = false;
        for (Socket s : held) {
            close(s);
        }
        held.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (holding) {
                    held.add(client);
                    heldCount.incrementAndGet();
                    continue;
                }
                forward(client);
            } catch (IOException e) {
                // the server socket closed
            }
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 2_000);
        } catch (IOException e) {
            // the target refused: the caller sees the connection drop
            close(client);
            close(upstream);
            return;
        }
        pipe(client, upstream);
        pipe(upstream, client);
    }

    private static void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side went away
            } finally {
                close(from);
                close(to);
            }
        });
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        release();
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
