package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.DifferentialCheck.Oracle;
import io.weir.compiler.DifferentialCheck.Reject;
import io.weir.compiler.lower.LinkLayer;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The rest of pcap-filter(7)'s protocol keywords against libpcap: every expression of
 * {@code differential/protocols.txt} on every link type of {@link TestPackets}, on the packets of
 * {@link ProtocolPackets} (crafted, whole and truncated, and those of the shared captures that carry these
 * protocols), for a dead handle and for savefiles of both byte orders; and the expressions libpcap rejects, with its words and the column of the offending token.
 */
class ProtocolsDifferentialTest {
    private static final int[] LOOPBACKS = {LinkLayer.NULL, LinkLayer.LOOP};

    @TestFactory
    Stream<DynamicTest> protocolsAgreeWithLibpcap() throws IOException {
        List<String> exprs = DifferentialCheck.expressions("/differential/protocols.txt");
        assertTrue(exprs.size() >= 200, "table has " + exprs.size() + " expressions");
        return exprs.stream().map(e -> DynamicTest.dynamicTest(e, () -> {
            Map<Integer, List<TestPackets.Pkt>> packets = ProtocolPackets.packets();
            DifferentialCheck.check(e, true, null, TestPackets.LINK_TYPES, packets);
            DifferentialCheck.check(e, false, ByteOrder.LITTLE_ENDIAN, LOOPBACKS, packets);
            DifferentialCheck.check(e, false, ByteOrder.BIG_ENDIAN, LOOPBACKS, packets);
        }));
    }

    static final List<Reject> REJECTS = List.of(
            new Reject("tcp protochain 6", "EN10MB", "bad protocol applied for 'protochain'", 1),
            new Reject("src protochain 6", "EN10MB", "syntax error", 5),
            new Reject("ip6 protochain \\nosuch", "EN10MB", "unknown ip proto 'nosuch'", 16),
            new Reject("ip proto vrrp", "EN10MB", "syntax error at 'vrrp'", 10),
            new Reject("ether proto stp", "EN10MB", "syntax error at 'stp'", 13),
            new Reject("gateway foo", "EN10MB", "'gateway' not supported in this configuration", 9),
            new Reject("ether gateway foo", "EN10MB", "'gateway' not supported in this configuration", 15),
            new Reject("gateway 1.2.3.4", "EN10MB", "'gateway' requires a name", 9),
            new Reject("decnet proto 3", "EN10MB", "DECNET encapsulation is not specifiable", 1),
            new Reject("atalk proto 3", "EN10MB", "AppleTalk encapsulation is not specifiable", 1),
            new Reject("lat proto 3", "EN10MB", "LAT does not encapsulate another protocol", 1),
            new Reject("clnp proto 3", "EN10MB", "'clnp proto' is not supported", 1),
            new Reject("l1 proto 3", "EN10MB", "'l1 proto' is bogus", 1),
            new Reject("stp proto 3", "EN10MB", "'stp proto' is bogus", 1),
            new Reject("atalk host 1.2.3.4", "EN10MB", "AppleTalk host filtering not implemented", 1),
            new Reject("atalk host ::1", "EN10MB", "AppleTalk modifier applied to ip6 host", 1),
            new Reject("ipx net 10", "EN10MB", "IPX host filtering not implemented", 1),
            new Reject("iso host 1.2.3.4", "EN10MB", "ISO host filtering not implemented", 1),
            new Reject("stp host 1.2.3.4", "EN10MB", "'stp' modifier applied to host", 1),
            new Reject("esis net 1.2", "EN10MB", "'esis' modifier applied to net", 1),
            new Reject("decnet host ::1", "EN10MB", "'decnet' modifier applied to ip6 host", 1),
            new Reject("decnet host 1:2:3:4:5:6", "EN10MB", "ethernet address used in non-ether expression", 13),
            new Reject("decnet host 10.0.0.0/8", "EN10MB", "Mask syntax for networks only", 13),
            new Reject("ether proto \\pppoes", "EN10MB", "unknown ether proto 'pppoes'", 13),
            new Reject("ether proto \\pup", "EN10MB", "unknown ether proto 'pup'", 13),
            new Reject("iso proto \\tcp", "EN10MB", "unknown osi proto 'tcp'", 11),
            new Reject("isis proto \\isis", "EN10MB", "unknown protocol: isis", 12),
            new Reject("tcp proto \\udp", "EN10MB", "unknown protocol: udp", 11),
            new Reject("ipx multicast", "EN10MB", "link-layer multicast filters supported only on", 1),
            new Reject("decnet broadcast", "EN10MB", "only link-layer/IP broadcast filters supported", 1),
            new Reject("llc", "RAW", "'llc' not supported for Raw IP", 1),
            new Reject("llc", "LINUX_SLL", "'llc' not supported for Linux cooked v1", 1),
            new Reject("llc s", "LINUX_SLL2", "'llc' not supported for Linux cooked v2", 1),
            new Reject("llc foo", "EN10MB", "unknown LLC type name \"foo\"", 1),
            new Reject("llc 5", "EN10MB", "syntax error at '5'", 5),
            new Reject("mpls and decnet", "EN10MB", "unsupported protocol over mpls", 10),
            new Reject("mpls and iso", "EN10MB", "unsupported protocol over mpls", 10),
            new Reject("ip and decnet", "EN10MB", "expression rejects all packets", 1),
            new Reject("stp", "RAW", "expression rejects all packets", 1),
            new Reject("fddi", "EN10MB", "link layer applied in wrong context", 1),
            new Reject("fddi host 1:2:3:4:5:6", "RAW", "ethernet addresses supported only on", 11),
            new Reject("byte 2 & 5", "EN10MB", "'byte N & V' is not supported by Weir", 1),
            new Reject("vpi 1", "EN10MB", "'vpi' supported only on raw ATM", 1),
            new Reject("oamf4ec", "EN10MB", "'oam4ec' supported only on raw ATM", 1),
            new Reject("tcp and fisu", "EN10MB", "'fisu' supported only on MTP2", 9),
            new Reject("hsio 1", "EN10MB", "'sio' supported only on SS7", 1),
            new Reject("on eth0", "EN10MB", "ifname supported only on PF linktype", 1),
            new Reject("rulenum 1", "EN10MB", "rnr supported only on PF linktype", 1),
            new Reject("action pass", "EN10MB", "action supported only on PF linktype", 1));

    /** libpcap rejects these too, except where the message names Weir (its own gaps). */
    @TestFactory
    Stream<DynamicTest> rejectedLikeLibpcap() {
        return DifferentialCheck.rejects(REJECTS, Oracle.REJECTS);
    }

    /**
     * Past the protochain bound: an IPv6 packet with one more extension header than Weir follows is rejected
     * (libpcap walks on and accepts it); one with exactly {@code MAX_HEADERS} is accepted by both.
     */
    @Test
    void protochainBound() throws FilterSyntaxException {
        ClassicProgram p = FilterCompiler.compile("ip6 protochain 6", LinkLayer.EN10MB, 262144);
        ClassicInterpreter vm = ClassicInterpreter.of(p);
        for (int n = 0; n <= 10; n++) {
            int[] chain = new int[n + 1];
            java.util.Arrays.fill(chain, 60);
            chain[n] = 6;
            byte[] pkt = ProtocolPackets.ethernetIpv6(chain);
            long want = n <= 8 ? 262144 : 0;
            assertEquals(want, vm.run(pkt, 0, pkt.length, pkt.length), n + " extension headers");
        }
    }
}
