package io.weir.engine.cbpf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random valid classic programs and packets for differential tests. Every program starts by writing all of M[]
 * (so any scratch read is valid), jumps only forward, avoids constant division by zero and constant shifts of 32
 * or more, and ends in a return; loads use small offsets so that some fit the packet and some do not.
 */
final class RandomClassicPrograms {
    private static final ClassicOp[] BODY_OPS;

    static {
        List<ClassicOp> ops = new ArrayList<>();
        for (ClassicOp op : ClassicOp.values()) {
            if (!op.isReturn()) {
                ops.add(op);
            }
        }
        BODY_OPS = ops.toArray(new ClassicOp[0]);
    }

    private RandomClassicPrograms() {
    }

    static ClassicProgram program(Random r, int bodyLength) {
        List<ClassicInsn> insns = new ArrayList<>();
        for (int i = 0; i < ClassicOp.MEMWORDS; i++) {
            insns.add(ClassicInsn.ldImm(constant(r)));
            insns.add(ClassicInsn.st(i));
        }
        insns.add(ClassicInsn.ldxImm(r.nextInt(8)));
        int bodyStart = insns.size();
        int total = bodyStart + bodyLength + 2;
        for (int i = 0; i < bodyLength; i++) {
            int pc = insns.size();
            insns.add(insn(r, pc, total));
        }
        insns.add(r.nextBoolean() ? ClassicInsn.retA() : ClassicInsn.ret(constant(r)));
        insns.add(ClassicInsn.retA());
        return ClassicProgram.of(insns);
    }

    private static ClassicInsn insn(Random r, int pc, int total) {
        ClassicOp op = BODY_OPS[r.nextInt(BODY_OPS.length)];
        if (r.nextInt(8) == 0) {
            op = ClassicOp.RET_A;
        }
        int maxJump = Math.min(255, total - pc - 2);
        switch (op) {
            case JA:
                return ClassicInsn.ja(r.nextInt(Math.min(6, maxJump + 1)));
            case LD_MEM: case LDX_MEM: case ST: case STX:
                return ClassicInsn.stmt(op.code(), r.nextInt(ClassicOp.MEMWORDS));
            case LD_ABS: case LDH_ABS: case LDB_ABS: case LD_IND: case LDH_IND: case LDB_IND: case LDX_MSH:
                return ClassicInsn.stmt(op.code(), r.nextInt(10) == 0 ? constant(r) & 0x7fffffff : r.nextInt(70));
            case DIV_K: case MOD_K:
                return ClassicInsn.stmt(op.code(), r.nextBoolean() ? 1 + r.nextInt(20) : constant(r) | 1);
            case LSH_K: case RSH_K:
                return ClassicInsn.stmt(op.code(), r.nextInt(32));
            default:
                if (op.isConditionalJump()) {
                    return ClassicInsn.of(op.code(), r.nextInt(Math.min(8, maxJump + 1)),
                            r.nextInt(Math.min(8, maxJump + 1)), constant(r));
                }
                return ClassicInsn.stmt(op.code(), constant(r));
        }
    }

    /** Constants biased to the interesting: small, byte-sized, all ones, sign bits, shift-sized. */
    static int constant(Random r) {
        switch (r.nextInt(6)) {
            case 0: return r.nextInt(4);
            case 1: return r.nextInt(256);
            case 2: return -1 - r.nextInt(2);
            case 3: return 0x80000000 + r.nextInt(3) - 1;
            case 4: return 28 + r.nextInt(8);
            default: return r.nextInt();
        }
    }

    static byte[] packet(Random r) {
        byte[] p = new byte[r.nextInt(8) == 0 ? 0 : r.nextInt(80)];
        r.nextBytes(p);
        if (p.length > 0 && r.nextBoolean()) {
            p[0] = (byte) (0x40 + r.nextInt(16));
        }
        return p;
    }
}
