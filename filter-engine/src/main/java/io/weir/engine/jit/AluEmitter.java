package io.weir.engine.jit;

import static org.objectweb.asm.Opcodes.*;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.OpClass;
import io.weir.engine.ebpf.Opcode;
import io.weir.engine.ebpf.Opcode.Form;
import java.util.function.IntUnaryOperator;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits arithmetic (RFC 9669 sections 4.1, 4.2) and conditional jumps (section 4.3) as inline JVM bytecode on
 * {@code long} register locals, with the interpreter's semantics: 32-bit results zero-extended, shift amounts
 * masked (the JVM masks as eBPF does), division and modulo by zero through {@link JitRuntime}, unsigned
 * comparisons as signed ones with the sign bit flipped.
 */
final class AluEmitter {
    private static final long M32 = 0xffff_ffffL;
    private static final String RUNTIME = ChunkEmitter.RUNTIME;

    private AluEmitter() {}

    /** {@code dst op= src|imm} for the ALU, ALU64, NEG, MOVSX and END forms. */
    static void alu(MethodVisitor mv, Insn i, IntUnaryOperator reg) {
        Opcode o = i.op();
        boolean wide = o.opClass() == OpClass.ALU64;
        int d = reg.applyAsInt(i.dst());
        Form f = o.form();
        if (f == Form.END) {
            end(mv, o, d, wide);
            return;
        }
        if (f == Form.MOVSX) {
            mv.visitVarInsn(LLOAD, reg.applyAsInt(i.src()));
            mv.visitInsn(L2I);
            int bits = o.discValue();
            if (bits == 8) {
                mv.visitInsn(I2B);
            } else if (bits == 16) {
                mv.visitInsn(I2S);
            }
            mv.visitInsn(I2L);
            if (!wide) {
                zeroExtend(mv);
            }
            mv.visitVarInsn(LSTORE, d);
            return;
        }
        AluOp a = o.aluOp();
        boolean signed = o.variant() == 1 && (a == AluOp.DIV || a == AluOp.MOD);
        Runnable operand = f == Form.ALU_REG ? () -> mv.visitVarInsn(LLOAD, reg.applyAsInt(i.src()))
                : () -> mv.visitLdcInsn((long) i.imm());
        if (wide) {
            alu64(mv, a, signed, d, operand);
        } else {
            alu32(mv, a, signed, d, operand, f == Form.ALU_IMM ? (Integer) i.imm() : null);
        }
    }

    private static void alu64(MethodVisitor mv, AluOp a, boolean signed, int d, Runnable operand) {
        if (a == AluOp.MOV) {
            operand.run();
            mv.visitVarInsn(LSTORE, d);
            return;
        }
        mv.visitVarInsn(LLOAD, d);
        if (a == AluOp.NEG) {
            mv.visitInsn(LNEG);
            mv.visitVarInsn(LSTORE, d);
            return;
        }
        operand.run();
        switch (a) {
            case ADD -> mv.visitInsn(LADD);
            case SUB -> mv.visitInsn(LSUB);
            case MUL -> mv.visitInsn(LMUL);
            case OR -> mv.visitInsn(LOR);
            case AND -> mv.visitInsn(LAND);
            case XOR -> mv.visitInsn(LXOR);
            case LSH -> shift(mv, LSHL);
            case RSH -> shift(mv, LUSHR);
            case ARSH -> shift(mv, LSHR);
            case DIV -> runtime(mv, signed ? "sdiv64" : "udiv64", "(JJ)J");
            case MOD -> runtime(mv, signed ? "smod64" : "umod64", "(JJ)J");
            default -> throw new IllegalStateException("unexpected ALU64 op " + a);
        }
        mv.visitVarInsn(LSTORE, d);
    }

    private static void shift(MethodVisitor mv, int op) {
        mv.visitInsn(L2I);
        mv.visitInsn(op);
    }

    private static void alu32(MethodVisitor mv, AluOp a, boolean signed, int d, Runnable operand, Integer imm) {
        if (a == AluOp.MOV) {
            if (imm != null) {
                mv.visitLdcInsn(imm & M32);
            } else {
                operand.run();
                zeroExtend(mv);
            }
            mv.visitVarInsn(LSTORE, d);
            return;
        }
        mv.visitVarInsn(LLOAD, d);
        mv.visitInsn(L2I);
        if (a == AluOp.NEG) {
            mv.visitInsn(INEG);
        } else {
            if (imm != null) {
                iconst(mv, imm);
            } else {
                operand.run();
                mv.visitInsn(L2I);
            }
            switch (a) {
                case ADD -> mv.visitInsn(IADD);
                case SUB -> mv.visitInsn(ISUB);
                case MUL -> mv.visitInsn(IMUL);
                case OR -> mv.visitInsn(IOR);
                case AND -> mv.visitInsn(IAND);
                case XOR -> mv.visitInsn(IXOR);
                case LSH -> mv.visitInsn(ISHL);
                case RSH -> mv.visitInsn(IUSHR);
                case ARSH -> mv.visitInsn(ISHR);
                case DIV, MOD -> {
                    runtime(mv, (signed ? "s" : "u") + (a == AluOp.DIV ? "div32" : "mod32"), "(II)J");
                    mv.visitVarInsn(LSTORE, d);
                    return;
                }
                default -> throw new IllegalStateException("unexpected ALU op " + a);
            }
        }
        mv.visitInsn(I2L);
        zeroExtend(mv);
        mv.visitVarInsn(LSTORE, d);
    }

