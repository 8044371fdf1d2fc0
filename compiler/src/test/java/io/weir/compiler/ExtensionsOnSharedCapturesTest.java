package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.compiler.ext.ExtensionsOracleTest;
import io.weir.compiler.ext.Frames;
import io.weir.compiler.ext.Tshark;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weir's extensions on the real Ethernet captures of {@code ../shared/pcaps} that MANIFEST.tsv tags as VXLAN,
 * Geneve or IPv6-extension-header captures, against tshark: the whole packets of each are copied into one
 * capture at one frame per second (for tshark's io,stat), and every row must give tshark's verdict per packet on
 * every engine. Skips when the shared directory is absent.
 */
class ExtensionsOnSharedCapturesTest {
    private record Row(String tag, String opts, String weir, String tshark) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("filter:vxlan", "", "vxlan", "vxlan && udp.dstport == 4789"),
            new Row("filter:vxlan", "", "vxlan and (icmp or tcp or udp port 53)", "vxlan && udp.dstport == 4789"
                    + " && (icmp || tcp || udp.port == 53)"),
            new Row("filter:vxlan", "", "inner (icmp or tcp)", "(vxlan || geneve) && (icmp || tcp)"),
            new Row("filter:geneve", "", "inner (tcp port 22 or icmp)", "(vxlan || geneve)"
                    + " && (tcp.port == 22 || icmp)"),
            new Row("filter:geneve", "", "not inner (ip)", "!((vxlan || geneve) && ip.version#2 == 4)"),
            new Row("filter:ip6ext", "6", "udp[2:2] = 53 or udp[0:2] = 53", "ipv6 && udp.port == 53 && !ah"
                    + " && !(ipv6.fraghdr.offset > 0)"),
            new Row("filter:ip6ext", "6", "icmp6[0] = 128 or icmp6[0] = 129", "ipv6 && !ah"
                    + " && (icmpv6.type == 128 || icmpv6.type == 129)"),
            new Row("filter:ip6ext", "", "tcp flags SYN or tcp flags FIN", "!ah && (tcp.flags.syn == 1"
                    + " || tcp.flags.fin == 1) && !(ip.frag_offset > 0) && !(ipv6.fraghdr.offset > 0)"));

    @Test
    void extensionsAgreeWithTsharkOnSharedCaptures(@TempDir Path dir) throws Exception {
        String shared = System.getProperty("weir.sharedDir");
        Path manifest = shared == null ? null : Path.of(shared, "pcaps", "MANIFEST.tsv");
        Assumptions.assumeTrue(manifest != null && Files.exists(manifest),
                "../shared/pcaps/MANIFEST.tsv absent: the shared-capture oracle is skipped");
        LibPcap.require();
        Tshark.require();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String tag : List.of("filter:vxlan", "filter:geneve", "filter:ip6ext")) {
            List<byte[]> frames = new ArrayList<>();
            List<String> origins = new ArrayList<>();
            for (String file : captures(manifest, tag)) {
                int[] lt = new int[1];
                List<LibPcap.Packet> ps = LibPcap.read(Path.of(shared, "pcaps", file).toString(), lt, 500);
                if (ps == null || lt[0] != 1) {
                    continue;
                }
                for (LibPcap.Packet p : ps) {
                    if (p.data().length == p.wireLen() && p.data().length >= 14) {
                        frames.add(p.data());
                        origins.add(p.origin());
                    }
                }
            }
            if (frames.isEmpty()) {
                continue;
            }
            List<Row> rows = new ArrayList<>();
            List<String> filters = new ArrayList<>();
            for (Row r : ROWS) {
                if (r.tag.equals(tag)) {
                    rows.add(r);
                    filters.add(r.tshark);
                }
            }
            Path pcap = dir.resolve(tag.substring(7) + ".pcap");
            List<byte[]> padded = new ArrayList<>(frames);
            padded.add(new byte[60]);
            Frames.writePcap(pcap, padded);
            boolean[][] want = Tshark.verdicts(pcap, frames.size(), filters);
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                CompileOptions o = CompileOptions.DEAD.withIp6Transport(row.opts.contains("6"));
                ClassicProgram p = FilterCompiler.compile(row.weir, 1, 65535, o);
                for (Filter f : ExtensionsOracleTest.engines(p)) {
                    for (int i = 0; i < frames.size(); i++) {
                        byte[] d = frames.get(i);
                        boolean got = f.run(d, 0, d.length, d.length) != 0;
                        checked++;
                        if (got != want[r][i]) {
                            problems.add("'" + row.weir + "' vs '" + row.tshark + "' on " + origins.get(i) + ": Weir "
                                    + got + ", tshark " + want[r][i]);
                            break;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 0, "no capture of the manifest's tags was read");
        System.out.println("extensions on shared captures: " + checked + " verdicts compared with tshark");
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    /** The Ethernet captures libpcap reads whose MANIFEST.tsv good_for column has {@code tag}. */
    private static List<String> captures(Path manifest, String tag) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split("\t", -1);
            if (c.length > 18 && c[10].equals("1/EN10MB") && c[15].isEmpty() && c[18].contains(tag)
                    && Integer.parseInt(c[14].isEmpty() ? "0" : c[14]) <= 2000) {
                out.add(c[0]);
            }
        }
        return out;
    }
}
