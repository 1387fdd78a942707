package conduit.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import conduit.common.ClientInfo;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who the client is and whether it spoke HTTPS, believing forwarding headers only from a trusted
 * proxy. A TCP peer inside {@code TRUSTED_PROXY_CIDRS} (on AWS the VPC: the load balancer) is a
 * proxy: the client address is then the {@code CLIENT_ADDRESS_HEADER} it sets (CloudFront's
 * viewer address, {@code x-viewer-ip}, which the ALB passes on), else the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy; {@code X-Forwarded-Proto} is
 * believed from it too. Any other peer is the client, whatever it claims: a client that reaches
 * the app directly (embedded default {@code HOST=0.0.0.0}, or TLS served by the app) cannot
 * choose its address and so cannot step around per-address limits.
 *
 * <p>The edge filter resolves each request once ({@link #resolve}) and keeps the result in the
 * request's context; everything else asks {@link #of}.
 */
public final class Forwarded {
    /** A request's client: its address and whether it came over HTTPS. */
    public record Origin(InetAddress address, boolean https) {
        public String text() {
            return address.getHostAddress();
        }
    }

    /** Trusts no proxy: every peer is the client (the default). */
    public static final Forwarded DIRECT = new Forwarded(List.of(), null);
    private static final int MAX_HOPS = 20;

    private final List<Cidr> trusted;
    private final HeaderName clientHeader;

    /**
     * @param trusted             peers whose forwarding headers are believed ({@code TRUSTED_PROXY_CIDRS})
     * @param clientAddressHeader the header a trusted proxy puts the client's address in ({@code
     *                            CLIENT_ADDRESS_HEADER}), or null to walk {@code X-Forwarded-For}
     */
    public Forwarded(List<Cidr> trusted, String clientAddressHeader) {
        this.trusted = List.copyOf(trusted);
        this.clientHeader = clientAddressHeader == null || clientAddressHeader.isBlank() ? null
                : HeaderNames.create(clientAddressHeader.trim());
    }

    /** The client of this request, as the edge filter resolved it (or, outside it, the peer). */
    public static Origin of(ServerRequest request) {
        return request.context().get(Origin.class).orElseGet(() -> DIRECT.resolve(request));
    }

    /** The client as the services see it: address and user agent. */
    public static ClientInfo client(ServerRequest request) {
        return new ClientInfo(of(request).address(), request.headers().first(HeaderNames.USER_AGENT).orElse(null));
    }

    /** The client's address as text, for logs and session records. */
    public static String clientAddress(ServerRequest request) {
        return of(request).text();
    }

    /** True when the client spoke HTTPS: to us directly, or (believed from a trusted proxy) to the load balancer. */
    public static boolean isHttps(ServerRequest request) {
        return of(request).https();
    }

    /** Works out the client of a request from its peer and, when the peer is a trusted proxy, its headers. */
    public Origin resolve(ServerRequest request) {
        InetAddress peer = peer(request.remotePeer().address());
        if (!trusted(peer)) {
            return new Origin(peer, request.isSecure());
        }
        boolean https = request.isSecure() || request.headers().first(HeaderNames.X_FORWARDED_PROTO)
                .map(v -> v.trim().toLowerCase(Locale.ROOT).startsWith("https")).orElse(false);
        Optional<InetAddress> named = clientHeader == null ? Optional.empty()
                : request.headers().first(clientHeader).flatMap(Cidr::literal);
        return new Origin(named.orElseGet(() -> forwardedFor(request, peer)), https);
    }

    /**
     * The right-most {@code X-Forwarded-For} entry that is not a trusted proxy: entries to its left
     * were written by the client and prove nothing. All trusted (a request from inside): the
     * left-most; none usable: the peer.
     */
    private InetAddress forwardedFor(ServerRequest request, InetAddress peer) {
        List<String> values = request.headers().all(HeaderNames.X_FORWARDED_FOR, List::of);
        String[] hops = String.join(",", values).split(",");
        InetAddress client = peer;
        for (int i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            Optional<InetAddress> hop = Cidr.literal(hops[i]);
            if (hop.isEmpty()) {
                // Garbage where an address should be: nothing to the left of it can be trusted.
                return client;
            }
            client = hop.get();
            if (!trusted(client)) {
                return client;
            }
        }
        return client;
    }

    private boolean trusted(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static InetAddress peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress a = inet.getAddress();
            // An IPv4 client on a dual-stack socket: compare and show it as IPv4.
            byte[] b = a.getAddress();
            if (b.length == 16 && isV4Mapped(b)) {
                try {
                    return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
            return a;
        }
        throw new IllegalStateException("not an IP peer: " + address);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
