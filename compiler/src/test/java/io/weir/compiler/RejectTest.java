package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.DifferentialCheck.Oracle;
import io.weir.compiler.DifferentialCheck.Reject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Expressions libpcap rejects are rejected, with libpcap's reason and the column of the offending token;
 * when libpcap is present the test also confirms that libpcap rejects them.
 */
class RejectTest {
    static final List<Reject> CASES = List.of(
            new Reject("ether port 80", "EN10MB", "'port' is not a valid qualifier for 'ether'", 7),
            new Reject("ip port 80", "EN10MB", "'port' is not a valid qualifier for 'ip'", 4),
            new Reject("tcp host 1.2.3.4", "EN10MB", "'tcp' modifier applied to host", 1),
            new Reject("ip6 host 1.2.3.4", "EN10MB", "'ip6' modifier applied to ip host", 1),
            new Reject("port 70000", "EN10MB", "illegal port number 70000 > 65535", 6),
            new Reject("net 10.1.2.3/8", "EN10MB", "non-network bits set in \"10.1.2.3/8\"", 5),
            new Reject("net 10.0.0.0/33", "EN10MB", "mask length must be <= 32", 5),
            new Reject("host 10.0.0.0 mask 255.0.0.0", "EN10MB", "Mask syntax for networks only", 6),
            new Reject("host 300.1.1.1", "EN10MB", "invalid IPv4 address '300.1.1.1'", 6),
            new Reject("host 1:2:3:4:5:6", "EN10MB", "ethernet address used in non-ether expression", 6),
            new Reject("ether host 1:2:3:4:5:6", "RAW", "ethernet addresses supported only on", 12),
            new Reject("vlan 5000", "EN10MB", "VLAN tag 5000 greater than maximum 4095", 1),
            new Reject("vlan", "RAW", "no VLAN support for Raw IP", 1),
            new Reject("mpls 1048576", "EN10MB", "MPLS label 1048576 greater than maximum 1048575", 1),
            new Reject("mpls and vlan", "EN10MB", "no VLAN match after MPLS", 10),
            new Reject("mpls and arp", "EN10MB", "unsupported protocol over mpls", 10),
            new Reject("ip6 broadcast", "EN10MB", "only link-layer/IP broadcast filters supported", 1),
            new Reject("ether[0] / 0 = 1", "EN10MB", "division by zero", 1),
            new Reject("ether[0] % 0 = 1", "EN10MB", "modulus by zero", 1),
            new Reject("ip[0:3] = 1", "EN10MB", "data size must be 1, 2, or 4", 6),
            new Reject("udp port bgp", "EN10MB", "port 'bgp' is tcp", 10),
            new Reject("port nosuchservice", "EN10MB", "unknown port 'nosuchservice'", 6),
            new Reject("ip proto foo", "EN10MB", "unknown ip proto 'foo'", 10),
            new Reject("ether proto foo", "EN10MB", "unknown ether proto 'foo'", 13),
            new Reject("arp", "RAW", "expression rejects all packets", 1),
            new Reject("ip and ip6", "EN10MB", "expression rejects all packets", 1),
            new Reject("tcp port", "EN10MB", "syntax error", 9),
            new Reject("port 80 and", "EN10MB", "syntax error", 12),
            new Reject("(ip", "EN10MB", "syntax error", 4),
            new Reject("ip)", "EN10MB", "syntax error", 3),
            new Reject("ip or or tcp", "EN10MB", "syntax error at 'or'", 7),
            new Reject("1.2.3.4", "EN10MB", "syntax error at '1.2.3.4'", 1),
            new Reject("tcp or 1.2.3.4", "EN10MB", "syntax error at '1.2.3.4'", 8),
            new Reject("len-14 > 100", "EN10MB", "syntax error at 'len-14'", 1),
            new Reject("foo", "EN10MB", "syntax error at 'foo'", 1),
            new Reject("less 1 2", "EN10MB", "syntax error at '2'", 8),
            new Reject("net 10/8", "EN10MB", "syntax error at '/'", 7));

    @TestFactory
    Stream<DynamicTest> rejectedLikeLibpcap() {
        return DifferentialCheck.rejects(CASES, Oracle.REJECTS);
    }

    @Test
    void hostNamesAreNeverResolved() {
        for (String expr : new String[] {"host localhost", "host example.com", "src host gateway.lan"}) {
            FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                    () -> FilterCompiler.compile(expr, 1, 262144));
            assertTrue(e.getMessage().contains("does not resolve host names"), e.getMessage());
            assertEquals(expr.lastIndexOf(' ') + 2, e.column(), e.getMessage());
        }
    }

    @Test
    void rendersLikeACompiler() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> FilterCompiler.compile("ether port 80", 1, 262144));
        assertEquals("weir: error: 'port' is not a valid qualifier for 'ether' (column 7)\n"
                + "  ether port 80\n"
                + "        ^~~~", e.render());
    }
}
