package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code weir flows}: output formats, totals, eviction export, errors, and tshark's per-packet fields. */
class FlowsCommandTest {
    private static final Path PCAPS = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps");
    private static final Pattern COUNTED = Pattern.compile("counted (\\d+) \\(");

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int s = FlowsCommand.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Result(s, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static long counted(String totals) {
        Matcher m = COUNTED.matcher(totals);
        assertTrue(m.find(), "no counted figure in: " + totals);
        return Long.parseLong(m.group(1));
    }

    private static List<Map<String, String>> ndjson(String text) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        JsonFactory f = new JsonFactory();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> m = new HashMap<>();
            try (JsonParser p = f.createParser(line)) {
                assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, p.getText());
                }
            }
            out.add(m);
        }
        return out;
    }

    @Test
    void tableHasHeaderRowsAndTotals() {
        Result r = run("-r", PCAPS.resolve("mixed-ether.pcap").toString(), "--top", "5");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(7, lines.length, r.out());
        assertTrue(lines[0].startsWith("FLOW ") && lines[0].contains("PACKETS"), lines[0]);
        assertTrue(lines[6].startsWith("totals: seen 300 packets"), lines[6]);
        assertTrue(lines[6].contains("shown 5 flows"), lines[6]);
    }

    /** --json lists every flow (top 0); their packets add up to the counted total; names are Zeek's. */
    @Test
    void jsonFlowsAddUpToTheTotals() throws IOException {
        Result r = run("-r", PCAPS.resolve("mixed-ether.pcap").toString(), "--json", "--top", "0", "ip or ip6");
        assertEquals(0, r.status(), r.err());
        long sum = 0;
        List<Map<String, String>> flows = ndjson(r.out());
        assertTrue(flows.size() > 50, "flows: " + flows.size());
        for (Map<String, String> f : flows) {
            for (String k : List.of("ts", "duration", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                    "orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes", "orig_wire_bytes", "resp_wire_bytes",
                    "tcp_flags", "community_id")) {
                assertTrue(f.containsKey(k), k + " missing in " + f);
            }
            assertTrue(f.get("community_id").startsWith("1:") && f.get("community_id").length() == 30, f.toString());
            sum += Long.parseLong(f.get("orig_pkts")) + Long.parseLong(f.get("resp_pkts"));
        }
        assertEquals(counted(r.err()), sum);
    }

    @Test
    void csvHasTheHeaderAndOneLinePerFlow() {
        Result r = run("-r", PCAPS.resolve("mixed-sll2.pcap").toString(), "--csv", "--top", "3", "--sort", "bytes");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(String.join(",", FlowsCommand.COLUMNS), lines[0]);
        assertEquals(5, lines.length, r.out());
        long b1 = Long.parseLong(lines[1].split(",")[10]) + Long.parseLong(lines[1].split(",")[11]);
        long b2 = Long.parseLong(lines[2].split(",")[10]) + Long.parseLong(lines[2].split(",")[11]);
        assertTrue(b1 >= b2, "sorted by bytes");
        assertTrue(lines[4].startsWith("# totals:"), lines[4]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5tuple", "src", "dst", "host-pair", "port", "proto", "vlan"})
    void everyAggregationCountsEveryPacket(String by) throws IOException {
        Result r = run("-r", PCAPS.resolve("mixed-ether.pcap").toString(), "--by", by, "--json", "--top", "0");
        assertEquals(0, r.status(), r.err());
        long sum = 0;
        for (Map<String, String> f : ndjson(r.out())) {
            sum += Long.parseLong(f.get("orig_pkts")) + Long.parseLong(f.get("resp_pkts"));
        }
        assertEquals(counted(r.err()), sum, by);
    }

    /** --threads 2 and 3 print the same flows and totals as one thread (rows compared as a set: ties may swap). */
    @ParameterizedTest
    @ValueSource(strings = {"5tuple", "src", "port"})
    void threadsGiveTheSameFlows(String by) {
        String file = PCAPS.resolve("mixed-ether.pcap").toString();
        Result one = run("-r", file, "--by", by, "--csv", "--top", "0");
        assertEquals(0, one.status(), one.err());
        for (String threads : new String[] {"2", "3"}) {
            Result many = run("-r", file, "--by", by, "--csv", "--top", "0", "--threads", threads);
            assertEquals(0, many.status(), many.err());
            List<String> a = new ArrayList<>(List.of(one.out().split("\n")));
            List<String> b = new ArrayList<>(List.of(many.out().split("\n")));
            a.sort(null);
            b.sort(null);
            assertEquals(a, b, "--by " + by + " --threads " + threads);
        }
    }

    /** More flows than --max-flows: evicted records in the export plus the table account for every packet. */
    @Test
    void exportHoldsEveryEvictedFlow(@TempDir Path dir) throws IOException {
        Path export = dir.resolve("evicted.csv");
        Result r = run("-r", PCAPS.resolve("mixed-ether.pcap").toString(), "--max-flows", "10", "--export",
                export.toString(), "--csv", "--top", "0");
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(export);
        assertEquals(String.join(",", FlowsCommand.COLUMNS), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).startsWith("# totals:"));
        long sum = 0;
        int evicted = 0;
        for (List<String> part : List.of(lines, List.of(r.out().split("\n")))) {
            for (String l : part.subList(1, part.size() - 1)) {
                String[] c = l.split(",", -1);
                sum += Long.parseLong(c[8]) + Long.parseLong(c[9]);
            }
        }
        evicted = lines.size() - 2;
        assertTrue(evicted > 0);
        String[] out = r.out().split("\n");
        assertTrue(out.length - 2 <= 10, "table within --max-flows");
        assertEquals(counted(out[out.length - 1]), sum);
        assertTrue(out[out.length - 1].contains("evicted " + evicted), out[out.length - 1]);
    }

    @Test
    void errorsAreOneClearMessage() {
        Result live = run("-i", "nosuchdev0");   // no such device, or no libpcap: one line either way
        assertEquals(1, live.status());
        assertTrue(live.err().startsWith("weir flows: ") && live.err().strip().lines().count() == 1, live.err());
        Result both = run("-i", "lo", "-r", PCAPS.resolve("mixed-ether.pcap").toString());
        assertEquals(1, both.status());
        assertTrue(both.err().contains("-r and -i are exclusive"), both.err());
        Result bad = run("-r", PCAPS.resolve("mixed-ether.pcap").toString(), "tcp", "port");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("error"), bad.err());
        Result missing = run("-r", "/nonexistent.pcap");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("No such file"), missing.err());
        Result by = run("-r", PCAPS.resolve("mixed-ether.pcap").toString(), "--by", "mac");
        assertEquals(1, by.status());
    }

    /**
     * Unidirectional 5-tuple packet and IP byte counts against tshark's per-packet fields (no reassembly), summed
     * per (src, dst, ports) for unfragmented TCP/UDP packets (as packets << 32 | bytes); skipped when tshark is
     * not installed.
     */
    @Test
    void unidirectionalCountsMatchTsharkFields() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark not installed");
        Path f = PCAPS.resolve("mixed-ether.pcap");
        String expr = "(tcp or udp) and not (ip[6:2] & 0x3fff != 0) and not ip6[6] == 44";
        Process p = new ProcessBuilder("/usr/bin/tshark", "-n", "-o", "ip.defragment:FALSE", "-r", f.toString(),
                "-Y", "(tcp or udp) and not (ip.flags.mf == 1 or ip.frag_offset > 0) and not ipv6.fragment"
                        + " and not icmp and not icmpv6 and not vlan and not ipv6.hopopts and not ipv6.dstopts",
                "-T", "fields", "-E", "separator=,", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e",
                "ipv6.dst", "-e", "tcp.srcport", "-e", "udp.srcport", "-e", "tcp.dstport", "-e", "udp.dstport", "-e", "ip.len", "-e",
                "ipv6.plen")
                .redirectErrorStream(false).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        Map<String, Long> want = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split(",", -1);
            String src = c[0].isEmpty() ? c[1] : c[0];
            String dst = c[2].isEmpty() ? c[3] : c[2];
            String sp = c[4].isEmpty() ? c[5] : c[4];
            String dp = c[6].isEmpty() ? c[7] : c[6];
            long ipLen = c[8].isEmpty() ? Long.parseLong(c[9]) + 40 : Long.parseLong(c[8]);
            want.merge(src + ":" + sp + ">" + dst + ":" + dp, 1L << 32 | ipLen, Long::sum);
        }
        Result r = run("-r", f.toString(), "--unidirectional", "--json", "--top", "0", expr);
        assertEquals(0, r.status(), r.err());
        Map<String, Long> got = new HashMap<>();
        for (Map<String, String> m : ndjson(r.out())) {
            got.merge(m.get("id.orig_h") + ":" + m.get("id.orig_p") + ">" + m.get("id.resp_h") + ":"
                    + m.get("id.resp_p"), Long.parseLong(m.get("orig_pkts")) << 32 | Long.parseLong(m.get("orig_ip_bytes")),
                    Long::sum);
        }
        Map<String, String> diff = new java.util.TreeMap<>();
        for (String k : want.keySet()) {
            if (!want.get(k).equals(got.get(k))) {
                diff.put(k, "tshark " + want.get(k) + " weir " + got.get(k));
            }
        }
        for (String k : got.keySet()) {
            if (!want.containsKey(k)) {
                diff.put(k, "tshark null weir " + got.get(k));
            }
        }
        assertEquals(Map.of(), diff);
    }
}
