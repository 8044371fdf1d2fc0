package io.weir.spark.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.gen.Framing;
import io.weir.capture.gen.GeneratedPacket;
import io.weir.capture.gen.TrafficGenerator;
import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.engine.cbpf.ClassicInterpreter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The decoder on hand-made packets (a table: link type, hex bytes, expected fields), and against the compiler:
 * on generated traffic of every framing, whenever a decoded column equals a value, the BPF primitive the reader
 * pushes for it accepts the packet; and off VLAN tags and IPv6 extension headers the two agree exactly.
 */
class PacketDecoderTest {
    private static final String ETH = "00112233445566778899aabb";
    private static final String IP4_TCP = "45000028000100004006" + "0000" + "0a000001" + "c0a80002"
            + "04d201bb" + "00000000" + "00000000" + "5012" + "0000" + "00000000";
    private static final String IP4_LATER_FRAG = "45000028000100404011" + "0000" + "0a000001" + "c0a80002"
            + "04d20035" + "00000000";
    private static final String IP6_HBH_UDP = "6000000000100040" + "20010db8000000000000000000000001"
            + "20010db8000000000000000000000002" + "1100000000000000" + "d43100350008" + "0000";
    private static final String IP6_LATER_FRAG = "600000000010" + "2c" + "40" + "fe800000000000000000000000000001"
            + "ff020000000000000000000000000001" + "1100000800000001" + "d43100350008" + "0000";
    private static final String ICMP4 = "45000020000100004001" + "0000" + "0a000001" + "0a000002" + "0800f7ff00000000";

    /** {link type, hex, eth_type, vlan, ip_version, src, dst, ip_proto, sport, dport, tcp_flags}. */
    private static final Object[][] CASES = {
        {1, ETH + "0800" + IP4_TCP, 0x800, -1, 4, "10.0.0.1", "192.168.0.2", 6, 1234, 443, 0x12},
        {1, ETH + "8100" + "0064" + "0800" + IP4_TCP, 0x800, 100, 4, "10.0.0.1", "192.168.0.2", 6, 1234, 443, 0x12},
        {1, ETH + "88a8" + "00c8" + "8100" + "0065" + "0800" + IP4_TCP, 0x800, 200, 4, "10.0.0.1", "192.168.0.2", 6,
            1234, 443, 0x12},
        {1, ETH + "0800" + IP4_LATER_FRAG, 0x800, -1, 4, "10.0.0.1", "192.168.0.2", 17, -1, -1, -1},
        {1, ETH + "86dd" + IP6_HBH_UDP, 0x86dd, -1, 6, "2001:db8::1", "2001:db8::2", 17, 54321, 53, -1},
        {1, ETH + "86dd" + IP6_LATER_FRAG, 0x86dd, -1, 6, "fe80::1", "ff02::1", 17, -1, -1, -1},
        {1, ETH + "0806" + "0001080006040001", 0x806, -1, -1, null, null, -1, -1, -1, -1},
        {1, ETH + "0026" + "424203000000", -1, -1, -1, null, null, -1, -1, -1, -1},
        {1, ETH + "0800" + IP4_TCP.substring(0, 60), 0x800, -1, 4, "10.0.0.1", "192.168.0.2", 6, 1234, 443, -1},
        {1, ETH + "0800" + IP4_TCP.substring(0, 30), 0x800, -1, -1, null, null, -1, -1, -1, -1},
        {1, ETH + "0800" + ICMP4, 0x800, -1, 4, "10.0.0.1", "10.0.0.2", 1, -1, -1, -1},
        {113, "000003040006000000000000" + "0000" + "0800" + IP4_TCP, 0x800, -1, 4, "10.0.0.1", "192.168.0.2", 6,
            1234, 443, 0x12},
        {276, "86dd0000" + "00000001" + "0001" + "00" + "06" + "0000000000000000" + IP6_HBH_UDP, 0x86dd, -1, 6,
            "2001:db8::1", "2001:db8::2", 17, 54321, 53, -1},
        {101, IP4_TCP, -1, -1, 4, "10.0.0.1", "192.168.0.2", 6, 1234, 443, 0x12},
        {229, IP6_HBH_UDP, -1, -1, 6, "2001:db8::1", "2001:db8::2", 17, 54321, 53, -1},
        {0, "02000000" + IP4_TCP, -1, -1, 4, "10.0.0.1", "192.168.0.2", 6, 1234, 443, 0x12},
        {0, "0000001e" + IP6_HBH_UDP, -1, -1, 6, "2001:db8::1", "2001:db8::2", 17, 54321, 53, -1},
        {108, "00000002" + IP4_TCP, -1, -1, 4, "10.0.0.1", "192.168.0.2", 6, 1234, 443, 0x12},
        {105, "0800" + IP4_TCP, -1, -1, -1, null, null, -1, -1, -1, -1},
    };

