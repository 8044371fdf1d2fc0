package io.weir.engine.cbpf;

import static io.weir.engine.cbpf.ClassicInsn.alu;
import static io.weir.engine.cbpf.ClassicInsn.ja;
import static io.weir.engine.cbpf.ClassicInsn.jeq;
import static io.weir.engine.cbpf.ClassicInsn.ld;
import static io.weir.engine.cbpf.ClassicInsn.ldImm;
import static io.weir.engine.cbpf.ClassicInsn.ldMem;
import static io.weir.engine.cbpf.ClassicInsn.ldh;
import static io.weir.engine.cbpf.ClassicInsn.ldxMem;
import static io.weir.engine.cbpf.ClassicInsn.ret;
import static io.weir.engine.cbpf.ClassicInsn.retA;
import static io.weir.engine.cbpf.ClassicInsn.st;
import static io.weir.engine.cbpf.ClassicInsn.stx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.cbpf.ClassicOp.Alu;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Validator cases as records {name, program, ACCEPT|REJECT, index, message}, like the kernel's selftests. */
class ClassicValidatorTest {
    enum Verdict { ACCEPT, REJECT }

    record Case(String name, Verdict verdict, int index, String message, ClassicInsn... insns) {
        static Case accept(String name, ClassicInsn... insns) {
            return new Case(name, Verdict.ACCEPT, 0, "", insns);
        }

        static Case reject(String name, int index, String message, ClassicInsn... insns) {
            return new Case(name, Verdict.REJECT, index, message, insns);
        }
    }

    static List<Case> cases() {
        return List.of(
                Case.accept("ret only", ret(0)),
                Case.accept("ip", ldh(12), jeq(0x800, 0, 1), ret(-1), ret(0)),
                Case.reject("empty", -1, "empty program"),
                Case.reject("no return at the end", 0, "insn 0: ldh [12]: the last instruction must be a return",
                        ldh(12)),
                Case.reject("unknown opcode", 0, "insn 0: unimp 0x8: unknown opcode 0x8", ClassicInsn.of(0x08, 0, 0, 0),
                        ret(0)),
                Case.reject("ret x is not classic", 0, "unknown opcode 0xe", ClassicInsn.of(0x0e, 0, 0, 0)),
                Case.reject("neg x is not classic", 0, "unknown opcode 0x8c", ClassicInsn.of(0x8c, 0, 0, 0), ret(0)),
                Case.reject("16-bit opcode", 0, "unknown opcode 0x106", ClassicInsn.of(0x106, 0, 0, 0)),
                Case.reject("true branch out", 1, "insn 1: jeq #0x800 jt 4 jf 3: true branch to 4 is outside",
                        ldh(12), jeq(0x800, 2, 1), ret(1), ret(0)),
                Case.reject("false branch out", 1, "false branch to 200 is outside", ldh(12),
                        jeq(0x800, 0, 198), ret(1), ret(0)),
                Case.reject("jump to itself impossible: to the end", 0, "true branch to 1 is outside",
                        jeq(0, 0, 0)),
                Case.reject("ja out", 0, "insn 0: ja 3: jump to 3 is outside the program (length 2)", ja(2), ret(0)),
                Case.reject("ja huge", 0, "jump to", ja(-1), ret(0)),
                Case.accept("ja to last", ja(1), ret(1), ret(0)),
                Case.reject("scratch index", 1, "insn 1: st M[16]: scratch index 16 is outside M[0..15]",
                        ldImm(1), st(16), ret(0)),
                Case.reject("scratch index negative", 0, "scratch index 4294967295", ldMem(-1), ret(0)),
                Case.reject("div #0", 1, "insn 1: div #0: division by constant zero", ldImm(1),
                        alu(Alu.DIV, 0), retA()),
                Case.reject("mod #0", 1, "division by constant zero", ldImm(1), alu(Alu.MOD, 0), retA()),
                Case.reject("lsh #32", 1, "insn 1: lsh #32: shift by 32 is not below 32", ldImm(1),
                        alu(Alu.LSH, 32), retA()),
                Case.reject("rsh #-1", 1, "shift by 4294967295", ldImm(1), alu(Alu.RSH, -1), retA()),
                Case.accept("rsh #31", ldImm(1), alu(Alu.RSH, 31), retA()),
                Case.reject("M read before write", 0, "insn 0: ld M[3]: M[3] may be read before it is written",
                        ldMem(3), retA()),
                Case.reject("M written on one path only", 4, "insn 4: ldx M[2]: M[2] may be read before",
                        ldh(12), jeq(1, 0, 1), st(2), ldImm(0), ldxMem(2), retA()),
                Case.accept("M written on both paths", ldh(12), jeq(1, 0, 2), st(2), ja(1), stx(2), ldxMem(2),
                        retA()),
                Case.accept("M written before a join", ldImm(0), st(5), ldh(12), jeq(1, 0, 1), ldMem(5), retA()),
                Case.accept("unreachable read after ret", ret(0), ldMem(3), retA()),
                Case.reject("unsupported ancillary", 0, "insn 0: ld [vlan_tci]: ancillary load [vlan_tci] "
                        + "(SKF_AD_VLAN_TAG) needs a kernel socket buffer", ld(Ancillary.VLAN_TAG.k()), retA()),
                Case.accept("ancillary range, no ancillary: a load past the packet", ld(Ancillary.AD_OFF + 64),
                        retA()),
                Case.accept("xor_x ancillary", ld(Ancillary.XOR_X.k()), retA()));
    }

    @TestFactory
    Stream<DynamicTest> table() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            ClassicProgram p = ClassicProgram.of(c.insns());
            if (c.verdict() == Verdict.ACCEPT) {
                ClassicValidator.validate(p);
            } else {
                ClassicValidationException e = assertThrows(ClassicValidationException.class,
                        () -> ClassicValidator.validate(p));
                assertTrue(e.getMessage().contains(c.message()), "message: " + e.getMessage());
                assertEquals(c.index(), e.index(), "index");
            }
        }));
    }

    @Test
    void lengthLimit() {
        List<ClassicInsn> insns = new ArrayList<>();
        for (int i = 0; i < ClassicOp.MAX_INSNS - 1; i++) {
            insns.add(ldImm(i));
        }
        insns.add(retA());
        ClassicValidator.validate(ClassicProgram.of(insns));
        insns.add(0, ldImm(0));
        ClassicValidationException e = assertThrows(ClassicValidationException.class,
                () -> ClassicValidator.validate(ClassicProgram.of(insns)));
        assertEquals("program of 4097 instructions is longer than the limit of 4096", e.getMessage());
    }

    @Test
    void everyTableOpcodeValidatesAndEveryOtherIsRejected() {
        for (int code = 0; code < 256; code++) {
            ClassicOp op = ClassicOp.fromCode(code);
            ClassicInsn insn = ClassicInsn.of(code, 0, 0, op != null && (op.dividesByK() || op.shiftsByK()) ? 1 : 0);
            ClassicProgram p = op != null && op.readsScratch()
                    ? ClassicProgram.of(st(0), insn, ret(0)) : ClassicProgram.of(insn, ret(0));
            if (op == null) {
                ClassicValidationException e = assertThrows(ClassicValidationException.class,
                        () -> ClassicValidator.validate(p));
                assertTrue(e.getMessage().contains("unknown opcode 0x" + Integer.toHexString(code)), e.getMessage());
            } else {
                assertEquals(code, op.code());
                ClassicValidator.validate(p);
            }
        }
        assertEquals(49, ClassicOp.values().length);
    }
}
