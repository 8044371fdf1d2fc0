package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Loads, stores, atomics, the context, the legacy packet loads, and the faults of the memory model. */
class EbpfInterpreterMemoryTest {
    private static final byte[] MEM = Run.bytes(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa);

    static Stream<Arguments> loadsAndStores() {
        return Stream.of(
            a("ldxb", "ldxb %r0, [%r1+9]", 0xaaL),
            a("ldxh unaligned", "ldxh %r0, [%r1+1]", 0x3322L),
            a("ldxw", "ldxw %r0, [%r1+2]", 0x6655_4433L),
            a("ldxdw unaligned", "ldxdw %r0, [%r1+1]", 0x9988_7766_5544_3322L),
            a("ldxsb", "ldxsb %r0, [%r1+9]", (long) (byte) 0xaa),
            a("ldxsh", "ldxsh %r0, [%r1+8]", (long) (short) 0xaa99),
            a("ldxsw", "ldxsw %r0, [%r1+6]", (long) 0xaa99_8877),
            a("pointer arithmetic", "add %r1, 8\nldxh %r0, [%r1-2]", 0x8877L),
            a("stxb to memory", "mov %r2, 0x1ff\nstxb [%r1], %r2\nldxb %r0, [%r1]", 0xffL),
            a("stw to stack, read back", "stw [%r10-4], -2\nldxw %r0, [%r10-4]", 0xffff_fffeL),
            a("stdw sign-extends imm", "stdw [%r10-8], -2\nldxdw %r0, [%r10-8]", -2L),
            a("sth truncates", "sth [%r10-2], 0x12345\nldxh %r0, [%r10-2]", 0x2345L),
            a("stack is zeroed", "ldxdw %r0, [%r10-512]", 0L),
            a("lock add", "stdw [%r10-8], 5\nmov %r1, 3\nlock add [%r10-8], %r1\nldxdw %r0, [%r10-8]", 8L),
            a("lock fetch add returns the old value",
                    "stdw [%r10-8], 5\nmov %r1, 3\nlock fetch add [%r10-8], %r1\nmov %r0, %r1", 5L),
            a("lock fetch or32 zero-extends",
                    "stw [%r10-4], -1\nmov %r1, -1\nlock fetch or32 [%r10-4], %r1\nmov %r0, %r1", 0xffff_ffffL),
            a("lock and32 leaves the high bytes",
                    "stdw [%r10-8], -1\nmov %r1, 0\nlock and32 [%r10-8], %r1\nldxdw %r0, [%r10-8]",
                    0xffff_ffff_0000_0000L),
            a("lock xor", "stdw [%r10-8], 6\nmov %r1, 3\nlock xor [%r10-8], %r1\nldxdw %r0, [%r10-8]", 5L),
            a("lock xchg", "stdw [%r10-8], 6\nmov %r1, 3\nlock xchg [%r10-8], %r1\nldxdw %r0, [%r10-8]\n"
                    + "lsh %r0, 8\nor %r0, %r1", 0x306L),
            a("lock cmpxchg32 hits",
                    "stw [%r10-4], 7\nmov %r0, 7\nmov %r1, 9\nlock cmpxchg32 [%r10-4], %r1\nldxw %r0, [%r10-4]",
                    9L),
            a("lock cmpxchg misses, r0 = old",
                    "stdw [%r10-8], 7\nmov %r0, 8\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1", 7L),
            a("ldabsh is big-endian", "ldabsh 1", 0x2233L),
            a("ldindw is big-endian", "mov %r6, 2\nldindw %r6, 4", 0x7788_99aaL),
            a("ldabs out of bounds ends with 0", "mov %r0, 5\nldabsw 8\nmov %r0, 7", 0L),
            a("ldind negative offset ends with 0", "mov %r2, -1\nldindb %r2, 0\nmov %r0, 7", 0L));
    }

