package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JIT's direct map code ({@link MapSites}, {@link MapEmitter}): which calls and accesses it takes, and that
 * a program using maps has the same results, map contents and faults on the JIT as on the interpreter, for every
 * map type and key size, with guesses right and wrong.
 */
class JitMapCallTest {
    private static final long SEED = Long.getLong("weir.seed", 0x3A9_C411L);

    /**
     * Counts per key: lookup, insert with NOEXIST when missing, look up again, atomic add (the bench program). A
     * key of more than 8 bytes lies at r10-64 (zeroed, its first word from the packet), as a flow key would.
     */
    static String counter(int keySize) {
        String ld = switch (keySize) {
            case 1, 3 -> "ldxb";
            case 2 -> "ldxh";
            case 4 -> "ldxw";
            default -> "ldxdw";
        };
        String st = "stx" + ld.substring(3);
        int keyOff = keySize <= 8 ? -8 : -64;
        StringBuilder zero = new StringBuilder();
        for (int w = 0; keySize > 8 && w < (keySize + 7) / 8; w++) {
            zero.append("stdw [%r10").append(keyOff + 8 * w).append("], 0\n");
        }
        return zero + String.join("\n",
                "ldxw %r2, [%r1+76]",
                "ldxw %r3, [%r1+80]",
                "mov %r4, %r2",
                "add %r4, 8",
                "jgt %r4, %r3, out",
                ld + " %r2, [%r2+0]",
                "and %r2, 7",
                st + " [%r10" + keyOff + "], %r2",
                "lddw %r1, map_by_fd(0)",
                "mov %r2, %r10",
                "add %r2, " + keyOff,
                "call 1",
                "jne %r0, 0, found",
                "stdw [%r10-16], 0",
                "lddw %r1, map_by_fd(0)",
                "mov %r2, %r10",
                "add %r2, " + keyOff,
                "mov %r3, %r10",
                "add %r3, -16",
                "mov %r4, 1",
                "call 2",
                "lddw %r1, map_by_fd(0)",
                "mov %r2, %r10",
                "add %r2, " + keyOff,
                "call 1",
                "jeq %r0, 0, out",
                "found:",
                "mov %r1, 3",
                "lock add [%r0+0], %r1",
                "mov %r1, 1",
                "lock fetch add32 [%r0+4], %r1",
                "ldxdw %r0, [%r0+0]",
                "exit",
                "out:",
                "mov %r0, 0",
                "exit");
    }

    /** Two maps; the value pointer used at the end is map 0's or map 1's depending on the packet (wrong guesses). */
    static final String TWO_MAPS = String.join("\n",
            "ldxw %r2, [%r1+76]",
            "ldxw %r3, [%r1+80]",
            "mov %r4, %r2",
            "add %r4, 4",
            "jgt %r4, %r3, out",
            "ldxb %r8, [%r2+0]",
            "stw [%r10-4], 1",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "call 1",
            "jeq %r0, 0, out",
            "mov %r6, %r0",
            "lddw %r1, map_by_fd(1)",
            "mov %r2, %r10",
            "add %r2, -4",
            "call 1",
            "jeq %r0, 0, out",
            "mov %r7, %r0",
            "jgt %r8, 127, use6",
            "mov %r6, %r7",
            "use6:",
            "mov %r0, 0",
            "mov %r1, 5",
            "lock cmpxchg [%r6+0], %r1",
            "stxw [%r6+4], %r8",
            "lock xchg [%r6+0], %r8",
            "ldxdw %r0, [%r6+0]",
            "add %r0, %r8",
            "exit",
            "out:",
            "mov %r0, 0",
            "exit");

    static Stream<Arguments> counters() {
        List<Arguments> out = new ArrayList<>();
        for (MapType t : new MapType[] {MapType.HASH, MapType.LRU_HASH, MapType.PERCPU_HASH}) {
            for (int k : new int[] {1, 2, 3, 4, 8, 16, 40}) {
                out.add(Arguments.of(t, k));
            }
        }
        out.add(Arguments.of(MapType.ARRAY, 4));
        out.add(Arguments.of(MapType.PERCPU_ARRAY, 4));
        return out.stream();
    }

