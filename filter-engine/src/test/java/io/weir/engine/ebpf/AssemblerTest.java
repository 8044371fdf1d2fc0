package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Assembler syntax and error messages (the suite's texts, with a line number), and the program builder. */
class AssemblerTest {

    @Test
    void errorsNameTheLine() {
        record Case(String asm, int line, String reason) {}
        List<Case> cases = List.of(
            new Case("mov %r0, 1\nfoo %r1\nexit", 2, "Invalid mnemonic: foo"),
            new Case("add %r1\nexit", 1, "Invalid number of operands for mnemonic: add"),
            new Case("mov %r11, 1", 1, "Invalid register: %r11"),
            new Case("ja nowhere\nexit", 1, "Invalid label: nowhere"),
            new Case("a:\na:\nexit", 2, "Duplicate label (a)"),
            new Case("lock or [%r10-8]\nexit", 1, "Invalid number of operands for lock"),
            new Case("lock nand [%r10-8], %r1", 1, "Invalid mnemonic: nand"),
            new Case("mov %r0, 0x100000000", 1, "Immediate out of 32-bit range: 0x100000000"),
            new Case("ldxb %r0, [%r1+40000]", 1, "Offset out of 16-bit range: [%r1+40000]"),
            new Case("mov %r10, 1", 1, "frame pointer r10 is read-only"),
            new Case("call fast 3", 1, "Invalid call mode"));
        for (Case c : cases) {
            AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble(c.asm, ProgramType.RAW),
                    c.asm);
            assertEquals(c.line, e.line(), c.asm);
            assertEquals(c.reason, e.reason(), c.asm);
        }
    }

    @Test
    void acceptedSpellings() {
        Program a = Assembler.assemble("mov64 %r1, 1\nswap16 %r1\nadd64 %r1, r2\nneg64 %r1\nlabel: exit\n"
                + "ldxw %r0, [ %r1 + 4 ]\nja label", ProgramType.RAW);
        Program b = Assembler.assemble("mov %r1, 1\nbswap16 %r1\nadd %r1, %r2\nneg %r1\nexit\n"
                + "ldxw %r0, [%r1+4]\nja -3", ProgramType.RAW);
        assertEquals(b, a);
        Program pseudo = Assembler.assemble("lddw %r1, map_by_fd(3)\nlddw %r2, map_val_by_fd(3, 8)\nexit",
                ProgramType.SOCKET);
        assertEquals(1, pseudo.insn(0).src());
        assertEquals(8, pseudo.insn(1).nextImm());
        assertEquals(pseudo, Assembler.assemble(Disassembler.ubpf(pseudo), ProgramType.SOCKET));
    }

    @Test
    void builderResolvesLabelsInSlots() {
        Program p = Program.builder(ProgramType.RAW)
                .mov64Imm(Reg.R0, 0).ja("end").lddw(Reg.R0, 1).label("end").exit()
                .build();
        assertEquals(2, p.insn(1).off(), "the jump skips both slots of the lddw");
        assertEquals(3, p.targetOf(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Program.builder(ProgramType.RAW).ja("nowhere").exit().build());
        assertEquals("insn 0 (goto +0): undefined label 'nowhere'", e.getMessage());
        ProgramBuilder far = Program.builder(ProgramType.RAW).ja("end");
        for (int i = 0; i < 40000; i++) {
            far.mov64Imm(Reg.R0, i);
        }
        Program fp = far.label("end").exit().build();
        assertEquals(Opcode.Form.JA32, fp.insn(0).op().form(), "a far ja becomes ja32");
        assertEquals(40000, fp.insn(0).jumpOffset());
        assertThrows(IllegalArgumentException.class, () -> {
            ProgramBuilder c = Program.builder(ProgramType.RAW).jmpImm(JmpOp.JEQ, Reg.R0, 0, "end");
            for (int i = 0; i < 40000; i++) {
                c.mov64Imm(Reg.R0, i);
            }
            c.label("end").exit().build();
        });
    }
}
