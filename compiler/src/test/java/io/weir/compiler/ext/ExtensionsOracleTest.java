package io.weir.compiler.ext;

import static org.junit.jupiter.api.Assertions.fail;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.ClassicValidator;
import io.weir.engine.cbpf.TcpdumpFormat;
import io.weir.engine.ebpf.Program;
import io.weir.engine.verifier.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weir's extensions against tshark's display filters on generated captures ({@link Captures}): for each row,
 * the Weir expression (with its options) must accept exactly the frames tshark's filter matches, on the classic
 * interpreter, the eBPF interpreter (after the verifier) and the JIT. One tshark run per capture.
 */
public class ExtensionsOracleTest {
    /** A row: Weir's options ("6": --ip6-transport, "v": --vlan-any), expression, and tshark's filter. */
    private record Row(String opts, String weir, String tshark) {
    }

    /** The walk's bound: a transport header behind more than 8 extension headers is not found. */
    private static final String WALKED = "!(count(ipv6.dstopts.nxt) > 8)";

    private static final String TUNNEL = "(vxlan || geneve || gre || ip.proto == 4 || ip.proto == 41"
            + " || ipv6.nxt == 4 || ipv6.nxt == 41)";

    private static final List<Row> TRANSPORT = List.of(
            new Row("", "tcp[13] & 2 != 0", "!vlan && ip && tcp.flags.syn == 1 && ip.frag_offset == 0"),
            new Row("6", "tcp[13] & 2 != 0", "!vlan && tcp.flags.syn == 1 && !(ip.frag_offset > 0) && " + WALKED),
            new Row("6", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn", "!vlan && tcp.flags.syn == 1 && tcp.flags.ack == 0"
                    + " && !(ip.frag_offset > 0)" + " && " + WALKED),
            new Row("6", "tcp[2:2] = 443", "!vlan && tcp.dstport == 443" + " && " + WALKED),
            new Row("6", "udp[2:2] = 53", "!vlan && udp.dstport == 53"),
            new Row("6", "icmp6[0] = 128", "!vlan && icmpv6.type == 128"),
            new Row("6", "icmp6[icmp6type] != icmp6-echo", "!vlan && icmpv6 && icmpv6.type != 128"),
            new Row("6", "ip6 and tcp[13] & 0x10 != 0", "!vlan && ipv6 && tcp.flags.ack == 1"),
            new Row("6", "tcp[tcp[12] >> 6] = 0", "!vlan && tcp && !(ip.frag_offset > 0) && tcp.srcport < 256"),
            new Row("", "tcp flags SYN and not ACK", "!vlan && tcp.flags.syn == 1 && tcp.flags.ack == 0"
                    + " && !(ip.frag_offset > 0)" + " && " + WALKED),
            new Row("", "tcp flags (SYN|FIN)", "!vlan && (tcp.flags.syn == 1 || tcp.flags.fin == 1)"
                    + " && !(ip.frag_offset > 0)" + " && " + WALKED),
            new Row("", "tcp flags AE", "!vlan && tcp.flags.ae == 1"),
            new Row("", "tcp flags ns and ack", "!vlan && tcp.flags.ae == 1 && tcp.flags.ack == 1"),
            new Row("", "tcp flags (ECE and CWR) or tcp flags RST", "!vlan && (tcp.flags.ece == 1 && tcp.flags.cwr == 1"
                    + " || tcp.flags.reset == 1)"),
            new Row("", "tcp flags PSH or URG", "!vlan && (tcp.flags.push == 1 || tcp.flags.urg == 1)"),
            new Row("", "not tcp flags ACK", "!(!vlan && tcp.flags.ack == 1)"),
            new Row("v", "tcp port 80", "tcp.port == 80"),
            new Row("v", "ip and tcp", "ip && ip.proto == 6"),
            new Row("v", "ip6", "ipv6"),
            new Row("v", "not ip", "!ip"),
            new Row("v", "arp", "arp"),
            new Row("v", "udp port 53 and ip", "ip && udp.port == 53"),
            new Row("v", "vlan 10", "vlan.id#1 == 10"),
            new Row("v6", "tcp[13] & 2 != 0", "tcp.flags.syn == 1 && !(ip.frag_offset > 0)" + " && " + WALKED),
            new Row("v", "tcp flags SYN", "tcp.flags.syn == 1 && !(ip.frag_offset > 0)" + " && " + WALKED));

