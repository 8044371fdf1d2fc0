package io.weir.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.capture.gen.GenerateCapture;
import io.weir.compiler.FilterCompiler;
import io.weir.engine.Engine;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInterpreter;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The eBPF flow counter against {@link ReferenceFlows} on the generated captures (every framing, every
 * aggregation, both directions modes, both engines) and a sample of the shared captures: every flow's key and
 * every counter must be equal.
 */
class FlowCounterTest {
    private static final Path PCAPS = projectDir().resolve("pcaps");

    static Path projectDir() {
        String d = System.getProperty("weir.projectDir");
        if (d != null) {
            return Path.of(d);
        }
        Path here = Path.of("").toAbsolutePath();
        return here.getFileName().toString().equals("compiler") ? here.getParent() : here;
    }

    record Run(List<FlowRecord> table, List<FlowRecord> evicted, List<FlowRecord> reference, FlowCounter counter,
            long refNotIp) {}

    static Run run(Path file, String expr, Aggregation by, boolean bidi, int maxFlows, Engine engine)
            throws Exception {
        List<FlowRecord> evicted = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            int lt = r.linkType();
            Filter match = expr == null ? null : ClassicInterpreter.of(FilterCompiler.compile(expr, lt, 262144));
            ReferenceFlows ref = new ReferenceFlows(lt, by, bidi);
            FlowCounter c = FlowCounter.builder().expression(expr).linkType(lt).by(by).bidirectional(bidi)
                    .maxFlows(maxFlows).engine(engine).onEvict(evicted::add).build();
            while (r.next()) {
                Packet p = r.packet();
                byte[] bytes = p.copyBytes();
                c.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
                if (match == null || match.matches(bytes, 0, bytes.length, p.wireLen())) {
                    ref.add(bytes, p.wireLen(), p.timestampNanos());
                }
            }
            List<FlowRecord> table = c.table().snapshot();
            c.close();
            return new Run(table, evicted, ref.records(), c, ref.notIp);
        }
    }

    static void assertSameFlows(List<FlowRecord> expected, List<FlowRecord> actual, String what) {
        Comparator<FlowRecord> byId = Comparator.comparing(FlowRecord::id);
        List<FlowRecord> e = new ArrayList<>(expected);
        List<FlowRecord> a = new ArrayList<>(actual);
        e.sort(byId);
        a.sort(byId);
        assertEquals(e.size(), a.size(), what + ": number of flows");
        for (int i = 0; i < e.size(); i++) {
            assertEquals(e.get(i).toString(), a.get(i).toString(), what + ": flow " + i);
        }
    }

    static Stream<Arguments> generated() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(PCAPS)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).sorted().toList()) {
                for (Aggregation by : Aggregation.values()) {
                    out.add(Arguments.of(f.getFileName().toString(), by, true));
                }
                out.add(Arguments.of(f.getFileName().toString(), Aggregation.FIVE_TUPLE, false));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} --by {1} bidi={2}")
    @MethodSource("generated")
    void generatedCapturesMatchTheReference(String file, Aggregation by, boolean bidi) throws Exception {
        Run run = run(PCAPS.resolve(file), null, by, bidi, FlowCounter.DEFAULT_MAX_FLOWS, Engine.AUTO);
        assertSameFlows(run.reference(), run.table(), file + " " + by);
        assertEquals(0, run.counter().tally(FlowCounter.Tally.LOST));
        assertEquals(run.refNotIp(), run.counter().tally(FlowCounter.Tally.NOT_IP), "non-IP packets");
    }

    @Test
    void interpreterAgreesWithTheJit() throws Exception {
        for (String f : List.of("mixed-ether.pcap", "mixed-sll2.pcap")) {
            Run jit = run(PCAPS.resolve(f), "ip or ip6", Aggregation.FIVE_TUPLE, true, 1000, Engine.JIT);
            Run interp = run(PCAPS.resolve(f), "ip or ip6", Aggregation.FIVE_TUPLE, true, 1000, Engine.INTERPRETER);
            assertSameFlows(interp.table(), jit.table(), f);
            assertSameFlows(jit.reference(), jit.table(), f);
        }
    }

    @Test
    void filterSelectsThePacketsCounted() throws Exception {
        for (String expr : List.of("tcp", "udp port 53", "ip6", "icmp or icmp6", "vlan", "ip[6:2] & 0x3fff != 0")) {
            Run run = run(PCAPS.resolve("mixed-ether.pcap"), expr, Aggregation.FIVE_TUPLE, true, 100000, Engine.AUTO);
            assertSameFlows(run.reference(), run.table(), expr);
            assertTrue(run.counter().tally(FlowCounter.Tally.MATCHED) < run.counter().tally(FlowCounter.Tally.SEEN),
                    expr + " should reject some packets");
        }
    }

    @Test
    void capturesHaveVlansExtensionHeadersAndFragments() throws Exception {
        Run run = run(PCAPS.resolve("mixed-ether.pcap"), null, Aggregation.FIVE_TUPLE, true, 100000, Engine.AUTO);
        assertTrue(run.table().stream().anyMatch(r -> r.vlan() != 0), "a VLAN flow");
        Run frag = run(PCAPS.resolve("mixed-ether.pcap"), "ip[6:2] & 0x1fff != 0 or ip6[6] == 44",
                Aggregation.FIVE_TUPLE, true, 100000, Engine.AUTO);
        assertTrue(frag.table().stream().anyMatch(r -> r.origPort() != 0), "later fragments attributed to ports");
        Run ext = run(PCAPS.resolve("mixed-ether.pcap"), "ip6[6] == 0 or ip6[6] == 60", Aggregation.FIVE_TUPLE, true,
                100000, Engine.AUTO);
        assertTrue(ext.table().stream().anyMatch(r -> r.proto() == 6 || r.proto() == 17 || r.proto() == 58),
                "transport found behind IPv6 extension headers");
    }

    /** The bounded-heap top-N gives the same figures, in the same order, as sorting every decoded flow. */
    @Test
    void topMatchesAFullSort() throws Exception {
        try (PcapReader r = PcapReader.open(PCAPS.resolve("mixed-ether.pcap"));
                FlowCounter c = FlowCounter.builder().linkType(r.linkType()).build()) {
            while (r.next()) {
                Packet p = r.packet();
                c.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
            }
            for (FlowRecord.Order order : FlowRecord.Order.values()) {
                List<FlowRecord> all = c.table().snapshot();
                all.sort(order.comparator());
                List<FlowRecord> top = c.table().top(10, order);
                assertEquals(10, top.size());
                for (int i = 0; i < 10; i++) {
                    assertEquals(figure(order, all.get(i)), figure(order, top.get(i)), order + " rank " + i);
                }
            }
        }
    }

    private static double figure(FlowRecord.Order order, FlowRecord r) {
        return switch (order) {
            case PACKETS -> r.packets();
            case BYTES -> r.ipBytes();
            case DURATION -> r.durationNanos();
            case RATE -> r.rate();
        };
    }

    /** More flows than --max-flows: table plus evicted records add up to the reference, flow by flow. */
    @Test
    void evictionLosesNoPacket() throws Exception {
        for (int max : new int[] {1, 7, 40}) {
            Run run = run(PCAPS.resolve("mixed-ether-ns.pcapng"), null, Aggregation.FIVE_TUPLE, true, max,
                    Engine.AUTO);
            assertTrue(run.table().size() <= max, "table within --max-flows " + max);
            assertTrue(run.counter().tally(FlowCounter.Tally.EVICTED) > 0, "some evictions at " + max);
            assertEquals(run.evicted().size(), run.counter().tally(FlowCounter.Tally.EVICTED));
            Map<String, long[]> sum = new HashMap<>();
            for (List<FlowRecord> part : List.of(run.table(), run.evicted())) {
                for (FlowRecord r : part) {
                    String k = canonical(r);
                    long[] s = sum.computeIfAbsent(k, x -> new long[3]);
                    s[0] += r.packets();
                    s[1] += r.ipBytes();
                    s[2] += r.wireBytes();
                }
            }
            Map<String, long[]> want = new HashMap<>();
            for (FlowRecord r : run.reference()) {
                want.put(canonical(r), new long[] {r.packets(), r.ipBytes(), r.wireBytes()});
            }
            assertEquals(want.size(), sum.size(), "flows at max " + max);
            for (String k : want.keySet()) {
                assertTrue(sum.containsKey(k), k + " missing at max " + max);
            }
            for (String k : want.keySet()) {
                assertEquals(List.of(want.get(k)[0], want.get(k)[1], want.get(k)[2]),
                        List.of(sum.get(k)[0], sum.get(k)[1], sum.get(k)[2]), k + " at max " + max);
            }
        }
    }

    /**
     * A generated capture of many more flows than --max-flows (about 3,000 against 64, 512 and 2,048), with and
     * without a filter: the table stays within the bound, evicted records and the table add up to every matched
     * packet and byte, and each flow (its pieces summed) equals the reference's.
     */
    @Test
    void manyMoreFlowsThanTheBoundLoseNoPacket(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("many-flows.pcap");
        GenerateCapture.write(new GenerateCapture.Options(20_000, 7, 1, "pcap", ByteOrder.LITTLE_ENDIAN,
                file.toString(), 3_000));
        for (String expr : new String[] {null, "tcp or udp"}) {
            for (int max : new int[] {64, 512, 2048}) {
                String what = (expr == null ? "all" : expr) + " at --max-flows " + max;
                Run run = run(file, expr, Aggregation.FIVE_TUPLE, true, max, Engine.AUTO);
                FlowCounter c = run.counter();
                assertTrue(run.table().size() <= max, what + ": table within the bound");
                assertTrue(c.tally(FlowCounter.Tally.EVICTED) > 0, what + ": some evictions");
                assertEquals(run.evicted().size(), c.tally(FlowCounter.Tally.EVICTED), what + ": evicted records");
                assertEquals(0, c.tally(FlowCounter.Tally.LOST), what + ": lost");
                long packets = 0;
                long wire = 0;
                for (List<FlowRecord> part : List.of(run.table(), run.evicted())) {
                    for (FlowRecord r : part) {
                        packets += r.packets();
                        wire += r.wireBytes();
                    }
                }
                assertEquals(c.tally(FlowCounter.Tally.MATCHED) - c.tally(FlowCounter.Tally.NOT_IP), packets,
                        what + ": table + evicted = matched IP packets");
                assertEquals(c.tally(FlowCounter.Tally.COUNTED_BYTES), wire, what + ": wire bytes");
                assertEquals(sums(run.reference()), sums(run.table(), run.evicted()), what + ": per flow");
            }
        }
    }

    @SafeVarargs
    static Map<String, List<Long>> sums(List<FlowRecord>... parts) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (List<FlowRecord> part : parts) {
            for (FlowRecord r : part) {
                out.merge(canonical(r), List.of(r.packets(), r.ipBytes(), r.wireBytes()),
                        (x, y) -> List.of(x.get(0) + y.get(0), x.get(1) + y.get(1), x.get(2) + y.get(2)));
            }
        }
        return out;
    }

    private static String canonical(FlowRecord r) {
        String a = r.origHost() + ":" + r.origPort();
        String b = r.respHost() + ":" + r.respPort();
        return r.family() + "/" + r.proto() + "/" + r.vlan() + "/" + (a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a);
    }

    /** A sample of the shared captures (every 8th file of the manifest), when present. */
    @Test
    void sharedCapturesMatchTheReference() throws Exception {
        String shared = System.getProperty("weir.sharedDir");
        Assumptions.assumeTrue(shared != null && Files.isDirectory(Path.of(shared, "pcaps")),
                "weir.sharedDir not set or has no pcaps/: shared captures skipped");
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(shared, "pcaps"))) {
            files = s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().toList();
        }
        int checked = 0;
        for (int i = 0; i < files.size(); i += 8) {
            Path f = files.get(i);
            int lt;
            try (PcapReader r = PcapReader.open(f)) {
                lt = r.linkType();
            } catch (IOException | RuntimeException e) {
                continue;   // not a capture Weir reads: the capture module's tests cover those
            }
            if (!FlowProgram.supportsLinkType(lt) || !FilterCompiler.supportsLinkType(lt)) {
                continue;
            }
            Run run;
            try {
                run = run(f, null, Aggregation.FIVE_TUPLE, true, FlowCounter.DEFAULT_MAX_FLOWS, Engine.AUTO);
            } catch (IOException e) {
                continue;   // truncated or damaged file
            }
            assertSameFlows(run.reference(), run.table(), f.getFileName().toString());
            checked++;
        }
        assertTrue(checked > 0, "no shared capture was checked");
    }
}