    private static Arguments a(String name, String asm, long expected) {
        return Arguments.of(name, asm, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loadsAndStores")
    void memory(String name, String asm, long expected) {
        assertEquals(Long.toHexString(expected), Long.toHexString(Run.raw(asm + "\nexit\n", MEM.clone())), name);
    }

    static Stream<Arguments> faults() {
        return Stream.of(
            a2("read past the memory", "ldxw %r0, [%r1+7]",
                    "insn 0 (r0 = *(u32 *)(r1 + 7)): out-of-bounds read of 4 bytes at packet+7 in memory of length 10"),
            a2("read before the memory", "ldxb %r0, [%r1-1]",
                    "insn 0 (r0 = *(u8 *)(r1 - 1)): out-of-bounds read of 1 bytes at packet-1 in memory of length 10"),
            a2("null pointer", "mov %r1, 0\nldxb %r0, [%r1]",
                    "insn 1 (r0 = *(u8 *)(r1 + 0)): invalid memory read of 1 bytes at 0x0 (not a pointer)"),
            a2("below the stack frame", "stb [%r10-513], 1",
                    "insn 0 (*(u8 *)(r10 - 513) = 1): out-of-bounds write of 1 bytes at stack+3583 in stack frame 0"
                            + " (r10 - 513)"),
            a2("above the stack", "ldxh %r0, [%r10-1]",
                    "insn 0 (r0 = *(u16 *)(r10 - 1)): out-of-bounds read of 2 bytes at stack+4095 in stack frame 0"
                            + " (r10 - 1)"),
            a2("endless loop", "loop:\nja loop", "insn 0 (goto -1): instruction budget of 1000000 exceeded"),
            a2("fall off the end", "mov %r0, 1", "insn 0 (r0 = 1): fell off the end of the program"),
            a2("unknown callx helper", "mov %r1, 77\ncall %r1", "insn 1 (callx r1): callx 77: unknown helper"),
            a2("recursion too deep", "f:\ncall local f\nexit",
                    "insn 0 (call pc-1): local calls nested deeper than 8 frames"));
    }

    private static Arguments a2(String name, String asm, String message) {
        return Arguments.of(name, asm, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void fault(String name, String asm, String message) {
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> Run.raw(asm, MEM.clone()), name);
        assertEquals(message, e.getMessage(), name);
    }

    @Test
    void loadTimeErrors() {
        assertEquals("insn 0 (opcode 0x85): call 9: unknown helper", assertThrows(EbpfFormatException.class,
                () -> new EbpfInterpreter(Assembler.assemble("call 9\nexit", ProgramType.RAW))).getMessage());
        assertEquals("insn 0 (opcode 0x05): jump out of range to insn 5", assertThrows(EbpfFormatException.class,
                () -> new EbpfInterpreter(Assembler.assemble("ja +4\nexit", ProgramType.RAW))).getMessage());
        assertEquals("insn 0 (opcode 0x05): jump out of range to insn 2 (inside a lddw)",
                assertThrows(EbpfFormatException.class, () -> new EbpfInterpreter(
                        Assembler.assemble("ja +1\nlddw %r0, 1\nexit", ProgramType.RAW))).getMessage());
    }

    @Test
    void memoryIsWrittenInPlace() {
        byte[] mem = new byte[4];
        Run.raw("stw [%r1], 0x01020304\nexit", mem);
        assertArrayEquals(Run.bytes(4, 3, 2, 1), mem);
    }

    @Test
    void localCallsHaveTheirOwnFrames() {
        String asm = "stdw [%r10-8], 1\nmov %r6, 6\ncall local f\nldxdw %r1, [%r10-8]\nlsh %r1, 8\nor %r0, %r1\n"
                + "lsh %r6, 16\nor %r0, %r6\nexit\n"
                + "f:\nstdw [%r10-8], 2\nldxdw %r0, [%r10-8]\nmov %r6, 0\nexit\n";
        assertEquals(0x06_01_02L, Run.raw(asm));
        // A callee may use a pointer into its caller's frame.
        String up = "mov %r1, %r10\nsub %r1, 8\nstdw [%r1], 5\ncall local g\nexit\ng:\nldxdw %r0, [%r1]\nexit\n";
        assertEquals(5L, Run.raw(up));
    }

    @Test
    void socketContextAndFilterEntryPoints() {
        // r0 = data_end - data (captured length) + len (wire length) * 0x10000.
        String asm = "ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r0, %r3\nsub %r0, %r2\n"
                + "ldxw %r4, [%r1+0]\nlsh %r4, 16\nadd %r0, %r4\nldxb %r5, [%r2+2]\nlsh %r5, 32\nadd %r0, %r5\nexit";
        EbpfInterpreter f = new EbpfInterpreter(Assembler.assemble(asm, ProgramType.SOCKET));
        byte[] buf = Run.bytes(0, 0, 1, 2, 3, 4, 5, 0);
        long want = 5 + (60L << 16) + (2L << 32);
        assertEquals(want, f.run(buf, 1, 5, 60));
        assertEquals(want, f.run(ByteBuffer.wrap(buf), 1, 5, 60));
        ByteBuffer direct = ByteBuffer.allocateDirect(8).put(buf);
        assertEquals(want, f.run(direct, 1, 5, 60));
        assertEquals("insn 0 (r2 = *(u16 *)(r1 + 76)): context field at offset 76 must be read with a 4-byte load,"
                + " not 2", assertThrows(EbpfRuntimeException.class,
                        () -> Run.socket("ldxh %r2, [%r1+76]\nexit", buf)).getMessage());
        assertEquals("insn 1 (*(u8 *)(r2 + 0) = 1): write to the packet of a socket program (read-only)",
                assertThrows(EbpfRuntimeException.class,
                        () -> Run.socket("ldxw %r2, [%r1+76]\nstb [%r2], 1\nexit", buf)).getMessage());
        assertEquals("insn 0 (r0 = *(u32 *)(r1 + 4)): invalid context access at offset 4 for a socket program",
                assertThrows(EbpfRuntimeException.class,
                        () -> Run.socket("ldxw %r0, [%r1+4]\nexit", buf)).getMessage());
    }

    @Test
    void xdpContext() {
        String asm = "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r0, %r3\nsub %r0, %r2\nexit";
        EbpfInterpreter f = new EbpfInterpreter(Assembler.assemble(asm, ProgramType.XDP));
        assertEquals(7L, f.run(new byte[9], 2, 7, 7));
    }

    @Test
    void socketFilterFromTheBuilder() {
        Program p = Program.builder(ProgramType.SOCKET)
                .ldabs(Size.H, 12).jmpImm(JmpOp.JNE, Reg.R0, 0x0800, "drop")
                .mov64Imm(Reg.R0, 0xffff).exit()
                .label("drop").mov64Imm(Reg.R0, 0).exit()
                .build();
        EbpfInterpreter f = new EbpfInterpreter(p);
        byte[] ip = new byte[60];
        ip[12] = 0x08;
        assertEquals(0xffff, f.run(ip, 0, 60, 60));
        ip[12] = (byte) 0x86;
        ip[13] = (byte) 0xdd;
        assertEquals(0, f.run(ip, 0, 60, 60));
        assertEquals(0, f.run(ip, 0, 10, 60), "ldabs past the captured length drops");
        byte[] framed = new byte[70];
        framed[5 + 12] = 0x08;
        assertEquals(0xffff, f.run(framed, 5, 60, 60), "ldabs offsets count from the slice's start");
        assertEquals(0xffff, f.run(ByteBuffer.allocateDirect(70).put(framed), 5, 60, 60), "direct buffer");
    }
}
