package io.weir.engine.cbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.cbpf.ClassicOp.Alu;
import io.weir.engine.cbpf.ClassicOp.Cond;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Labels, long jumps and builder errors. */
class ClassicBuilderTest {

    @Test
    void labelsGiveTcpdumpsProgram() {
        ClassicProgram p = new ClassicBuilder()
                .ldh(12).jeq(0x800, null, "drop")
                .ret(262144)
                .label("drop").ret(0)
                .build();
        assertEquals(TcpdumpFormat.parse("4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n"), p);
    }

    @Test
    void rawJumpsKeepTheirTargets() {
        ClassicProgram raw = ClassicProgram.of(ClassicInsn.ldh(12), ClassicInsn.jeq(0x800, 1, 0), ClassicInsn.ja(1),
                ClassicInsn.ret(1), ClassicInsn.ret(0));
        ClassicBuilder b = new ClassicBuilder();
        raw.insns().forEach(b::emit);
        assertEquals(raw, b.build());
    }

    /** Far branches of every shape: true only, false only, both to different targets, both to one target. */
    @Test
    void longJumpsAreInsertedAndRunCorrectly() {
        for (int shape = 0; shape < 4; shape++) {
            ClassicBuilder b = new ClassicBuilder();
            b.ldb(0);
            switch (shape) {
                case 0: b.jeq(1, "far1", null); break;
                case 1: b.jeq(1, null, "far1"); break;
                case 2: b.jeq(1, "far1", "far2"); break;
                default: b.jeq(1, "far1", "far1"); break;
            }
            b.ret(100);
            for (int i = 0; i < 300; i++) {
                b.alu(Alu.ADD, 0);
            }
            b.label("far1").ret(1);
            for (int i = 0; i < 300; i++) {
                b.alu(Alu.ADD, 0);
            }
            b.label("far2").ret(2);
            ClassicProgram p = b.build();
            ClassicInterpreter f = ClassicInterpreter.of(p);
            long onOne = f.run(new byte[] {1}, 0, 1, 1);
            long onZero = f.run(new byte[] {0}, 0, 1, 1);
            switch (shape) {
                case 0: assertEquals(1, onOne); assertEquals(100, onZero); break;
                case 1: assertEquals(100, onOne); assertEquals(1, onZero); break;
                case 2: assertEquals(1, onOne); assertEquals(2, onZero); break;
                default: assertEquals(1, onOne); assertEquals(1, onZero); break;
            }
            int expectedLength = 605 + (shape == 2 ? 2 : 1);
            assertEquals(expectedLength, p.size(), "shape " + shape + "\n" + p);
        }
    }

    /**
     * Many jumps near the 255 limit: inserting one long jump pushes others over, so the layout must iterate.
     * The same random skeleton built with short and long fillers must give the same verdicts.
     */
    @Test
    void cascadingLongJumpsKeepVerdicts() {
        for (long seed = 1; seed <= 30; seed++) {
            ClassicProgram small = skeleton(new Random(seed), 1);
            ClassicProgram big = skeleton(new Random(seed), 40);
            ClassicInterpreter fs = ClassicInterpreter.of(small);
            ClassicInterpreter fb = ClassicInterpreter.of(big);
            boolean sawJa = big.insns().stream().anyMatch(i -> i.op() == ClassicOp.JA);
            assertTrue(sawJa, "seed " + seed + ": no long jump was needed; test too weak");
            Random r = new Random(seed * 7);
            for (int j = 0; j < 50; j++) {
                byte[] pkt = new byte[16];
                r.nextBytes(pkt);
                assertEquals(fs.run(pkt, 0, 16, 16), fb.run(pkt, 0, 16, 16), "seed " + seed + " packet " + j);
            }
        }
    }

    private static ClassicProgram skeleton(Random r, int filler) {
        ClassicBuilder b = new ClassicBuilder();
        int blocks = 12;
        for (int i = 0; i < blocks; i++) {
            b.label("b" + i);
            b.ldb(r.nextInt(16));
            for (int f = 0; f < filler; f++) {
                b.alu(Alu.ADD, 0);
            }
            String t = r.nextInt(3) == 0 ? "ret" + r.nextInt(4) : "b" + (i + 1 + r.nextInt(blocks - i));
            String fl = "b" + (i + 1 + r.nextInt(blocks - i));
            b.jmp(Cond.JGT, r.nextInt(256), t.equals("b" + blocks) ? "ret0" : t, fl.equals("b" + blocks) ? "ret1" : fl);
        }
        b.label("b" + blocks);
        for (int i = 0; i < 4; i++) {
            b.label("ret" + i).ret(i + 1);
        }
        return b.build();
    }

    @Test
    void errorsNameTheInstruction() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ClassicBuilder().ldh(12).jeq(1, "nowhere", null).ret(0).build());
        assertEquals("insn 1: true branch to undefined label 'nowhere'", e.getMessage());
        e = assertThrows(IllegalStateException.class,
                () -> new ClassicBuilder().label("top").ldh(12).jeq(1, null, "top").ret(0).build());
        assertEquals("insn 1: false branch to label 'top' (insn 0) does not go forward", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new ClassicBuilder().ja("end").label("end").build());
        assertEquals("insn 0: ja to label 'end' is past the last instruction", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new ClassicBuilder().ldh(12).jeq(1, null, null).build());
        assertEquals("insn 1: true branch to insn 2 is past the last instruction", e.getMessage());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> new ClassicBuilder().label("x").ret(0).label("x"));
        assertEquals("label 'x' is defined twice", dup.getMessage());
    }

    @Test
    void freshLabelsAreUnique() {
        ClassicBuilder b = new ClassicBuilder();
        b.label("L.0");
        String l = b.newLabel("L");
        assertEquals("L.1", l);
        assertTrue(!b.hasLabel(l));
    }
}
