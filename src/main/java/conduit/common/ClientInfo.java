package conduit.common;

import java.net.InetAddress;

/**
 * Who is on the other end of a request, as far as the rules below the web layer need to know: the
 * client's address (for per-address limits and the session list) and its user agent (for the
 * session list only; at most {@link #MAX_USER_AGENT} characters are kept).
 */
public record ClientInfo(InetAddress address, String userAgent) {
    public static final int MAX_USER_AGENT = 256;

    public ClientInfo {
        java.util.Objects.requireNonNull(address, "address");
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
    }

    public String addressText() {
        return address.getHostAddress();
    }
}
