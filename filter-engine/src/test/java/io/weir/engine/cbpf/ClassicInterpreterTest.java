package io.weir.engine.cbpf;

import static io.weir.engine.cbpf.ClassicInsn.aluX;
import static io.weir.engine.cbpf.ClassicInsn.alu;
import static io.weir.engine.cbpf.ClassicInsn.ja;
import static io.weir.engine.cbpf.ClassicInsn.jmp;
import static io.weir.engine.cbpf.ClassicInsn.jmpX;
import static io.weir.engine.cbpf.ClassicInsn.ld;
import static io.weir.engine.cbpf.ClassicInsn.ldImm;
import static io.weir.engine.cbpf.ClassicInsn.ldInd;
import static io.weir.engine.cbpf.ClassicInsn.ldLen;
import static io.weir.engine.cbpf.ClassicInsn.ldMem;
import static io.weir.engine.cbpf.ClassicInsn.ldb;
import static io.weir.engine.cbpf.ClassicInsn.ldbInd;
import static io.weir.engine.cbpf.ClassicInsn.ldh;
import static io.weir.engine.cbpf.ClassicInsn.ldhInd;
import static io.weir.engine.cbpf.ClassicInsn.ldxImm;
import static io.weir.engine.cbpf.ClassicInsn.ldxLen;
import static io.weir.engine.cbpf.ClassicInsn.ldxMem;
import static io.weir.engine.cbpf.ClassicInsn.ldxMsh;
import static io.weir.engine.cbpf.ClassicInsn.neg;
import static io.weir.engine.cbpf.ClassicInsn.ret;
import static io.weir.engine.cbpf.ClassicInsn.retA;
import static io.weir.engine.cbpf.ClassicInsn.st;
import static io.weir.engine.cbpf.ClassicInsn.stx;
import static io.weir.engine.cbpf.ClassicInsn.tax;
import static io.weir.engine.cbpf.ClassicInsn.txa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicOp.Alu;
import io.weir.engine.cbpf.ClassicOp.Cond;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * libpcap's bpf_filter semantics, one row per corner: each program runs on a packet (hex), with a wire length,
 * and must return the expected value through every entry point (byte[], heap and direct ByteBuffer at an offset).
 * {@link ClassicToEbpfTest} runs the same table through the eBPF translation.
 */
public class ClassicInterpreterTest {

    /** A semantic case; {@code wireLen < 0} means the captured length. */
    public record Case(String name, String packetHex, int wireLen, long expected, ClassicInsn... insns) {
        public ClassicProgram program() {
            return ClassicProgram.of(insns);
        }

        public byte[] packet() {
            return HexFormat.of().parseHex(packetHex);
        }