    private static final List<Row> TUNNELS = List.of(
            new Row("", "vxlan", "vxlan && !gre"),
            new Row("", "vxlan 42", "vxlan.vni == 42"),
            new Row("", "vxlan and tcp port 443", "vxlan && tcp.port == 443"),
            new Row("", "vxlan and inner (tcp port 443)", "vxlan && tcp.port == 443"),
            new Row("", "vxlan 7 and ip6 and udp port 53", "vxlan.vni == 7 && udp.port == 53"),
            new Row("", "vxlan and vlan 7", "vxlan && vlan.id == 7"),
            new Row("", "vxlan and ether src 02:00:00:00:00:0c", "vxlan && !gre && eth.src == 02:00:00:00:00:0c"),
            new Row("", "inner (tcp port 443)", TUNNEL + " && tcp.port == 443"),
            new Row("", "inner (host 10.9.9.9)", TUNNEL + " && ip.addr == 10.9.9.9"),
            new Row("", "inner (udp port 53)", TUNNEL + " && udp.port == 53"),
            new Row("", "inner (ip6 and udp)", TUNNEL + " && udp.port == 53 && ipv6.addr == fd00::102"),
            new Row("", "inner (ip6 host fd00::101)", TUNNEL + " && ipv6.addr == fd00::101"),
            new Row("", "inner (ether src 02:00:00:00:00:0c)", "eth.src == 02:00:00:00:00:0c && !(gre && vxlan)"),
            new Row("", "inner (vlan 7 and tcp)", "vlan.id == 7"),
            new Row("", "gre and inner (host 10.9.9.9)", "gre && ip.addr == 10.9.9.9"),
            new Row("", "gre and inner (tcp[13] & 2 != 0)", "gre && tcp.flags.syn == 1 && !vxlan && !ipv6"),
            new Row("", "ipip and inner (tcp)", "(ip.proto == 4 || ip.proto == 41 || ipv6.nxt == 4 || ipv6.nxt == 41)"
                    + " && tcp"),
            new Row("", "ipip", "ip.proto == 4 || ip.proto == 41 || ipv6.nxt == 4 || ipv6.nxt == 41"),
            new Row("", "not inner (tcp)", "!(" + TUNNEL + " && tcp && !vlan && !(gre && vxlan))"),
            new Row("", "gre and inner (vxlan and tcp port 22)", "gre && vxlan && tcp.port == 22"),
            new Row("", "gre and inner (tcp flags SYN)", "gre && tcp.flags.syn == 1 && !vxlan"),
            new Row("", "ipip and inner (tcp flags SYN and not ACK)", "(ip.proto == 4 || ipv6.nxt == 4)"
                    + " && tcp.flags.syn == 1 && tcp.flags.ack == 0"),
            new Row("", "inner (icmp) or inner (tcp port 25)", TUNNEL + " && (icmp || tcp.port == 25)"),
            new Row("", "inner (ip[9] = 6 and len > 100)", TUNNEL + " && ip.proto == 6 && frame.len > 100"
                    + " && !vlan && !(gre && vxlan)"));

    @Test
    void transportFlagsAndVlansAgreeWithTshark(@TempDir Path dir) throws Exception {
        check(dir.resolve("transport.pcap"), Captures.transport(), TRANSPORT);
    }

    @Test
    void tunnelsAgreeWithTshark(@TempDir Path dir) throws Exception {
        check(dir.resolve("tunnels.pcap"), Captures.tunnels(), TUNNELS);
    }

    private static void check(Path pcap, List<byte[]> frames, List<Row> rows) throws Exception {
        Tshark.require();
        List<byte[]> padded = new ArrayList<>(frames);
        padded.add(new byte[60]);
        Frames.writePcap(pcap, padded);
        List<String> filters = new ArrayList<>();
        for (Row r : rows) {
            filters.add(r.tshark);
        }
        boolean[][] want = Tshark.verdicts(pcap, frames.size(), filters);
        List<String> problems = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            CompileOptions o = CompileOptions.DEAD.withIp6Transport(row.opts.contains("6"))
                    .withVlanAny(row.opts.contains("v"));
            ClassicProgram p = FilterCompiler.compile(row.weir, 1, 65535, o);
            List<Filter> engines = engines(p);
            String[] names = {"classic", "eBPF interpreter", "JIT"};
            for (int e = 0; e < engines.size(); e++) {
                for (int i = 0; i < frames.size(); i++) {
                    byte[] f = frames.get(i);
                    boolean got = engines.get(e).run(f, 0, f.length, f.length) != 0;
                    for (int cap = 1; e > 0 && cap < f.length; cap += 7) {
                        // Truncated copies: no oracle, but every engine must fault where the classic one does.
                        long classic = engines.get(0).run(f, 0, cap, f.length);
                        if (engines.get(e).run(f, 0, cap, f.length) != classic) {
                            problems.add("'" + row.weir + "': frame " + (i + 1) + " cut to " + cap + ": " + names[e]
                                    + " differs from the classic interpreter");
                            break;
                        }
                    }
                    if (got != want[r][i]) {
                        problems.add("'" + row.weir + "' [" + row.opts + "] vs '" + row.tshark + "': frame " + (i + 1)
                                + " Weir " + got + " tshark " + want[r][i] + " (" + names[e] + ", " + p.size()
                                + " insns)");
                        if (System.getProperty("ext.dump") != null) {
                            problems.add(TcpdumpFormat.listing(p));
                        }
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " disagreements:\n" + String.join("\n", problems));
        }
    }

    /** The classic interpreter, and the verified eBPF program on the interpreter and the JIT. */
    public static List<Filter> engines(ClassicProgram p) {
        ClassicValidator.validate(p);
        List<Filter> out = new ArrayList<>();
        out.add(ClassicInterpreter.of(p));
        Program ebpf = ClassicToEbpf.translate(p);
        Verifier.verify(ebpf);
        out.add(Engines.filter(ebpf, Engine.INTERPRETER));
        if (Engines.available(Engine.JIT)) {
            out.add(Engines.filter(ebpf, Engine.JIT));
        }
        return out;
    }
}
