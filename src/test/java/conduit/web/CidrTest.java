package conduit.web;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address blocks and literals: strict, and never a name look-up. */
class CidrTest {
    private static InetAddress ip(String literal) {
        return Cidr.literal(literal).orElseThrow(() -> new AssertionError(literal + " did not parse"));
    }

    @Test
    void ipv4BlocksContainTheirAddressesOnly() {
        Cidr vpc = Cidr.parse("10.20.0.0/16");
        assertTrue(vpc.contains(ip("10.20.0.1")));
        assertTrue(vpc.contains(ip("10.20.255.255")));
        assertFalse(vpc.contains(ip("10.21.0.1")));
        assertFalse(vpc.contains(ip("::ffff:10.21.0.1")));
        assertTrue(vpc.contains(ip("::ffff:10.20.3.4")), "an IPv4-mapped IPv6 address is the IPv4 address");
        Cidr odd = Cidr.parse("192.168.4.0/22");
        assertTrue(odd.contains(ip("192.168.7.255")));
        assertFalse(odd.contains(ip("192.168.8.0")));
        assertTrue(Cidr.parse("203.0.113.5").contains(ip("203.0.113.5")));
        assertFalse(Cidr.parse("203.0.113.5").contains(ip("203.0.113.6")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
    }

    @Test
    void ipv6BlocksToo() {
        Cidr block = Cidr.parse("2001:db8:abcd::/48");
        assertTrue(block.contains(ip("2001:db8:abcd:12::1")));
        assertFalse(block.contains(ip("2001:db8:abce::1")));
        assertFalse(block.contains(ip("10.0.0.1")), "families never mix");
        assertEquals("2001:db8:abcd:0:0:0:0:0/48", block.toString());
    }

    @Test
    void onlyLiteralsAreAddresses() {
        for (String bad : new String[] {"localhost", "example.com", "10.0.0", "010.0.0.1", "10.0.0.256", "1.2.3.4:80",
                "1.2.3.4 5", "", " ", "::g", "1:2"}) {
            assertTrue(Cidr.literal(bad).isEmpty(), bad);
        }
        assertEquals("2001:db8:0:0:0:0:0:1", ip("[2001:db8::1]").getHostAddress());
        assertEquals("192.0.2.1", ip(" 192.0.2.1 ").getHostAddress());
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertTrue(e.getMessage().contains("10.0.0.0/33"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("vpc"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
    }
}
