package io.weir.compiler.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterSyntaxException;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.Opcode;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import io.weir.engine.verifier.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three forms a consumer runs a set filter in ({@link CompiledFilter}): loaded on its own, embedded after
 * three maps of another program ({@link CompiledFilter#program(int)}, as the flow counter does), and decoded
 * from {@link CompiledFilter#encode()} in place of a fresh compile (as Spark executors do). Each must return, on
 * every generated packet, what a plain Java check of the same set says. Seeded: the seed is in each message.
 */
class CompiledFilterFormsTest {
    private static final long SEED = 0x5e75L;
    private static final int HOSTS = 5_000;
    private static final int PORTS = 300;

    @TempDir
    static Path dir;

    /** The expression, the oracle on (src, dst, sport, dport). */
    private record Case(String expr, Predicate<int[]> oracle) {
    }

    private static Set<Integer> hosts;
    private static Set<Integer> ports;

    private static synchronized void sets() throws IOException {
        if (hosts != null) {
            return;
        }
        Random r = new Random(SEED);
        hosts = new HashSet<>();
        List<String> lines = new ArrayList<>(List.of("# CompiledFilterFormsTest, seed " + SEED));
        while (hosts.size() < HOSTS) {
            int a = 0x0a000000 | r.nextInt(1 << 16);   // 10.0.0.0/16: dense enough that packets hit
            if (hosts.add(a)) {
                lines.add(SetFixtures.ip(a));
            }
        }
        Files.write(dir.resolve("hosts.txt"), lines);
        ports = new HashSet<>();
        while (ports.size() < PORTS) {
            ports.add(1 + r.nextInt(2000));
        }
    }

    private static List<Case> cases() {
        StringBuilder p = new StringBuilder();
        for (int port : ports) {
            p.append(p.length() == 0 ? "" : ", ").append(port);
        }
        return List.of(
                new Case("host in @hosts.txt", v -> hosts.contains(v[0]) || hosts.contains(v[1])),
                new Case("src host in @hosts.txt and udp", v -> hosts.contains(v[0])),
                new Case("not dst host in @hosts.txt", v -> !hosts.contains(v[1])),
                new Case("udp dst port in {" + p + "}", v -> ports.contains(v[3])),
                new Case("dst host in @hosts.txt and port in {" + p + "}",
                        v -> hosts.contains(v[1]) && (ports.contains(v[2]) || ports.contains(v[3]))));
    }

    private static CompiledFilter compile(String expr) throws FilterSyntaxException {
        return EbpfCompiler.compile(expr, 1, 262144, CompileOptions.DEAD, dir, 64);
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"INTERPRETER", "JIT"})
    void everyFormAgreesWithAJavaCheck(Engine engine) throws Exception {
        sets();
        for (Case c : cases()) {
            CompiledFilter spec = compile(c.expr);
            assertTrue(spec.usesMaps(), c.expr);
            CompiledFilter decoded = CompiledFilter.decode(spec.encode());
            assertEquals(spec.program(), decoded.program(), c.expr);
            assertEquals(spec.tableCount(), decoded.tableCount(), c.expr);
            try (LoadedFilter fresh = spec.load(engine); LoadedFilter shipped = decoded.load(engine);
                    Embedded embedded = new Embedded(spec, engine)) {
                check(c, List.of(fresh, shipped, embedded.filter), List.of("fresh", "decoded", "embedded"));
            }
        }
    }

    private static void check(Case c, List<Filter> filters, List<String> names) {
        Random r = new Random(SEED ^ c.expr.hashCode());
        int matched = 0;
        for (int i = 0; i < 4000; i++) {
            int[] v = {0x0a000000 | r.nextInt(1 << 16), 0x0a000000 | r.nextInt(1 << 16), 1 + r.nextInt(2000),
                1 + r.nextInt(2000)};
            byte[] frame = SetFixtures.udp4(v[0], v[1], v[2], v[3]);
            boolean want = c.oracle.test(v);
            matched += want ? 1 : 0;
            for (int f = 0; f < filters.size(); f++) {
                boolean got = filters.get(f).run(frame, 0, frame.length, frame.length) != 0;
                assertEquals(want, got, names.get(f) + " '" + c.expr + "' on " + Arrays.toString(v) + " (seed "
                        + SEED + ", packet " + i + ")");
            }
        }
        assertTrue(matched > 20 && matched < 3980, "'" + c.expr + "' matched " + matched + " of 4000: a weak test");
    }

    /** The filter embedded after three maps of an enclosing program, as {@code FlowCounter} links it. */
    private static final class Embedded implements AutoCloseable {
        final List<BpfMap> maps = new ArrayList<>();
        final Filter filter;

        Embedded(CompiledFilter spec, Engine engine) {
            Verifier.Options o = Verifier.Options.DEFAULT.withBriefLog();
            for (int fd = 0; fd < 3; fd++) {
                MapSpec own = new MapSpec("own" + fd, MapType.ARRAY, 4, 8, 1, 0);
                maps.add(own.create());
                o = o.withMap(fd, Verifier.MapDef.of(own));
            }
            Program p = spec.program(3);
            new Verifier(spec.withMaps(o, 3)).check(p);
            maps.addAll(spec.createMaps());
            filter = Engines.backend(engine).filter(MapLinker.link(p, maps), MapHelpers.table(),
                    Engines.DEFAULT_BUDGET);
        }

        @Override
        public void close() {
            for (BpfMap m : maps) {
                m.close();
            }
        }
    }

    @Test
    void embeddingMovesEveryMapReferenceAndNothingElse() throws Exception {
        sets();
        CompiledFilter spec = compile(cases().get(4).expr);
        Program at0 = spec.program();
        Program at3 = spec.program(3);
        assertEquals(at0.size(), at3.size());
        int refs = 0;
        for (int i = 0; i < at0.size(); i++) {
            Insn a = at0.insn(i);
            Insn b = at3.insn(i);
            if (a.op().form() == Opcode.Form.LDDW && a.src() == 1) {
                assertEquals(a.imm() + 3, b.imm(), "insn " + i);
                refs++;
            } else {
                assertEquals(a, b, "insn " + i);
            }
        }
        assertEquals(2, spec.tableCount());
        assertTrue(refs >= 2, refs + " map references");
        assertEquals(at0, spec.program(0));
    }

    @Test
    void aFilterWithoutSetsEncodesToo() throws Exception {
        CompiledFilter spec = compile("udp and dst port 53");
        assertFalse(spec.usesMaps());
        CompiledFilter back = CompiledFilter.decode(spec.encode());
        assertFalse(back.usesMaps());
        assertEquals(spec.program(), back.program());
        try (LoadedFilter f = back.load(Engine.INTERPRETER)) {
            byte[] dns = SetFixtures.udp4(0x0a000001, 0x0a000002, 4000, 53);
            byte[] other = SetFixtures.udp4(0x0a000001, 0x0a000002, 4000, 54);
            assertEquals(262144, f.run(dns, 0, dns.length, dns.length));
            assertEquals(0, f.run(other, 0, other.length, other.length));
        }
    }

    /** Corrupt or foreign bytes: an error naming the offset, never a half-made filter. */
    @Test
    void damagedBytesAreLocatedErrors() throws Exception {
        sets();
        byte[] good = compile("src host in @hosts.txt").encode();
        assertTrue(CompiledFilter.isEncoded(good));
        byte[] classic = io.weir.compiler.FilterCompiler.compile("tcp", 1, 262144).encode();
        assertFalse(CompiledFilter.isEncoded(classic), "an encoded classic program is never taken for this form");
        String[][] cases = {
            {"cut", "bytes left"},
            {"trailing", "trailing bytes at offset"},
            {"length", "exceeds the"},
            {"magic", "no 'WBPF' magic"},
        };
        for (String[] c : cases) {
            byte[] b;
            switch (c[0]) {
                case "cut": b = Arrays.copyOf(good, good.length - 3); break;
                case "trailing": b = Arrays.copyOf(good, good.length + 2); break;
                case "length": b = good.clone(); b[8] = (byte) 0xff; b[9] = (byte) 0xff; b[10] = (byte) 0xff; break;
                default: b = classic;
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompiledFilter.decode(b),
                    c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }
}
