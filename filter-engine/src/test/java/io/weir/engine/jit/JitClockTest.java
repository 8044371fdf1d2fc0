package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.maps.PacketClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ktime_get_ns} bound to {@link PacketClock#HELPER} is read straight from the run state's clock slot (no
 * helper table, no memory set-up), with the interpreter's results: the packet time when one is set on the
 * running thread, the monotonic clock otherwise, per thread; in one method and split across chunk methods.
 */
class JitClockTest {
    private static final HelperTable CLOCK = HelperTable.empty().with(5, "ktime_get_ns", PacketClock.HELPER);
    private static final HelperTable OTHER = HelperTable.empty().with(5, "five", (r1, r2, r3, r4, r5, m) -> 5);

    /** r0 = time + first packet byte (a packet read, so the program is a real filter), padded to split. */
    private static Program program(int padding) {
        StringBuilder s = new StringBuilder("mov %r6, %r1\nmov %r7, 0\n");
        for (int i = 0; i < padding; i++) {
            s.append("add %r7, ").append(i % 7).append('\n').append("xor %r7, ").append(i % 5).append('\n');
        }
        s.append(String.join("\n",
                "call 5",
                "ldxw %r2, [%r6+76]",
                "ldxw %r3, [%r6+80]",
                "mov %r4, %r2",
                "add %r4, 1",
                "jgt %r4, %r3, out",
                "ldxb %r2, [%r2+0]",
                "add %r0, %r2",
                "out:",
                "exit"));
        return Assembler.assemble(s.toString(), ProgramType.SOCKET);
    }

    /** name, padding, max chunk bytes (small: split into many methods). */
    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("one method", 0, Integer.MAX_VALUE),
                Arguments.of("split", 200, 600));
    }

    private static long packetTime(Filter f, long nanos, byte[] pkt) {
        PacketClock.setPacketTime(nanos);
        try {
            return f.run(pkt, 0, pkt.length, pkt.length);
        } finally {
            PacketClock.clear();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void readsThePacketTimeOrTheClockLikeTheInterpreter(String name, int padding, int maxChunk) throws Exception {
        Program p = program(padding);
        JitProgram jit = JitCompiler.compile(p, CLOCK, 1_000_000, MemoryFacts.NONE, maxChunk);
        assertEquals(maxChunk == Integer.MAX_VALUE, jit.toString().contains(" in 1 method"), jit.toString());
        EbpfInterpreter interp = new EbpfInterpreter(p, CLOCK, 1_000_000);
        byte[] pkt = {9, 1, 2, 3};
        for (long t : new long[] {0, 1, 1_700_000_000_123_456_789L, -5}) {
            assertEquals(packetTime(interp, t, pkt), packetTime(jit, t, pkt), name + " at " + t);
            assertEquals(t + 9, packetTime(jit, t, pkt), name);
        }
        // A direct buffer goes the runtime's way; the clock is the same.
        ByteBuffer direct = ByteBuffer.allocateDirect(4).put(pkt).flip();
        PacketClock.setPacketTime(77);
        try {
            assertEquals(86, jit.run(direct, 0, 4, 4));
        } finally {
            PacketClock.clear();
        }
        // No packet time: the monotonic clock, read during the run.
        long before = System.nanoTime();
        long live = jit.run(new byte[0], 0, 0, 0);
        long after = System.nanoTime();
        assertTrue(live >= before && live <= after, before + " <= " + live + " <= " + after);
        // Another thread has its own time (its own run state and slot); this thread's stays.
        PacketClock.current().set(1_000);
        AtomicLong other = new AtomicLong();
        Thread th = new Thread(() -> other.set(packetTime(jit, 2_000, pkt)));
        th.start();
        th.join();
        try {
            assertEquals(2_009, other.get());
            assertEquals(1_009, jit.run(pkt, 0, 4, 4));
        } finally {
            PacketClock.current().clear();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void onlyThisHelperObjectIsReadDirectly(String name, int padding, int maxChunk) {
        Program p = program(padding);
        String direct = classText(p, CLOCK, maxChunk);
        assertTrue(direct.contains("PacketClock$Slot"), "the clock slot is read");
        assertFalse(direct.contains("helperAt"), "the helper table is not used");
        String other = classText(p, OTHER, maxChunk);
        assertFalse(other.contains("PacketClock$Slot"));
        assertTrue(other.contains("helperAt"), "another id-5 helper goes through the table");
        assertEquals(5 + 9, JitCompiler.compile(p, OTHER, 1_000_000, MemoryFacts.NONE, maxChunk)
                .run(new byte[] {9}, 0, 1, 1));
    }

    /** The generated class file's bytes as text (its constant pool names what the code references). */
    private static String classText(Program p, HelperTable helpers, int maxChunk) {
        JitPlan plan = new JitPlan(p, helpers, 1_000_000, MemoryFacts.NONE, maxChunk);
        return new String(JitCompiler.generate(plan, "io/weir/engine/jit/ClockProbe"), StandardCharsets.ISO_8859_1);
    }
}