        public int wire() {
            return wireLen < 0 ? packet().length : wireLen;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final String P = "123456789abcdef0";

    public static List<Case> cases() {
        return List.of(
                new Case("ld [0] big-endian", P, -1, 0x12345678L, ld(0), retA()),
                new Case("ld [4] last word", P, -1, 0x9abcdef0L, ld(4), retA()),
                new Case("ld [5] one byte short", P, -1, 0, ld(5), ret(7)),
                new Case("ldh [6]", P, -1, 0xdef0, ldh(6), retA()),
                new Case("ldh [7] short", P, -1, 0, ldh(7), ret(7)),
                new Case("ldb [7]", P, -1, 0xf0, ldb(7), retA()),
                new Case("ldb [8] past the end", P, -1, 0, ldb(8), ret(7)),
                new Case("ld [0xffffeffc] huge offset", P, -1, 0, ld(0xffffeffc), ret(7)),
                new Case("ldh [0x7fffffff]", P, -1, 0, ldh(0x7fffffff), ret(7)),
                new Case("loads check caplen not wirelen", P, 1500, 0, ld(8), ret(7)),
                new Case("ld [x + 2]", P, -1, 0x789abcdeL, ldxImm(1), ldInd(2), retA()),
                new Case("ldh [x + k] short", P, -1, 0, ldxImm(5), ldhInd(2), ret(7)),
                new Case("ldb [x + k] wraps past 2^32", P, -1, 0, ldxImm(2), ldbInd(-1), ret(7)),
                new Case("ld [x + k] x huge", P, -1, 0, ldxImm(-4), ldInd(4), ret(7)),
                new Case("ldb [x + 0]", P, -1, 0x56, ldxImm(2), ldbInd(0), retA()),
                new Case("ldxb 4*([k]&0xf)", "45000000", -1, 20, ldxMsh(0), txa(), retA()),
                new Case("ldxb past the end", "45", -1, 0, ldxMsh(1), ret(7)),
                new Case("ld #pktlen is the wire length", P, 1500, 1500, ldLen(), retA()),
                new Case("ldx #pktlen", P, 60, 60, ldxLen(), txa(), retA()),
                new Case("empty packet, no load", "", 0, 5, ret(5)),
                new Case("empty packet, load", "", 0, 0, ldb(0), ret(5)),
                new Case("ret #-1 is unsigned", P, -1, 0xffffffffL, ret(-1)),
                new Case("ret a unsigned", P, -1, 0x80000000L, ldImm(0x80000000), retA()),
                new Case("add wraps", P, -1, 1, ldImm(-1), alu(Alu.ADD, 2), retA()),
                new Case("sub wraps", P, -1, 0xffffffffL, ldImm(0), alu(Alu.SUB, 1), retA()),
                new Case("mul wraps", P, -1, 0xfffffffeL, ldImm(0x7fffffff), alu(Alu.MUL, 2), retA()),
                new Case("div #k unsigned", P, -1, 0x7fffffffL, ldImm(-1), alu(Alu.DIV, 2), retA()),
                new Case("mod #k unsigned", P, -1, 5, ldImm(-1), alu(Alu.MOD, 10), retA()),
                new Case("div x", P, -1, 3, ldImm(10), ldxImm(3), aluX(Alu.DIV), retA()),
                new Case("div x by zero ends with 0", P, -1, 0, ldImm(10), ldxImm(0), aluX(Alu.DIV), ret(9)),
                new Case("mod x by zero ends with 0", P, -1, 0, ldImm(10), ldxImm(0), aluX(Alu.MOD), ret(9)),
                new Case("mod x", P, -1, 1, ldImm(10), ldxImm(3), aluX(Alu.MOD), retA()),
                new Case("and/or/xor k", P, -1, 0xf0f, ldImm(0xff0), alu(Alu.AND, 0xf00), alu(Alu.OR, 0xf0),
                        alu(Alu.XOR, 0xff), retA()),
                new Case("and/or/xor x", P, -1, 0x0f, ldxImm(0x0f), ldImm(0xff), aluX(Alu.AND), aluX(Alu.OR),
                        ldxImm(0), aluX(Alu.XOR), retA()),
                new Case("lsh #31", P, -1, 0x80000000L, ldImm(1), alu(Alu.LSH, 31), retA()),
                new Case("rsh #k is logical", P, -1, 0x40000000L, ldImm(0x80000000), alu(Alu.RSH, 1), retA()),
                new Case("lsh x 31", P, -1, 0x80000000L, ldImm(1), ldxImm(31), aluX(Alu.LSH), retA()),
                new Case("lsh x 32 gives 0", P, -1, 0, ldImm(1), ldxImm(32), aluX(Alu.LSH), retA()),
                new Case("rsh x 33 gives 0", P, -1, 0, ldImm(-1), ldxImm(33), aluX(Alu.RSH), retA()),
                new Case("rsh x huge gives 0", P, -1, 0, ldImm(-1), ldxImm(-1), aluX(Alu.RSH), retA()),
                new Case("add/sub/mul x", P, -1, 21, ldImm(5), ldxImm(2), aluX(Alu.ADD), aluX(Alu.MUL),
                        ldxImm(-7), aluX(Alu.SUB), retA()),
                new Case("neg", P, -1, 0xffffffffL, ldImm(1), neg(), retA()),
                new Case("tax/txa", P, -1, 42, ldImm(42), tax(), ldImm(0), txa(), retA()),
                new Case("st/ld M[15]", P, -1, 77, ldImm(77), st(15), ldImm(0), ldMem(15), retA()),
                new Case("stx/ldx M[0]", P, -1, 78, ldxImm(78), stx(0), ldxImm(0), ldxMem(0), txa(), retA()),
                new Case("ja skips", P, -1, 2, ja(1), ret(1), ret(2)),
                new Case("jeq k true", P, -1, 1, ldb(0), jmp(Cond.JEQ, 0x12, 0, 1), ret(1), ret(2)),
                new Case("jeq k false", P, -1, 2, ldb(0), jmp(Cond.JEQ, 0x13, 0, 1), ret(1), ret(2)),
                new Case("jgt k unsigned", P, -1, 1, ldImm(-1), jmp(Cond.JGT, 1, 0, 1), ret(1), ret(2)),
                new Case("jgt k equal is false", P, -1, 2, ldImm(5), jmp(Cond.JGT, 5, 0, 1), ret(1), ret(2)),
                new Case("jge k equal is true", P, -1, 1, ldImm(5), jmp(Cond.JGE, 5, 0, 1), ret(1), ret(2)),
                new Case("jge k unsigned", P, -1, 2, ldImm(1), jmp(Cond.JGE, -1, 0, 1), ret(1), ret(2)),
                new Case("jset k", P, -1, 1, ldImm(6), jmp(Cond.JSET, 2, 0, 1), ret(1), ret(2)),
                new Case("jset k none", P, -1, 2, ldImm(6), jmp(Cond.JSET, 9, 0, 1), ret(1), ret(2)),
                new Case("jeq x", P, -1, 1, ldImm(6), ldxImm(6), jmpX(Cond.JEQ, 0, 1), ret(1), ret(2)),
                new Case("jgt x unsigned", P, -1, 2, ldImm(6), ldxImm(-1), jmpX(Cond.JGT, 0, 1), ret(1), ret(2)),
                new Case("jge x", P, -1, 1, ldImm(-1), ldxImm(-1), jmpX(Cond.JGE, 0, 1), ret(1), ret(2)),
                new Case("jset x", P, -1, 2, ldImm(6), ldxImm(1), jmpX(Cond.JSET, 0, 1), ret(1), ret(2)),
                new Case("jump both ways to same", P, -1, 3, ldImm(6), jmp(Cond.JEQ, 6, 1, 1), ret(1), ret(3)),
                new Case("ldb [-2] (libpcap, no fixed link header) is past the packet", P, -1, 0, ldb(-2), ret(7)),
                new Case("ld [SKF_AD_OFF+64] names no ancillary: past the packet", P, -1, 0,
                        ld(Ancillary.AD_OFF + 64), ret(7)),
                new Case("[xor_x] ancillary", P, -1, 6, ldxImm(5), ldImm(3), ld(Ancillary.XOR_X.k()), retA()),
                new Case("ip and tcp on an IPv4 TCP frame", "000000000000000000000000080045000028000000004006",
                        -1, 262144, ldh(12), jmp(Cond.JEQ, 0x800, 0, 3), ldb(23), jmp(Cond.JEQ, 6, 0, 1),
                        ret(262144), ret(0)));
    }

    static Filter classic(ClassicProgram p) {
        return ClassicInterpreter.of(p);
    }

    /** Runs every case through {@code compile} and every entry point of the filter it gives. */
    public static Stream<DynamicTest> runAll(Function<ClassicProgram, Filter> compile) {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Filter f = compile.apply(c.program());
            byte[] pkt = c.packet();
            assertEquals(c.expected(), f.run(pkt, 0, pkt.length, c.wire()), "byte[]");
            byte[] shifted = new byte[pkt.length + 7];
            System.arraycopy(pkt, 0, shifted, 5, pkt.length);
            assertEquals(c.expected(), f.run(shifted, 5, pkt.length, c.wire()), "byte[] at offset 5");
            ByteBuffer heap = ByteBuffer.wrap(shifted, 1, shifted.length - 1).slice();
            assertEquals(c.expected(), f.run(heap, 4, pkt.length, c.wire()), "heap buffer slice at offset 4");
            ByteBuffer direct = ByteBuffer.allocateDirect(shifted.length);
            direct.put(shifted).flip().position(3);
            assertEquals(c.expected(), f.run(direct, 5, pkt.length, c.wire()), "direct buffer at offset 5");
            assertEquals(3, direct.position(), "position untouched");
        }));
    }

    @TestFactory
    Stream<DynamicTest> semantics() {
        return runAll(ClassicInterpreterTest::classic);
    }

    /** Scratch memory is per thread: threads sharing one interpreter do not see each other's M[]. */
    @Test
    void scratchMemoryIsPerThread() throws Exception {
        // M[0] = first byte; then a long chain of loads; then return M[0].
        ClassicBuilder b = new ClassicBuilder().ldb(0).st(0);
        for (int i = 0; i < 200; i++) {
            b.ldb(1).alu(Alu.ADD, i).st(1 + i % 15);
        }
        Filter f = ClassicInterpreter.of(b.ldMem(0).retA().build());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                byte mark = (byte) (t + 1);
                results.add(pool.submit(() -> {
                    byte[] pkt = {mark, 9};
                    for (int i = 0; i < 20_000; i++) {
                        if (f.run(pkt, 0, 2, 2) != mark) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> r : results) {
                assertEquals(true, r.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void badSlicesAreRejected() {
        Filter f = classic(ClassicProgram.of(ret(1)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> f.run(new byte[4], 2, 3, 3));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> f.run(new byte[4], -1, 1, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> f.run(ByteBuffer.allocateDirect(4), 0, 5, 5));
    }

    @Test
    void randomAncillaryVaries() {
        Filter f = classic(ClassicProgram.of(ld(Ancillary.RANDOM.k()), retA()));
        long first = f.run(new byte[0], 0, 0, 0);
        boolean varied = false;
        for (int i = 0; i < 64 && !varied; i++) {
            varied = f.run(new byte[0], 0, 0, 0) != first;
        }
        assertNotEquals(false, varied, "[random] returned " + first + " 65 times");
    }
}
