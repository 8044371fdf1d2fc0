package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.Engines;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The JIT's cheap map paths, against the interpreter: a direct lookup takes its key from the local that kept
 * the stack store that wrote it ({@link MapSites#keyFrom}) only when that store is still what the stack holds,
 * and a map closed after HotSpot compiled the program still faults (a call) or falls back to the generic path
 * (a value access) as on the interpreter.
 */
class JitMapFastPathTest {
    private static final long SEED = Long.getLong("weir.seed", 0x7E1_F0A2L);

    /** Name, key size, the code between reading the packet (r6: byte 4, r9: ctx) and the lookup, key offset, forwarded. */
    private static final Object[][] KEY_CASES = {
        {"stxw then lookup", 4, "stxw [%r10-4], %r6", -4, true},
        {"immediate store", 4, "stw [%r10-4], 5", -4, true},
        {"register changed after the store", 4, "stxw [%r10-4], %r6\nmov %r6, 9", -4, true},
        {"2-byte key", 2, "stxh [%r10-2], %r6", -2, true},
        {"1-byte key", 1, "stxb [%r10-1], %r6", -1, true},
        {"8-byte key", 8, "stxdw [%r10-8], %r6", -8, true},
        {"4-byte key at the start of an 8-byte store", 4, "stxdw [%r10-8], %r6", -8, true},
        {"4-byte key in the upper half of an 8-byte store", 4,
            "mov %r7, %r6\nlsh %r7, 32\nstxdw [%r10-8], %r7", -4, false},
        {"first byte overwritten", 4, "stxw [%r10-4], %r6\nstb [%r10-4], 3", -4, false},
        {"inner byte overwritten", 4, "stxw [%r10-4], %r6\nstb [%r10-3], 1", -4, false},
        {"store too narrow for the key", 4, "stw [%r10-4], 0\nstxh [%r10-4], %r6", -4, false},
        {"overwritten through a copy of r10", 4, "stxw [%r10-4], %r6\nmov %r3, %r10\nstw [%r3-4], 6", -4, false},
        {"atomic add on the key", 4, "stxw [%r10-4], %r6\nmov %r3, 1\nlock add32 [%r10-4], %r3", -4, false},
        {"a helper writes the key", 4, "stxw [%r10-4], %r6\nmov %r1, %r9\nmov %r2, 0\nmov %r3, %r10\n"
            + "add %r3, -4\nmov %r4, 4\ncall 26", -4, false},
        {"a jump target between", 4, "stxw [%r10-4], %r6\njeq %r6, 1, join\nstw [%r10-4], 9\njoin:", -4, false},
        {"another store between", 4, "stxw [%r10-4], %r6\nstw [%r10-8], 7", -4, true},
    };

    private static String keyProgram(String body, int keyOff) {
        return String.join("\n",
                "mov %r9, %r1",
                "ldxw %r2, [%r1+76]",
                "ldxw %r3, [%r1+80]",
                "mov %r4, %r2",
                "add %r4, 8",
                "jgt %r4, %r3, out",
                "ldxb %r6, [%r2+4]",
                body,
                "lddw %r1, map_by_fd(0)",
                "mov %r2, %r10",
                "add %r2, " + keyOff,
                "call 1",
                "jeq %r0, 0, miss",
                "ldxdw %r0, [%r0+0]",
                "exit",
                "miss:",
                "mov %r0, 1",
                "exit",
                "out:",
                "mov %r0, 0",
                "exit");
    }

    /** A hash map of {@code keySize}-byte keys 0..1023, each with value {@code key * 10 + 7}. */
    private static BpfMap keyMap(int keySize) {
        BpfMap m = new MapSpec("keys", MapType.HASH, keySize, 8, 2048, 0).create();
        for (int k = 0; k < (keySize == 1 ? 256 : 1024); k++) {
            byte[] key = new byte[keySize];
            for (int b = 0; b < Math.min(keySize, 4); b++) {
                key[b] = (byte) (k >>> (8 * b));
            }
            byte[] value = new byte[8];
            long v = k * 10L + 7;
            for (int b = 0; b < 8; b++) {
                value[b] = (byte) (v >>> (8 * b));
            }
            m.update(key, value, BpfMap.BPF_ANY);
        }
        return m;
    }

    @TestFactory
    Stream<DynamicTest> keysFromStoresMatchTheInterpreter() {
        return Stream.of(KEY_CASES).map(c -> DynamicTest.dynamicTest((String) c[0], () -> {
            int keySize = (Integer) c[1];
            int keyOff = (Integer) c[3];
            try (BpfMap m = keyMap(keySize)) {
                Program p = MapLinker.link(Assembler.assemble(keyProgram((String) c[2], keyOff),
                        ProgramType.SOCKET), List.of(m));
                JitPlan plan = new JitPlan(p, MapHelpers.table(), Engines.DEFAULT_BUDGET, MemoryFacts.NONE,
                        Integer.MAX_VALUE);
                int lookup = lookupIndex(plan);
                assertEquals(c[4], plan.maps.keyFrom[lookup] >= 0, "key forwarded");
                EbpfInterpreter interp = new EbpfInterpreter(p, MapHelpers.table(), Engines.DEFAULT_BUDGET);
                JitProgram jit = JitCompiler.compile(p, MapHelpers.table(), Engines.DEFAULT_BUDGET);
                Random r = new Random(SEED);
                for (int n = 0; n < 300; n++) {
                    byte[] pkt = new byte[8 + r.nextInt(4)];
                    pkt[0] = (byte) r.nextInt(8);
                    pkt[4] = (byte) r.nextInt(16);
                    assertEquals(interp.run(pkt, 0, pkt.length, pkt.length), jit.run(pkt, 0, pkt.length, pkt.length),
                            "packet " + n + " (seed " + SEED + ")");
                }
            }
        }));
    }

    private static int lookupIndex(JitPlan plan) {
        for (int k = 0; k < plan.n; k++) {
            Insn i = plan.insns[k];
            if (i.op().form() == io.weir.engine.ebpf.Opcode.Form.CALL_HELPER && i.imm() == 1) {
                return k;
            }
        }
        throw new AssertionError("no lookup");
    }

    /** Runs {@code jit} often enough for HotSpot to compile it (and for any check it could drop to be dropped). */
    private static void warm(JitProgram jit, byte[] pkt) {
        for (int n = 0; n < 40_000; n++) {
            jit.run(pkt, 0, pkt.length, pkt.length);
        }
    }

    @Test
    void aMapClosedAfterManyRunsFaultsAsOnTheInterpreter() {
        BpfMap m = new MapSpec("m", MapType.HASH, 4, 8, 16, 0).create();
        Program p = MapLinker.link(Assembler.assemble(JitMapCallTest.counter(4), ProgramType.SOCKET), List.of(m));
        EbpfInterpreter interp = new EbpfInterpreter(p, MapHelpers.table(), 1_000_000);
        JitProgram jit = JitCompiler.compile(p, MapHelpers.table(), 1_000_000);
        byte[] pkt = {1, 2, 3, 4, 5, 6, 7, 8};
        warm(jit, pkt);
        m.close();
        EbpfRuntimeException a = assertThrows(EbpfRuntimeException.class, () -> interp.run(pkt, 0, 8, 8));
        EbpfRuntimeException b = assertThrows(EbpfRuntimeException.class, () -> jit.run(pkt, 0, 8, 8));
        assertEquals(a.getMessage(), b.getMessage());
        assertTrue(a.getMessage().contains("is not a key/value map"), a.getMessage());
    }

    @Test
    void aValueReadAfterItsMapClosedTakesTheGenericPath() {
        BpfMap m = new MapSpec("g", MapType.ARRAY, 4, 8, 1, 0).create();
        m.update(new byte[4], new byte[] {42, 0, 0, 0, 0, 0, 0, 0}, BpfMap.BPF_ANY);
        Program p = MapLinker.link(Assembler.assemble("lddw %r1, map_val_by_fd(0,0)\nldxdw %r0, [%r1+0]\nexit",
                ProgramType.SOCKET), List.of(m));
        EbpfInterpreter interp = new EbpfInterpreter(p, MapHelpers.table(), 1_000_000);
        JitProgram jit = JitCompiler.compile(p, MapHelpers.table(), 1_000_000);
        byte[] pkt = new byte[8];
        assertEquals(42, jit.run(pkt, 0, 8, 8));
        warm(jit, pkt);
        m.close();
        assertSame(() -> interp.run(pkt, 0, 8, 8), () -> jit.run(pkt, 0, 8, 8));
        // A map made after the close may take the freed region id: both engines then read it alike.
        try (BpfMap next = new MapSpec("h", MapType.ARRAY, 4, 8, 1, 0).create()) {
            next.update(new byte[4], new byte[] {9, 0, 0, 0, 0, 0, 0, 0}, BpfMap.BPF_ANY);
            assertSame(() -> interp.run(pkt, 0, 8, 8), () -> jit.run(pkt, 0, 8, 8));
        }
    }

    /** Both give the same value, or both fail with the same message. */
    private static void assertSame(Supplier<Long> expected, Supplier<Long> actual) {
        String a;
        String b;
        try {
            a = "value " + expected.get();
        } catch (EbpfRuntimeException e) {
            a = "fault " + e.getMessage();
        }
        try {
            b = "value " + actual.get();
        } catch (EbpfRuntimeException e) {
            b = "fault " + e.getMessage();
        }
        assertEquals(a, b);
    }
}
