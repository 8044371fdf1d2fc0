package io.weir.engine.cbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The classic-to-eBPF translation gives the classic interpreter's exact results. */
class ClassicToEbpfTest {

    static Filter translated(ClassicProgram p) {
        return new EbpfInterpreter(ClassicToEbpf.translate(p));
    }

    @TestFactory
    Stream<DynamicTest> semanticsTableThroughTheTranslation() {
        return ClassicInterpreterTest.runAll(ClassicToEbpfTest::translated);
    }

    @Test
    void randomProgramsGiveTheSameResults() {
        long base = Long.getLong("weir.fuzzSeed", 0x5eed_c1a5L);
        int programs = Integer.getInteger("weir.fuzzPrograms", 400);
        for (int i = 0; i < programs; i++) {
            long seed = base + i;
            Random r = new Random(seed);
            ClassicProgram p = RandomClassicPrograms.program(r, 4 + r.nextInt(40));
            ClassicInterpreter classic = ClassicInterpreter.of(p);
            Program ebpf = ClassicToEbpf.translate(p);
            Filter f = new EbpfInterpreter(ebpf);
            for (int j = 0; j < 40; j++) {
                byte[] pkt = RandomClassicPrograms.packet(r);
                int wire = pkt.length + (r.nextBoolean() ? 0 : r.nextInt(1500));
                long expected = classic.run(pkt, 0, pkt.length, wire);
                long actual = f.run(pkt, 0, pkt.length, wire);
                if (expected != actual) {
                    assertEquals(expected, actual, "seed " + seed + " packet " + j + " ("
                            + HexFormat.of().formatHex(pkt)
                            + ", wire " + wire + ")\nclassic:\n" + p + "ebpf:\n" + ebpf);
                }
            }
        }
    }

    @Test
    void translationIsASocketProgramOfBoundedSize() {
        ClassicProgram p = TcpdumpFormat.parse("4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n");
        Program e = ClassicToEbpf.translate(p);
        assertEquals(ProgramType.SOCKET, e.type());
        // r6 = r1 (A and X are written before read: no zeroing) + ldh + jne + mov/exit + mov/exit
        assertEquals(7, e.size(), e.toString());
    }

    /** libpcap's 'tcp port 80': A is dead after ldxb and X is at most 60, so no save of A and no X guard. */
    @Test
    void ldxbAndIndexedLoadsNeedNoExtraCodeInTcpdumpsPrograms() {
        TcpdumpFormatTest.Dump d = TcpdumpFormatTest.dumps().stream()
                .filter(x -> x.expr().equals("tcp port 80")).findFirst().orElseThrow();
        ClassicProgram p = TcpdumpFormat.parse(d.ddd());
        String ebpf = ClassicToEbpf.translate(p).toString();
        assertTrue(!ebpf.contains("r8") && !ebpf.contains("0x7fff"), ebpf);
        ClassicProgram live = ClassicProgram.of(ClassicInsn.ldImm(7), ClassicInsn.ldxMsh(0), ClassicInsn.retA());
        assertTrue(ClassicToEbpf.translate(live).toString().contains("r8"), "A is live after ldxb: saved");
        ClassicProgram wide = ClassicProgram.of(ClassicInsn.ldxLen(), ClassicInsn.ldInd(0), ClassicInsn.retA());
        assertTrue(ClassicToEbpf.translate(wide).toString().contains("0x7ffffffb"), "X unbounded: guarded");
    }

    @Test
    void liveAccumulatorAndBoundOnX() {
        // 0 ldb [0]; 1 jeq #1 -> 2 / 4; 2 ldxb 4*([0]&0xf); 3 ja 5; 4 ldx #100; 5 ldb [x + 0]; 6 ret a
        ClassicProgram p = ClassicProgram.of(ClassicInsn.ldb(0), ClassicInsn.jeq(1, 0, 2), ClassicInsn.ldxMsh(0),
                ClassicInsn.ja(1), ClassicInsn.ldxImm(100), ClassicInsn.ldbInd(0), ClassicInsn.retA());
        assertEquals("[true, false, false, false, false, true, false]",
                java.util.Arrays.toString(ClassicFlow.aLiveAfter(p)));
        assertEquals("[0, 0, 0, 60, 0, 100, 100]", java.util.Arrays.toString(ClassicFlow.xMax(p)));
        ClassicProgram unbounded = ClassicProgram.of(ClassicInsn.ldb(0), ClassicInsn.tax(), ClassicInsn.ldbInd(0),
                ClassicInsn.retA());
        assertEquals(0xffffffffL, ClassicFlow.xMax(unbounded)[2]);
    }

    @Test
    void registersReadBeforeWritten() {
        record Case(int expected, ClassicInsn... insns) { }
        for (Case c : new Case[] {
            new Case(0, ClassicInsn.ret(0)),
            new Case(1, ClassicInsn.retA()),
            new Case(2, ClassicInsn.ldInd(0), ClassicInsn.retA()),
            new Case(1, ClassicInsn.tax(), ClassicInsn.txa(), ClassicInsn.ret(1)),
            new Case(3, ClassicInsn.aluX(ClassicOp.Alu.ADD), ClassicInsn.retA()),
            new Case(0, ClassicInsn.ldxImm(1), ClassicInsn.ldInd(0), ClassicInsn.retA()),
            // X is written on the true path only, then read after the join.
            new Case(2, ClassicInsn.ldb(0), ClassicInsn.jeq(1, 0, 1), ClassicInsn.tax(), ClassicInsn.ldbInd(0),
                    ClassicInsn.retA()),
            new Case(3, ClassicInsn.ld(Ancillary.XOR_X.k()), ClassicInsn.retA()),
        }) {
            assertEquals(c.expected(), ClassicFlow.registersReadBeforeWritten(ClassicProgram.of(c.insns())),
                    ClassicProgram.of(c.insns()).toString());
        }
    }

    @Test
    void randomHasNoTranslation() {
        ClassicValidationException e = assertThrows(ClassicValidationException.class,
                () -> ClassicToEbpf.translate(ClassicProgram.of(ClassicInsn.ld(Ancillary.RANDOM.k()),
                        ClassicInsn.retA())));
        assertTrue(e.getMessage().startsWith("insn 0: ancillary load [random] has no eBPF translation"),
                e.getMessage());
    }

    /** Regression: a load that no packet satisfies ends the run, and what followed it must not reach the verifier. */
    @Test
    void codeAfterImpossibleLoadOrBehindJumpIsNotTranslated() {
        ClassicProgram impossible = ClassicProgram.of(java.util.List.of(
                ClassicInsn.ldb(0x8000_0000), ClassicInsn.ret(1)));
        ClassicProgram deadBranch = ClassicProgram.of(java.util.List.of(
                ClassicInsn.ja(1), ClassicInsn.ret(5), ClassicInsn.ret(1)));
        for (ClassicProgram p : java.util.List.of(impossible, deadBranch)) {
            Program e = ClassicToEbpf.translate(p);
            io.weir.engine.verifier.Verifier.verify(e);
            byte[] packet = new byte[64];
            assertEquals(ClassicInterpreter.of(p).run(packet, 0, 64, 64), new EbpfInterpreter(e).run(packet, 0, 64, 64));
        }
    }
}
