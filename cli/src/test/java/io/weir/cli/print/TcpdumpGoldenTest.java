package io.weir.cli.print;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Weir's lines against {@code tcpdump -nn -r F}'s, line by line (both in UTC), over the generated captures in
 * {@code pcaps/} and the shared captures whose protocols (MANIFEST.tsv's tshark_protocols column) are all ones
 * Weir decodes, on the link types it prints. Fails if fewer than {@value #TARGET_PERCENT}% of tcpdump's lines are
 * identical; prints the share and every remaining difference by category, with examples:
 * <ul>
 *   <li>{@code continuation}: a second line tcpdump prints for a packet (a hex dump of a payload it cannot
 *       decode, or a protocol's multi-line output): Weir prints one line per packet without -v/-x.</li>
 *   <li>{@code application}: the lines agree up to the transport; tcpdump then decodes an application protocol
 *       Weir does not (SIP, SOME/IP, NFS...), where Weir says {@code UDP, length N}.</li>
 *   <li>{@code network}: an IP protocol Weir does not decode (VRRP, IGMP, OLSR, RPL...): Weir prints
 *       {@code ip-proto-N LEN}.</li>
 *   <li>{@code icmp}: an ICMP/ICMPv6 message type whose details Weir does not print (node information...).</li>
 *   <li>{@code malformed}: a damaged header (a bad version, a jumbogram without its option, an invalid time
 *       stamp) where tcpdump's wording differs.</li>
 * </ul>
 */
class TcpdumpGoldenTest {
    static final int TARGET_PERCENT = 95;
    /** The floor for {@code -v} (measured: 99.67% of 129,215 lines over 70 captures). */
    static final int VERBOSE_TARGET_PERCENT = 95;

    /** The tshark protocol names of what Weir decodes (and frame-level names tshark adds). */
    static final Set<String> DECODED = Set.of("eth", "ethertype", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6",
            "arp", "vlan", "dns", "mdns", "null", "sll", "raw", "ipv6.hopopts", "ipv6.dstopts", "ipv6.fraghdr",
            "ipv6.routing", "ntp", "dhcp", "data", "loop");
    static final List<String> LINK_TYPES = List.of("/EN10MB", "/NULL", "/RAW", "/LINUX_SLL", "/LINUX_SLL2", "/LOOP");

    @Test
    void linesEqualTcpdumps() throws Exception {
        double share = compare(TARGET_PERCENT);
        assertTrue(share >= TARGET_PERCENT);
    }

    /**
     * {@code -v} against {@code tcpdump -nn -v}: the IPv4 and IPv6 header fields (tos, ttl, id, offset, flags,
     * proto, length; hlim, next-header, flowlabel, payload length), IPv6 extension-header options and fragment
     * ids, checksum verdicts (IPv4 header, TCP, UDP over IPv6, ICMP, ICMPv6), ARP's types, ICMPv6 ND flags and
     * link-address options, and BOOTP/DHCP's fields and options. The remaining differences are application
     * decodes Weir does not do with -v (NTP's and SMTP's details, RA and prefix options).
     */
    @Test
    void verboseLinesEqualTcpdumps() throws Exception {
        double share = compare(VERBOSE_TARGET_PERCENT, "-v");
        assertTrue(share >= VERBOSE_TARGET_PERCENT);
    }

    /** Compares over all chosen captures with {@code flags}; prints the report; fails below {@code target}. */
    private static double compare(int target, String... flags) throws Exception {
        String tcpdump = TcpdumpRunner.tcpdump();
        List<Path> files = chosenFiles();
        assertTrue(!files.isEmpty(), "no captures to compare (pcaps/ missing?)");
        long total = 0;
        long same = 0;
        Map<String, List<String>> differences = new LinkedHashMap<>();
        for (Path f : files) {
            List<List<String>> t = TcpdumpRunner.tcpdump(tcpdump, f, flags);
            PrintOptions o = new PrintOptions();
            o.verbose = List.of(flags).contains("-v") ? 1 : 0;
            List<List<String>> w = TcpdumpRunner.weir(f, o);
            for (int i = 0; i < t.size(); i++) {
                List<String> tp = t.get(i);
                List<String> wp = i < w.size() ? w.get(i) : List.of();
                for (int j = 0; j < tp.size(); j++) {
                    total++;
                    String wl = j < wp.size() ? wp.get(j) : "";
                    if (tp.get(j).equals(wl)) {
                        same++;
                    } else {
                        differences.computeIfAbsent(category(o.verbose > 0 ? 0 : j, tp.get(j), wl),
                                k -> new ArrayList<>())
                                .add(f.getFileName() + "\n      tcpdump: " + tp.get(j) + "\n      weir:    " + wl);
                    }
                }
            }
        }
        double share = 100.0 * same / Math.max(total, 1);
        StringBuilder report = new StringBuilder();
        report.append(String.format("tcpdump%s comparison: %d of %d lines identical (%.2f%%) over %d captures%n",
                flags.length == 0 ? "" : " " + String.join(" ", flags), same, total, share, files.size()));
        for (Map.Entry<String, List<String>> e : differences.entrySet()) {
            report.append("  ").append(e.getKey()).append(": ").append(e.getValue().size()).append(" lines\n");
            for (String ex : e.getValue().subList(0, Math.min(3, e.getValue().size()))) {
                report.append("    ").append(ex).append('\n');
            }
        }
        System.out.print(report);
        assertTrue(share >= target, report.toString());
        return share;
    }

    /** Why a line differs (see the class comment). */
    static String category(int lineInPacket, String t, String w) {
        if (lineInPacket > 0) {
            return "continuation";
        }
        if (w.contains(" ip-proto-")) {
            return "network";
        }
        if (t.startsWith(w) && t.length() > w.length() || w.contains("UDP, length")) {
            return "application";   // the same line, then tcpdump's decoding of the payload
        }
        if (w.contains("ICMP")) {
            return "icmp";
        }
        return "malformed";
    }

    /** pcaps/*.pcap* of the project, and the shared captures of decoded protocols (when the directory exists). */
    static List<Path> chosenFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        Path project = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps");
        if (Files.isDirectory(project)) {
            try (Stream<Path> s = Files.list(project)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.pcap(ng)?")).sorted().forEach(files::add);
            }
        }
        String shared = System.getProperty("weir.sharedDir");
        Path manifest = shared == null ? null : Path.of(shared, "pcaps", "MANIFEST.tsv");
        if (manifest != null && Files.isRegularFile(manifest)) {
            List<String> rows = Files.readAllLines(manifest);
            List<String> header = List.of(rows.get(0).split("\t", -1));
            int file = header.indexOf("file");
            int links = header.indexOf("linktypes");
            int protos = header.indexOf("tshark_protocols");
            int notes = header.indexOf("notes");
            int goodFor = header.indexOf("good_for");
            for (String row : rows.subList(1, rows.size())) {
                String[] c = row.split("\t", -1);
                if (c.length <= Math.max(protos, Math.max(notes, goodFor)) || c[protos].isEmpty()
                        || (c[notes] + c[goodFor]).contains("corrupt")) {
                    continue;
                }
                boolean linkOk = false;
                for (String lt : c[links].split(",")) {
                    linkOk = false;
                    for (String ok : LINK_TYPES) {
                        linkOk |= lt.endsWith(ok);
                    }
                    if (!linkOk) {
                        break;
                    }
                }
                if (linkOk && DECODED.containsAll(List.of(c[protos].split(",")))) {
                    Path p = Path.of(shared, "pcaps", c[file]);
                    if (Files.isRegularFile(p)) {
                        files.add(p);
                    }
                }
            }
        }
        return files;
    }
}
