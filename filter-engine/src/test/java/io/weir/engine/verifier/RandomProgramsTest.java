package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Soundness by fuzzing: random programs (biased towards the shapes of packet programs: context loads, range
 * checks, arithmetic on offsets, stack use, branches and short loops) are verified; the verifier must always
 * answer (accept or {@link VerifierException}, nothing else), and every accepted program must run on the
 * interpreter on random packets without a fault. The seed is in every failure message.
 */
class RandomProgramsTest {
    private static final long SEED = Long.getLong("weir.seed", 0xf00d5L);
    private static final AluOp[] ALU = {AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.OR, AluOp.AND, AluOp.LSH,
        AluOp.RSH, AluOp.MOD, AluOp.XOR, AluOp.ARSH, AluOp.MOV};
    private static final JmpOp[] JMP = {JmpOp.JEQ, JmpOp.JNE, JmpOp.JGT, JmpOp.JGE, JmpOp.JLT, JmpOp.JLE, JmpOp.JSGT,
        JmpOp.JSLT, JmpOp.JSET};
    private static final Size[] SIZES = Size.values();

    @Test
    void acceptedRandomProgramsNeverFault() {
        Random r = new Random(SEED);
        int accepted = 0;
        int programs = Integer.getInteger("weir.fuzzPrograms", 4000);
        Verifier v = new Verifier(Verifier.Options.DEFAULT.withBriefLog().withComplexityLimit(20_000));
        for (int n = 0; n < programs; n++) {
            Program p;
            try {
                p = new Program(r.nextInt(4) == 0 ? ProgramType.XDP : ProgramType.SOCKET, program(r));
            } catch (EbpfFormatException e) {
                continue;
            }
            try {
                v.check(p);
            } catch (VerifierException e) {
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + " program " + n + ": the verifier threw " + e + "\n" + p, e);
            }
            accepted++;
            EbpfInterpreter interp = new EbpfInterpreter(p);
            Filter jit = Engines.available(Engine.JIT) ? Engines.filter(p, Engine.JIT) : null;
            for (int k = 0; k < 30; k++) {
                int len = k < 3 ? k : r.nextInt(80);
                byte[] pkt = new byte[len];
                r.nextBytes(pkt);
                long expected = 0;
                try {
                    expected = interp.run(pkt, 0, len, len);
                } catch (EbpfRuntimeException e) {
                    fail("seed " + SEED + " program " + n + " was accepted but faulted on a " + len + "-byte packet: "
                            + e.getMessage() + "\n" + p);
                }
                if (jit != null) {
                    long got;
                    try {
                        got = jit.run(pkt, 0, len, len);
                    } catch (RuntimeException e) {
                        throw new AssertionError("seed " + SEED + " program " + n + ": the JIT failed on a " + len
                                + "-byte packet: " + e + "\n" + p, e);
                    }
                    if (got != expected) {
                        fail("seed " + SEED + " program " + n + ": JIT " + got + " != interpreter " + expected + "\n" + p);
                    }
                }
            }
        }
        System.out.println("verifier fuzz: " + accepted + " of " + programs + " random programs accepted");
        assertTrue(accepted > programs / 50, "too few accepted programs to mean anything: " + accepted);
    }

    private static List<Insn> program(Random r) {
        List<Insn> out = new ArrayList<>();
        // A prologue most packet programs have: ctx in r6, data in r2, data_end in r3.
        out.add(Insn.mov64Reg(6, 1));
        out.add(Insn.ldx(Size.W, 2, 1, r.nextInt(3) == 0 ? 0 : 76));
        out.add(Insn.ldx(Size.W, 3, 1, 80));
        for (int reg : new int[] {0, 4, 5, 7, 8, 9}) {
            out.add(reg == 4 || reg == 5 ? Insn.mov64Reg(reg, 2) : Insn.mov64Imm(reg, r.nextInt(8)));
        }
        for (int slot = 1; slot <= 4; slot++) {
            out.add(Insn.st(Size.DW, 10, -8 * slot, r.nextInt(16)));
        }
        int body = 3 + r.nextInt(20);
        for (int k = 0; k < body; k++) {
            out.add(insn(r, body - k));
        }
        out.add(Insn.mov64Imm(0, r.nextInt(5)));
        out.add(Insn.exit());
        return out;
    }

    private static int reg(Random r) {
        return r.nextInt(10);
    }

    private static int small(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(16);
            case 1 -> r.nextInt(100) - 20;
            case 2 -> 1 << r.nextInt(31);
            default -> r.nextInt();
        };
    }

    private static Insn insn(Random r, int left) {
        switch (r.nextInt(12)) {
            case 0: case 1: {
                AluOp op = ALU[r.nextInt(ALU.length)];
                boolean w64 = r.nextInt(3) != 0;
                int d = 1 + r.nextInt(9);
                return r.nextBoolean() ? (w64 ? Insn.alu64Imm(op, d, small(r)) : Insn.alu32Imm(op, d, small(r)))
                        : (w64 ? Insn.alu64Reg(op, d, reg(r)) : Insn.alu32Reg(op, d, reg(r)));
            }
            case 2:
                // A range check: rX = data + N; if rX > data_end goto +k.
                return Insn.jmpReg(r.nextBoolean() ? JmpOp.JGT : JmpOp.JLE, 4 + r.nextInt(2), 3,
                        r.nextInt(Math.max(1, left)));
            case 3:
                return Insn.mov64Reg(4 + r.nextInt(2), 2);
            case 4:
                return Insn.alu64Imm(AluOp.ADD, 4 + r.nextInt(2), r.nextInt(70));
            case 5:
                return Insn.ldx(SIZES[r.nextInt(4)], reg(r), r.nextInt(3) == 0 ? 10 : 2 + r.nextInt(4),
                        r.nextInt(3) == 0 ? -8 * (1 + r.nextInt(4)) : r.nextInt(64) - 4);
            case 6:
                return Insn.stx(SIZES[r.nextInt(4)], r.nextInt(4) == 0 ? 2 : 10, -8 * (1 + r.nextInt(4))
                        + (r.nextInt(4) == 0 ? r.nextInt(8) : 0), reg(r));
            case 7:
                return Insn.st(SIZES[r.nextInt(4)], 10, -8 * (1 + r.nextInt(4)), small(r));
            case 8: {
                JmpOp op = JMP[r.nextInt(JMP.length)];
                int off = r.nextInt(6) == 0 ? -1 - r.nextInt(4) : r.nextInt(Math.max(1, left));
                return r.nextBoolean() ? Insn.jmpImm(op, reg(r), small(r), off) : Insn.jmpReg(op, reg(r), reg(r), off);
            }
            case 9:
                return Insn.of(0x06 | JMP[r.nextInt(JMP.length)].code(), reg(r), 0, r.nextInt(Math.max(1, left)),
                        small(r));
            case 10:
                return r.nextBoolean() ? Insn.ldabs(SIZES[r.nextInt(3)], r.nextInt(60))
                        : Insn.ldind(SIZES[r.nextInt(3)], reg(r), r.nextInt(60));
            default:
                return Insn.ldx(Size.W, reg(r) == 0 ? 7 : 1 + r.nextInt(9), 6, r.nextBoolean() ? 0 : 76);
        }
    }
}