    @Test
    void decodesTheTable() {
        PacketDecoder d = new PacketDecoder();
        for (Object[] c : CASES) {
            byte[] bytes = HexFormat.of().parseHex((String) c[1]);
            ByteBuffer b = ByteBuffer.allocateDirect(bytes.length + 3);
            b.position(3);
            b.put(bytes);
            d.decode(b, 3, bytes.length, (Integer) c[0]);
            String what = "link " + c[0] + " " + c[1];
            assertEquals(c[2], d.ethType(), what + ": eth_type");
            assertEquals(c[3], d.vlan(), what + ": vlan");
            assertEquals(c[4], d.ipVersion(), what + ": ip_version");
            assertEquals(c[5], d.srcIp(), what + ": src_ip");
            assertEquals(c[6], d.dstIp(), what + ": dst_ip");
            assertEquals(c[7], d.ipProto(), what + ": ip_proto");
            assertEquals(c[8], d.srcPort(), what + ": src_port");
            assertEquals(c[9], d.dstPort(), what + ": dst_port");
            assertEquals(c[10], d.tcpFlags(), what + ": tcp_flags");
        }
    }

    @Test
    void formatsAddressesAsRfc5952() {
        String[][] cases = {
            {"00000000000000000000000000000001", "::1"},
            {"00000000000000000000000000000000", "::"},
            {"20010db8000000010000000000000001", "2001:db8:0:1::1"},
            {"20010db8000000000001000000000001", "2001:db8::1:0:0:1"},
            {"20010db80000000100010001000100010", "2001:db8:0:1:1:1:1:1"},
            {"00000000000000000000ffffc0a80001", "::ffff:192.168.0.1"},
            {"fe800000000000000000000000000000", "fe80::"},
            {"c0a80001", "192.168.0.1"},
        };
        for (String[] c : cases) {
            byte[] a = HexFormat.of().parseHex(c[0].substring(0, c[0].length() == 33 ? 32 : c[0].length()));
            assertEquals(c[1], IpText.format(a), c[0]);
        }
    }

    @Test
    void agreesWithTheCompilersPrimitives() throws Exception {
        long seed = 16;
        String[] framings = {"ether", "sll", "sll2", "raw", "null"};
        PacketDecoder d = new PacketDecoder();
        byte[] frame = new byte[Framing.MAX_FRAME];
        for (String framing : framings) {
            int lt = io.weir.capture.gen.GenerateCapture.linkType(framing);
            ClassicInterpreter dport = filter("dst port 443", lt);
            ClassicInterpreter sport = filter("src port 53", lt);
            ClassicInterpreter proto = filter("ip proto 17 or ip6 proto 17", lt);
            ClassicInterpreter src = filter("src host 10.0.0.1", lt);
            ClassicInterpreter escape = filter("ip6 and (ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 44 or ip6[6] == 60"
                    + " or ip6[6] == 51 or ip6[6] == 135 or ip6[6] == 139 or ip6[6] == 140)"
                    + (lt == 1 ? " or vlan" : ""), lt);
            TrafficGenerator g = new TrafficGenerator(seed);
            int checked = 0;
            for (int i = 0; i < 20_000; i++) {
                GeneratedPacket p = g.next();
                int len = Framing.encode(p, lt, frame);
                if (len < 0) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(frame, 0, len);
                d.decode(b, 0, len, lt);
                boolean escaped = escape.run(frame, 0, len, len) != 0;
                String why = framing + " packet " + i + " (seed " + seed + "): " + HexFormat.of().formatHex(frame, 0,
                        Math.min(len, 80));
                check(d.dstPort() == 443, dport.run(frame, 0, len, len) != 0, escaped, why + " dst port 443");
                check(d.srcPort() == 53, sport.run(frame, 0, len, len) != 0, escaped, why + " src port 53");
                check(d.ipProto() == 17, proto.run(frame, 0, len, len) != 0, escaped, why + " ip proto 17");
                check("10.0.0.1".equals(d.srcIp()), src.run(frame, 0, len, len) != 0 && d.ipVersion() > 0, escaped,
                        why + " src host 10.0.0.1");
                checked++;
            }
            assertTrue(checked > 10_000, framing);
        }
    }

    /** Decoded implies BPF (the pushdown is a superset); off the escape set they are equal. */
    private static void check(boolean decoded, boolean bpf, boolean escaped, String why) {
        if (decoded) {
            assertTrue(bpf || escaped, why + ": decoded but BPF rejects");
        }
        if (!escaped) {
            assertEquals(decoded, bpf, why);
        }
    }

    private static ClassicInterpreter filter(String expr, int lt) throws Exception {
        return ClassicInterpreter.of(FilterCompiler.compile(expr, lt, 262144,
                CompileOptions.savefile(ByteOrder.LITTLE_ENDIAN)));
    }
}