    private static Map<String, String> contents(BpfMap m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(HexFormat.of().formatHex(k), HexFormat.of().formatHex(v)));
        return out;
    }

    private static Program program(String text, List<BpfMap> maps) {
        return MapLinker.link(Assembler.assemble(text, ProgramType.SOCKET), maps);
    }

    @ParameterizedTest(name = "{0}, key {1}")
    @MethodSource("counters")
    void counterAgreesWithTheInterpreter(MapType type, int keySize) {
        // Max 5 entries for 8 keys: hashes fill up (E2BIG, the second lookup misses), LRUs evict.
        int max = type.isArray() ? 6 : 5;
        try (BpfMap a = new MapSpec("m", type, keySize, 8, max, 0).create();
                BpfMap b = new MapSpec("m", type, keySize, 8, max, 0).create()) {
            EbpfInterpreter interp = new EbpfInterpreter(program(counter(keySize), List.of(a)), MapHelpers.table(),
                    1_000_000);
            JitProgram jit = JitCompiler.compile(program(counter(keySize), List.of(b)), MapHelpers.table(), 1_000_000);
            Random r = new Random(SEED ^ type.code() ^ keySize);
            for (int n = 0; n < 400; n++) {
                byte[] p = new byte[r.nextInt(12)];
                r.nextBytes(p);
                assertEquals(interp.run(p, 0, p.length, p.length), jit.run(p, 0, p.length, p.length),
                        "packet " + n + " (seed " + SEED + ")");
            }
            assertEquals(contents(a), contents(b), "seed " + SEED);
        }
    }

    @Test
    void directPathsAreTakenWhereTheyApply() {
        try (BpfMap m = new MapSpec("m", MapType.HASH, 4, 8, 16, 0).create()) {
            Program p = program(counter(4), List.of(m));
            JitPlan plan = new JitPlan(p, MapHelpers.table(), 1_000, MemoryFacts.NONE, Integer.MAX_VALUE);
            int calls = 0;
            for (int k = 0; k < p.size(); k++) {
                if (plan.maps.callMap[k] != null) {
                    calls++;
                    assertSame(m, plan.maps.callMap[k]);
                    if (p.insn(k).imm() == 1) {
                        assertEquals(-8, plan.maps.keyOff[k], "the key is read from the stack array");
                    }
                }
            }
            assertEquals(3, calls, "two lookups and an update");
            long guessed = Stream.of(plan.maps.valueMap).filter(x -> x == m).count();
            assertEquals(3, guessed, "the two atomics and the load of the value");
            assertEquals(List.of(m), plan.maps.maps);
        }
    }

    @Test
    void anotherHelperTableIsNotBypassed() {
        try (BpfMap m = new MapSpec("m", MapType.HASH, 4, 8, 16, 0).create()) {
            Program p = program(counter(4), List.of(m));
            // The same ids bound to other code: the JIT must call the table, not the map.
            io.weir.engine.ebpf.HelperTable other = io.weir.engine.ebpf.HelperTable.empty()
                    .with(1, "lookup", (r1, r2, r3, r4, r5, mem) -> 0)
                    .with(2, "update", (r1, r2, r3, r4, r5, mem) -> 0);
            JitPlan plan = new JitPlan(p, other, 1_000, MemoryFacts.NONE, Integer.MAX_VALUE);
            assertTrue(Stream.of(plan.maps.callMap).allMatch(x -> x == null));
            Filter f = JitCompiler.compile(p, other, 1_000);
            byte[] pkt = {1, 2, 3, 4, 5, 6, 7, 8};
            assertEquals(0, f.run(pkt, 0, 8, 8));
            assertEquals(0, m.size());
        }
    }

    @Test
    void wrongGuessesTakeTheGenericPath() {
        try (BpfMap a0 = new MapSpec("a", MapType.ARRAY, 4, 8, 2, 0).create();
                BpfMap a1 = new MapSpec("b", MapType.HASH, 4, 8, 2, 0).create();
                BpfMap b0 = new MapSpec("a", MapType.ARRAY, 4, 8, 2, 0).create();
                BpfMap b1 = new MapSpec("b", MapType.HASH, 4, 8, 2, 0).create()) {
            byte[] one = {1, 0, 0, 0};
            byte[] v = new byte[8];
            a1.update(one, v, BpfMap.BPF_ANY);
            b1.update(one, v, BpfMap.BPF_ANY);
            EbpfInterpreter interp = new EbpfInterpreter(program(TWO_MAPS, List.of(a0, a1)), MapHelpers.table(),
                    1_000_000);
            JitProgram jit = JitCompiler.compile(program(TWO_MAPS, List.of(b0, b1)), MapHelpers.table(), 1_000_000);
            Random r = new Random(SEED);
            for (int n = 0; n < 200; n++) {
                byte[] p = new byte[4 + r.nextInt(4)];
                r.nextBytes(p);
                assertEquals(interp.run(p, 0, p.length, p.length), jit.run(p, 0, p.length, p.length),
                        "packet " + n + " (seed " + SEED + ")");
            }
            assertEquals(contents(a0), contents(b0));
            assertEquals(contents(a1), contents(b1));
        }
    }

    @Test
    void aClosedMapFaultsAlikeOnBothEngines() {
        BpfMap m = new MapSpec("m", MapType.HASH, 4, 8, 16, 0).create();
        Program p = program(counter(4), List.of(m));
        EbpfInterpreter interp = new EbpfInterpreter(p, MapHelpers.table(), 1_000_000);
        JitProgram jit = JitCompiler.compile(p, MapHelpers.table(), 1_000_000);
        m.close();
        byte[] pkt = {1, 2, 3, 4, 5, 6, 7, 8};
        EbpfRuntimeException a = assertThrows(EbpfRuntimeException.class, () -> interp.run(pkt, 0, 8, 8));
        EbpfRuntimeException b = assertThrows(EbpfRuntimeException.class, () -> jit.run(pkt, 0, 8, 8));
        assertEquals(a.getMessage(), b.getMessage());
        assertTrue(a.getMessage().contains("is not a key/value map"), a.getMessage());
    }
}
