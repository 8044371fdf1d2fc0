package io.weir.engine.elf;

import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.elf.TestPackets.Pkt;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import io.weir.engine.maps.RingBuffer;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import io.weir.engine.verifier.VerifierException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs each C fixture on the interpreter over generated packets and compares verdicts, maps and events with the
 * same logic written in plain Java. Each test runs on the checked-in object and on a fresh clang build, each
 * on the interpreter and on the JIT.
 */
class ElfProgramsTest {
    private static final long SEED = 0xE1F_2026L;

    @TempDir
    Path tmp;

    /** Checked-in and fresh objects, on the interpreter and on the JIT. */
    static Stream<Arguments> builds() {
        return Stream.of(Arguments.of(false, Engine.INTERPRETER), Arguments.of(false, Engine.JIT),
                Arguments.of(true, Engine.INTERPRETER), Arguments.of(true, Engine.JIT));
    }

    private ElfObjectSpec spec(String name, boolean fresh) throws Exception {
        return ElfObjectSpec.read(fresh ? ElfFixtures.compiled(name, tmp) : ElfFixtures.checkedIn(name));
    }

    private static long le(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    /** Every program of every runnable fixture passes the verifier, checked-in and freshly built. */
    @ParameterizedTest(name = "{0}, fresh clang build: {1}")
    @MethodSource("fixtures")
    void everyFixtureProgramVerifies(String name, boolean fresh) throws Exception {
        ElfObjectSpec spec = spec(name, fresh);
        assertFalse(spec.programs().isEmpty());
        for (ElfProgram p : spec.programs()) {
            try {
                VerifiedProgram v = spec.verify(p, Verifier.Options.DEFAULT);
                assertTrue(v.processedInsns() > 0);
            } catch (VerifierException e) {
                fail(name + " " + p.section() + ": " + e.getMessage() + "\n" + e.log());
            }
        }
    }

    /** The leaking fixture loads (its maps are fine) but its program is rejected, naming the reservation. */
    @ParameterizedTest(name = "fresh clang build: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void unreleasedRingBufferRecordIsRejected(boolean fresh) throws Exception {
        ElfObjectSpec spec = spec("ringbuf_leak", fresh);
        ElfProgram p = spec.program(null);
        VerifierException e = assertThrows(VerifierException.class, () -> spec.verify(p, Verifier.Options.DEFAULT));
        assertTrue(e.reason().startsWith("Unreleased reference id=1 alloc_insn="), e.getMessage());
        assertTrue(e.headline().contains(": exit: "), e.headline());
        assertTrue(e.log().contains("call 131"), e.log());
    }

    static Stream<Arguments> fixtures() {
        List<Arguments> out = new ArrayList<>();
        for (String n : List.of("proto_count", "lru_flows", "ringbuf_events", "global_data", "bounded_loop")) {
            out.add(Arguments.of(n, false));
            out.add(Arguments.of(n, true));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "fresh clang build: {0}, engine {1}")
    @MethodSource("builds")
    void protoCountHashMap(boolean fresh, Engine engine) throws Exception {
        ElfObjectSpec spec = spec("proto_count", fresh);
        ElfProgram prog = spec.program(null);
        assertEquals("socket", prog.section());
        assertEquals("count_protocols", prog.name());
        assertEquals(SectionKind.SOCKET, prog.kind());
        MapSpec m = spec.maps().get(0);
        assertEquals(new MapSpec("proto_packets", MapType.HASH, 4, 8, 256, 0, MapSpec.Kind.UNSIGNED,
                MapSpec.Kind.UNSIGNED), m);
        try (BpfObject obj = spec.load()) {
            Filter f = Engines.backend(engine).filter(obj.link(prog), MapHelpers.table(), Engines.DEFAULT_BUDGET);
            Map<Long, Long> expected = new TreeMap<>();
            List<Pkt> pkts = TestPackets.generate(SEED, 2000, 50);
            for (int i = 0; i < pkts.size(); i++) {
                Pkt p = pkts.get(i);
                long want = 0;
                if (p.ipv4() && p.bytes().length >= 24) {
                    expected.merge((long) p.u8(23), 1L, Long::sum);
                    want = p.u8(23) == 6 ? p.wireLen() : 0;
                }
                assertEquals(want, f.run(p.bytes(), 0, p.bytes().length, p.wireLen()), "seed " + SEED + " pkt " + i);
            }
            Map<Long, Long> got = new TreeMap<>();
            obj.map("proto_packets").forEach((k, v) -> got.put(le(k), le(v)));
            assertEquals(expected, got, "seed " + SEED);
        }
    }

    @ParameterizedTest(name = "fresh clang build: {0}, engine {1}")
    @MethodSource("builds")
    void lruFlowsXdp(boolean fresh, Engine engine) throws Exception {
        ElfObjectSpec spec = spec("lru_flows", fresh);
        ElfProgram prog = spec.program("xdp");
        assertEquals(SectionKind.XDP, prog.kind());
        assertEquals(MapType.LRU_HASH, spec.maps().get(0).type());
        assertEquals(8, spec.maps().get(0).keySize(), "struct flow from BTF");
        assertEquals(MapSpec.Kind.BYTES, spec.maps().get(0).keyKind());
        for (int hosts : new int[] {2, 40}) {
            try (BpfObject obj = spec.load()) {
                Filter f = Engines.backend(engine).filter(obj.link(prog), MapHelpers.table(),
                        Engines.DEFAULT_BUDGET);
                Map<Long, Long> flows = new HashMap<>();
                long lastFlow = -1;
                List<Pkt> pkts = TestPackets.generate(SEED + hosts, 1500, hosts);
                for (int i = 0; i < pkts.size(); i++) {
                    Pkt p = pkts.get(i);
                    long want = 2; // XDP_PASS
                    if (p.bytes().length >= 34 && p.ipv4()) {
                        ByteBuffer b = ByteBuffer.wrap(p.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                        lastFlow = (b.getInt(26) & 0xffff_ffffL) | (long) b.getInt(30) << 32;
                        flows.merge(lastFlow, 1L, Long::sum);
                        want = p.u8(23) == 17 ? 1 : 2;
                    }
                    assertEquals(want, f.run(p.bytes(), 0, p.bytes().length, p.wireLen()), "hosts " + hosts + " pkt " + i);
                }
                BpfMap map = obj.map("flows");
                Map<Long, Long> got = new HashMap<>();
                map.forEach((k, v) -> got.put(le(k), le(v)));
                if (flows.size() <= 8) {
                    assertEquals(flows, got, "few flows: exact counts");
                } else {
                    assertEquals(8, map.size(), "a full LRU stays full");
                    assertTrue(got.containsKey(lastFlow), "the most recent flow survives eviction");
                    got.forEach((k, v) -> assertTrue(v <= flows.get(k), "count of an evicted-and-back flow"));
                }
            }
        }
    }

    @ParameterizedTest(name = "fresh clang build: {0}, engine {1}")
    @MethodSource("builds")
    void ringBufferEvents(boolean fresh, Engine engine) throws Exception {
        ElfObjectSpec spec = spec("ringbuf_events", fresh);
        ElfProgram prog = spec.program("socket/events");
        try (BpfObject obj = spec.load()) {
            RingBuffer rb = (RingBuffer) obj.map("events");
            assertEquals(4096, rb.capacity());
            Filter f = Engines.backend(engine).filter(obj.link(prog), MapHelpers.table(), Engines.DEFAULT_BUDGET);
            List<Pkt> pkts = TestPackets.generate(SEED, 1000, 10);
            for (int i = 0; i < pkts.size(); i++) {
                Pkt p = pkts.get(i);
                assertEquals(0xffff_ffffL, f.run(p.bytes(), 0, p.bytes().length, p.wireLen()) & 0xffff_ffffL);
                List<byte[]> got = new ArrayList<>();
                rb.poll(got::add);
                List<String> want = new ArrayList<>();
                boolean ip = p.bytes().length >= 14 && p.ipv4();
                if (!ip) {
                    want.add(p.wireLen() + "/255");
                } else if (p.bytes().length >= 24) {
                    want.add(p.wireLen() + "/" + p.u8(23));
                }
                List<String> seen = new ArrayList<>();
                for (byte[] r : got) {
                    assertEquals(8, r.length);
                    ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
                    seen.add(b.getInt(0) + "/" + (r[4] & 0xff));
                }
                assertEquals(want, seen, "pkt " + i);
            }
            assertEquals(0, rb.dropped());
        }
    }

    @ParameterizedTest(name = "fresh clang build: {0}, engine {1}")
    @MethodSource("builds")
    void globalDataClassifier(boolean fresh, Engine engine) throws Exception {
        ElfObjectSpec spec = spec("global_data", fresh);
        ElfProgram prog = spec.program("classifier");
        assertEquals(SectionKind.CLASSIFIER, prog.kind());
        try (BpfObject obj = spec.load()) {
            List<String> trace = new ArrayList<>();
            Filter f = Engines.backend(engine).filter(obj.link(prog), MapHelpers.table(trace::add),
                    Engines.DEFAULT_BUDGET);
            long drops = 0;
            String firstDrop = null;
            List<Pkt> pkts = TestPackets.generate(SEED, 1500, 10);
            for (int i = 0; i < pkts.size(); i++) {
                Pkt p = pkts.get(i);
                long want = 0;
                if (p.bytes().length >= 38 && p.ipv4() && p.u8(23) == 17 && (p.u8(14) & 0xf) == 5
                        && p.u16(36) == 53) {
                    want = 2;
                    if (drops++ == 0) {
                        firstDrop = "drop udp port 53 len " + p.wireLen();
                    }
                }
                assertEquals(want, f.run(p.bytes(), 0, p.bytes().length, p.wireLen()), "pkt " + i);
            }
            assertTrue(drops > 0);
            assertEquals(List.of(firstDrop), trace);
            assertEquals(1000 + pkts.size(), le(obj.map(".data").lookup(new byte[4])));
            assertEquals(drops, le(obj.map(".bss").lookup(new byte[4])));
            byte[] rodata = obj.map(".rodata").lookup(new byte[4]);
            assertEquals(53, (rodata[0] & 0xff) | (rodata[1] & 0xff) << 8, "blocked_port initialised from .rodata");
        }
    }

    @ParameterizedTest(name = "fresh clang build: {0}, engine {1}")
    @MethodSource("builds")
    void boundedLoopWithLocalCallAndLegacyMap(boolean fresh, Engine engine) throws Exception {
        ElfObjectSpec spec = spec("bounded_loop", fresh);
        ElfProgram prog = spec.program("sum_bytes");
        assertEquals("socket/sum", prog.section());
        assertEquals(new MapSpec("sums", MapType.ARRAY, 4, 8, 2, 0), spec.maps().get(0));
        try (BpfObject obj = spec.load()) {
            Filter f = Engines.backend(engine).filter(obj.link(prog), MapHelpers.table(), Engines.DEFAULT_BUDGET);
            long[] sums = new long[2];
            List<Pkt> pkts = TestPackets.generate(SEED, 1000, 10);
            for (int i = 0; i < pkts.size(); i++) {
                Pkt p = pkts.get(i);
                long sum = 0;
                for (int k = 0; k < Math.min(32, p.bytes().length); k++) {
                    sum += p.u8(k);
                }
                sums[(int) (sum & 1)] += sum;
                long want = (sum & 1) != 0 ? 0 : p.wireLen();
                assertEquals(want, f.run(p.bytes(), 0, p.bytes().length, p.wireLen()), "pkt " + i);
            }
            BpfMap m = obj.map("sums");
            assertEquals(sums[0], le(m.lookup(new byte[] {0, 0, 0, 0})));
            assertEquals(sums[1], le(m.lookup(new byte[] {1, 0, 0, 0})));
        }
    }
}