    /** le16/32/64 (truncation on a little-endian machine), be16/32/64 and bswap16/32/64 (byte swaps). */
    private static void end(MethodVisitor mv, Opcode o, int d, boolean wide) {
        int bits = o.discValue();
        boolean swap = wide || o.isRegSource();
        mv.visitVarInsn(LLOAD, d);
        if (!swap) {
            if (bits == 16) {
                mv.visitLdcInsn(0xffffL);
                mv.visitInsn(LAND);
            } else if (bits == 32) {
                zeroExtend(mv);
            }
        } else if (bits == 16) {
            mv.visitInsn(L2I);
            mv.visitInsn(I2S);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Short", "reverseBytes", "(S)S", false);
            mv.visitInsn(I2L);
            mv.visitLdcInsn(0xffffL);
            mv.visitInsn(LAND);
        } else if (bits == 32) {
            mv.visitInsn(L2I);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "reverseBytes", "(I)I", false);
            mv.visitInsn(I2L);
            zeroExtend(mv);
        } else {
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "reverseBytes", "(J)J", false);
        }
        mv.visitVarInsn(LSTORE, d);
    }

    /** {@code if (dst op src|imm) goto taken}, 64- or 32-bit. */
    static void condition(MethodVisitor mv, Insn i, IntUnaryOperator reg, Label taken) {
        Opcode o = i.op();
        JmpOp j = o.jmpOp();
        boolean wide = o.opClass() == OpClass.JMP;
        boolean regSrc = o.form() == Form.JCOND_REG;
        boolean unsigned = j == JmpOp.JGT || j == JmpOp.JGE || j == JmpOp.JLT || j == JmpOp.JLE;
        mv.visitVarInsn(LLOAD, reg.applyAsInt(i.dst()));
        if (wide) {
            if (unsigned) {
                mv.visitLdcInsn(Long.MIN_VALUE);
                mv.visitInsn(LXOR);
            }
            if (regSrc) {
                mv.visitVarInsn(LLOAD, reg.applyAsInt(i.src()));
                if (unsigned) {
                    mv.visitLdcInsn(Long.MIN_VALUE);
                    mv.visitInsn(LXOR);
                }
            } else {
                mv.visitLdcInsn(unsigned ? (long) i.imm() ^ Long.MIN_VALUE : (long) i.imm());
            }
            if (j == JmpOp.JSET) {
                mv.visitInsn(LAND);
                mv.visitInsn(LCONST_0);
            }
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(ifZero(j), taken);
            return;
        }
        mv.visitInsn(L2I);
        if (unsigned) {
            iconst(mv, Integer.MIN_VALUE);
            mv.visitInsn(IXOR);
        }
        if (regSrc) {
            mv.visitVarInsn(LLOAD, reg.applyAsInt(i.src()));
            mv.visitInsn(L2I);
            if (unsigned) {
                iconst(mv, Integer.MIN_VALUE);
                mv.visitInsn(IXOR);
            }
        } else {
            iconst(mv, unsigned ? i.imm() ^ Integer.MIN_VALUE : i.imm());
        }
        if (j == JmpOp.JSET) {
            mv.visitInsn(IAND);
            mv.visitJumpInsn(IFNE, taken);
            return;
        }
        mv.visitJumpInsn(ifZero(j) - IFEQ + IF_ICMPEQ, taken);
    }

    /** The IFxx that tests the result of LCMP for {@code j} (JSET: the and is not zero). */
    private static int ifZero(JmpOp j) {
        return switch (j) {
            case JEQ -> IFEQ;
            case JNE, JSET -> IFNE;
            case JGT, JSGT -> IFGT;
            case JGE, JSGE -> IFGE;
            case JLT, JSLT -> IFLT;
            case JLE, JSLE -> IFLE;
            default -> throw new IllegalStateException("not a conditional jump: " + j);
        };
    }

    private static void zeroExtend(MethodVisitor mv) {
        mv.visitLdcInsn(M32);
        mv.visitInsn(LAND);
    }

    private static void runtime(MethodVisitor mv, String name, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, name, desc, false);
    }

    /** The shortest push of an int constant. */
    static void iconst(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }
}
