package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.capture.PcapReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The main job against tcpdump, the oracle: for every expression of a table and every capture of a list (the
 * project's generated ones and a sample of the shared ones), {@code tcpdump -r F -w T EXPR} runs as a subprocess
 * and {@code weir -r F -w W EXPR} in-process; both outputs must hold the same records (count, caplen, wire
 * length, bytes, time stamps at microsecond precision). For a quarter of the expressions {@code --count} must
 * print tcpdump's number too. When tcpdump rejects an expression for a link type, Weir must reject it as well.
 *
 * <p>An expression Weir does not compile yet is a failure when it is in issue 8's subset; only the few
 * {@link #EXTENDED} ones (features of later issues) may be recorded as known gaps.
 */
class EndToEndTcpdumpTest {
    private static final Path PCAPS = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps");
    private static final Path SHARED = Path.of(System.getProperty("weir.sharedDir", "../../shared")).resolve("pcaps");

    /** Issue 8's subset: every one must give tcpdump's packets. */
    static final List<String> EXPRESSIONS = List.of(
            "", "ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6", "igmp", "sctp",
            "tcp port 80", "tcp port 22 or 80", "udp port 53", "port 443 and not tcp",
            "src port 8080 or dst port 3306", "portrange 20-25", "udp portrange 100-200 or icmp",
            "host 10.0.0.1", "src host 10.0.0.7 or dst host 198.51.100.25", "net 10/8", "net 198.51.100.0/24",
            "dst net 10.0.0.0 mask 255.255.255.0", "host 2001:db8:0:1:200:5eff:fe10:7", "net 2001:db8::/32",
            "ether broadcast", "ether multicast", "ip broadcast", "ip multicast", "ip6 multicast",
            "ether proto 0x0806", "ip proto 17", "ip6 proto 58", "proto tcp",
            "less 100", "greater 500", "len >= 60 and len <= 128",
            "vlan", "vlan 100 and tcp", "vlan and vlan", "mpls",
            "ip[8] < 64", "ip[6:2] & 0x3fff != 0", "tcp[tcpflags] & tcp-syn != 0",
            "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "icmp[icmptype] == icmp-echo",
            "icmp6[icmp6type] == icmp6-neighborsolicit", "ip6[6] == 44", "udp[0:2] = 53 or udp[2:2] = 53",
            "ether[0] & 1 != 0", "(tcp or udp) and not (port 80 or port 443)", "not ip and not ip6",
            "ip and (ip[0] & 0xf) > 5", "tcp[13] & 0x07 != 0 && !(src net 10.0.0.0/8)",
            // Issue 9's protocol keywords.
            "ip6 protochain 6", "pppoes", "geneve", "stp or ipx or decnet or isis");

    /** Later issues' features: a Weir rejection of one of these is a recorded gap, not a failure. */
    static final List<String> EXTENDED = List.of();

    /** A sample of the shared captures (skipped when absent): every link type Weir compiles for. */
    static final List<String> SHARED_SAMPLE = List.of(
            "pcapplusplus__PcapExamples__VlanPackets.pcap", "pcapplusplus__PacketExamples__MplsPackets.pcap",
            "pcapplusplus__PcapExamples__IgmpPackets.pcap", "pcapplusplus__PcapExamples__nanosecs_big_endian.pcap",
            "pcapplusplus__PacketExamples__ipv6_opt_fragments.pcap", "pcapplusplus__PacketExamples__Ntp.pcap",
            "pcapplusplus__PcapExamples__one_tcp_stream_fin_rst_close_packet.pcap",
            "pcapplusplus__PcapExamples__four_ipv6_http_streams.pcap",
            "pcapplusplus__PacketExamples__Dns.pcap", "pcapplusplus__PcapExamples__sll.pcap", "zeek__linuxsll-arp.pcap",
            "pcapplusplus__PacketExamples__Sll2Packet.pcap", "pcapplusplus__PcapExamples__one_ipv6_http_stream.pcap",
            "suricata__pgsql__pgsql-cancel-request__input.pcap", "scapy__pfcp.pcap",
            "pcapplusplus__PcapExamples__null_loopback.pcap", "gopacket__pcap__test_loopback.pcap");

    static final List<String> BUNDLED = List.of("mixed-ether.pcap", "mixed-ether-ns.pcapng", "mixed-ether-be-ns.pcap",
            "mixed-sll.pcap", "mixed-sll2.pcap", "mixed-raw.pcap", "mixed-null.pcap");

    @TempDir
    static Path tmp;

    @BeforeAll
    static void needsTcpdump() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump"));
        if (!present && Boolean.getBoolean("weir.requireLibpcap")) {
            fail("tcpdump is not installed, and weir.requireLibpcap=true: apt-get install tcpdump");
        }
        Assumptions.assumeTrue(present, "tcpdump is not installed: the end-to-end comparison is skipped");
    }

    static List<Arguments> captures() {
        List<Arguments> all = new ArrayList<>();
        for (String f : BUNDLED) {
            all.add(Arguments.of(f, PCAPS.resolve(f)));
        }
        for (String f : SHARED_SAMPLE) {
            if (Files.isRegularFile(SHARED.resolve(f))) {
                all.add(Arguments.of(f, SHARED.resolve(f)));
            }
        }
        return all;
    }

    /** One tcpdump run: exit status and standard output and error. */
    record Proc(int status, String out, String err) {}

    static Proc tcpdump(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("tcpdump");
        cmd.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(tmp, "td", ".out");
        Path err = Files.createTempFile(tmp, "td", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tcpdump timed out: " + cmd);
        }
        return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A packet record as both outputs must hold it; time stamps at tcpdump's microsecond precision. */
    record Rec(int capLen, int wireLen, long micros, String hex) {}

    static List<Rec> records(Path file) throws IOException {
        List<Rec> list = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                var p = r.packet();
                list.add(new Rec(p.capLen(), p.wireLen(), Math.floorDiv(p.timestampNanos(), 1000L),
                        java.util.HexFormat.of().formatHex(p.copyBytes())));
            }
        }
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void writesTheSamePacketsAsTcpdump(String name, Path capture) throws Exception {
        List<String> gaps = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> all = new ArrayList<>(EXPRESSIONS);
        all.addAll(EXTENDED);
        int compared = 0;
        for (int i = 0; i < all.size(); i++) {
            String expr = all.get(i);
            Path theirs = tmp.resolve("t-" + i + ".pcap");
            Path ours = tmp.resolve("w-" + i + ".pcap");
            Proc td = tcpdump("-r", capture.toString(), "-w", theirs.toString(), expr);
            WeirCommandTest.Run w = WeirCommandTest.run("-r", capture.toString(), "-w", ours.toString(), expr);
            String where = name + ": '" + expr + "'";
            if (td.status() != 0) {
                // libpcap rejects it for this link type: Weir must reject it too.
                if (w.status() == 0) {
                    failures.add(where + ": tcpdump rejects it (" + td.err().trim() + ") but Weir accepts it");
                }
                continue;
            }
            if (w.status() != 0) {
                if (EXTENDED.contains(expr)) {
                    gaps.add(where + ": " + lastLine(w.err()));
                } else {
                    failures.add(where + ": tcpdump accepts it, Weir fails: " + w.err().trim());
                }
                continue;
            }
            List<Rec> expected = records(theirs);
            List<Rec> actual = records(ours);
            if (!expected.equals(actual)) {
                failures.add(where + ": tcpdump wrote " + expected.size() + " packets, Weir " + actual.size()
                        + firstDifference(expected, actual));
            }
            compared++;
            if (i % 4 == 0) {
                Proc count = tcpdump("-r", capture.toString(), "--count", expr);
                WeirCommandTest.Run wc = WeirCommandTest.run("-r", capture.toString(), "--count", expr);
                if (!count.out().equals(wc.out())) {
                    failures.add(where + ": --count: tcpdump " + count.out().trim() + ", Weir " + wc.out().trim());
                }
            }
        }
        if (!gaps.isEmpty()) {
            System.out.println("Known gaps (features of later issues) on " + name + ":\n  " + String.join("\n  ", gaps));
        }
        assertTrue(failures.isEmpty(), failures.size() + " mismatches:\n" + String.join("\n", failures));
        assertTrue(compared >= EXPRESSIONS.size() / 2, name + ": only " + compared + " expressions compared");
    }

    private static String lastLine(String s) {
        String[] lines = s.trim().split("\n");
        for (String l : lines) {
            if (l.startsWith("weir: error:")) {
                return l;
            }
        }
        return lines[lines.length - 1];
    }

    private static String firstDifference(List<Rec> expected, List<Rec> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                Rec e = expected.get(i);
                Rec a = actual.get(i);
                return "; record " + (i + 1) + " differs: tcpdump caplen " + e.capLen() + " len " + e.wireLen() + " t "
                        + e.micros() + ", Weir caplen " + a.capLen() + " len " + a.wireLen() + " t " + a.micros();
            }
        }
        return "";
    }

    /** The time stamp resolution and byte order of the input survive -w (tcpdump would write µs). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bundledFormats")
    void keepsResolutionAndByteOrder(String file, boolean nanos, boolean bigEndian) throws IOException {
        Path out = tmp.resolve("fmt-" + file + ".pcap");
        WeirCommandTest.Run w = WeirCommandTest.run("-r", PCAPS.resolve(file).toString(), "-w", out.toString(), "ip");
        assertEquals(0, w.status(), w.err());
        byte[] head = Arrays.copyOf(Files.readAllBytes(out), 4);
        int magic = bigEndian ? ((head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | head[3] & 0xff)
                : ((head[3] & 0xff) << 24 | (head[2] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[0] & 0xff);
        assertEquals(nanos ? 0xa1b23c4d : 0xa1b2c3d4, magic, file);
        try (PcapReader in = PcapReader.open(PCAPS.resolve(file)); PcapReader r = PcapReader.open(out)) {
            // The first IPv4 packet keeps its full time stamp, nanoseconds included.
            while (in.next() && !isIpv4(in)) {
                // skip
            }
            assertTrue(r.next());
            assertEquals(in.packet().timestampNanos(), r.packet().timestampNanos());
        }
    }

    private static boolean isIpv4(PcapReader r) {
        var p = r.packet();
        return p.capLen() > 14 && p.u8(12) == 0x08 && p.u8(13) == 0x00;
    }

    static List<Arguments> bundledFormats() {
        return List.of(Arguments.of("mixed-ether.pcap", false, false),
                Arguments.of("mixed-ether-be-ns.pcap", true, true),
                Arguments.of("mixed-ether-ns.pcapng", true, false));
    }
}
