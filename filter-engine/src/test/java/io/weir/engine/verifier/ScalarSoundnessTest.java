package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Soundness of the scalar domain, checked against the interpreter: for random abstract values and concrete
 * members of them, every ALU64/ALU32 result (computed by running the instruction on the eBPF interpreter) is a
 * member of the abstract result, and every branch side that a concrete pair takes keeps that pair. The seed is
 * in every failure message ({@code -Dweir.seed=N} to replay).
 */
class ScalarSoundnessTest {
    private static final long SEED = Long.getLong("weir.seed", 0x50d0L);
    private static final long[] INTERESTING = {0, 1, 2, 7, 8, 31, 32, 63, 64, 255, 256, 0x7fff, 0xffff, 0x7fff_ffffL,
        0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2, -255, -0x8000_0000L};

    static boolean contains(Scalar s, long x) {
        return s.t.contains(x) && s.smin <= x && x <= s.smax && Long.compareUnsigned(s.umin, x) <= 0
                && Long.compareUnsigned(x, s.umax) <= 0 && s.s32min <= (int) x && (int) x <= s.s32max
                && Integer.compareUnsigned(s.u32min, (int) x) <= 0 && Integer.compareUnsigned((int) x, s.u32max) <= 0;
    }

    static long value(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> INTERESTING[r.nextInt(INTERESTING.length)];
            case 1 -> r.nextInt(600) - 300;
            case 2 -> r.nextLong();
            case 3 -> r.nextInt() & 0xffff_ffffL;
            default -> INTERESTING[r.nextInt(INTERESTING.length)] + r.nextInt(5) - 2;
        };
    }

    static Scalar abstractValue(Random r) {
        long a = value(r);
        long b = value(r);
        Scalar s = switch (r.nextInt(6)) {
            case 0 -> Scalar.constant(a);
            case 1 -> Scalar.unsigned(Scalar.minU(a, b), Scalar.maxU(a, b));
            case 2 -> Scalar.signed(Math.min(a, b), Math.max(a, b));
            case 3 -> Scalar.unsigned(Scalar.minU(a, b), Scalar.maxU(a, b)).zext32();
            case 4 -> Scalar.of(new Tnum(a, b & r.nextLong()), Long.MIN_VALUE, Long.MAX_VALUE, 0, -1L);
            default -> Scalar.UNKNOWN;
        };
        return s == null ? Scalar.UNKNOWN : s;
    }

    static long member(Random r, Scalar s) {
        for (int k = 0; k < 50; k++) {
            long x = switch (r.nextInt(7)) {
                case 0 -> s.umin;
                case 1 -> s.umax;
                case 2 -> s.smin;
                case 3 -> s.smax;
                case 4 -> s.t.value() | (r.nextLong() & s.t.mask());
                case 5 -> s.umin + r.nextInt(4);
                default -> (s.t.value() | (r.nextLong() & s.t.mask()) & ~0xffff_ffffL) | (s.u32min + r.nextInt(3)
                        & 0xffff_ffffL);
            };
            if (contains(s, x)) {
                return x;
            }
        }
        return s.t.value();
    }

    private static final AluOp[] OPS = {AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.OR, AluOp.AND, AluOp.LSH,
        AluOp.RSH, AluOp.MOD, AluOp.XOR, AluOp.ARSH};

    @Test
    void aluResultsContainEveryConcreteResult() {
        Random r = new Random(SEED);
        for (int n = 0; n < 4000; n++) {
            Scalar a = abstractValue(r);
            Scalar b = r.nextInt(3) == 0 ? Scalar.constant(value(r)) : abstractValue(r);
            if (!contains(a, member(r, a)) || !contains(b, member(r, b))) {
                continue;
            }
            AluOp op = OPS[r.nextInt(OPS.length)];
            boolean w64 = r.nextBoolean();
            boolean signed = (op == AluOp.DIV || op == AluOp.MOD) && r.nextBoolean();
            Insn i = Insn.of((w64 ? 0x07 : 0x04) | op.code() | 0x08, 0, 1, signed ? 1 : 0, 0);
            Scalar res = w64 ? Alu.scalar64(i, op, a, b) : Alu.scalar32(i, op, a, b);
            String what = "seed " + SEED + " case " + n + ": " + i + " with r0 in " + a + ", r1 in " + b;
            assertNotNull(res, what);
            for (int k = 0; k < 6; k++) {
                long x = member(r, a);
                long y = member(r, b);
                long z = run(i, x, y);
                if (!contains(res, z)) {
                    fail(what + ": " + Long.toHexString(x) + " op " + Long.toHexString(y) + " = "
                            + Long.toHexString(z) + " is not in " + res + " " + res.t);
                }
            }
        }
    }

    @Test
    void branchSidesKeepEveryConcretePairThatTakesThem() {
        Random r = new Random(SEED + 1);
        JmpOp[] ops = {JmpOp.JEQ, JmpOp.JNE, JmpOp.JGT, JmpOp.JGE, JmpOp.JLT, JmpOp.JLE, JmpOp.JSGT, JmpOp.JSGE,
            JmpOp.JSLT, JmpOp.JSLE, JmpOp.JSET};
        for (int n = 0; n < 6000; n++) {
            Scalar a = abstractValue(r);
            Scalar b = r.nextInt(2) == 0 ? Scalar.constant(value(r)) : abstractValue(r);
            boolean w32 = r.nextBoolean();
            JmpOp op = ops[r.nextInt(ops.length)];
            long x = member(r, a);
            long y = member(r, b);
            if (!contains(a, x) || !contains(b, y)) {
                continue;
            }
            boolean taken = holds(op, x, y, w32);
            Branch.Rel rel = rel(op, taken);
            Scalar[] side = Branch.scalars(a, b, rel, w32);
            String what = "seed " + SEED + " case " + n + ": " + (w32 ? "w" : "r") + " " + op + " taken=" + taken
                    + " x=" + Long.toHexString(x) + " in " + a + ", y=" + Long.toHexString(y) + " in " + b;
            assertNotNull(side, what + ": the side is wrongly judged impossible");
            assertTrue(contains(side[0], x) && contains(side[1], y), what + ": refined to " + side[0] + ", "
                    + side[1]);
        }
    }

    private static Branch.Rel rel(JmpOp op, boolean taken) {
        String name = switch (op) {
            case JEQ -> taken ? "EQ" : "NE";
            case JNE -> taken ? "NE" : "EQ";
            case JGT -> taken ? "UGT" : "ULE";
            case JGE -> taken ? "UGE" : "ULT";
            case JLT -> taken ? "ULT" : "UGE";
            case JLE -> taken ? "ULE" : "UGT";
            case JSGT -> taken ? "SGT" : "SLE";
            case JSGE -> taken ? "SGE" : "SLT";
            case JSLT -> taken ? "SLT" : "SGE";
            case JSLE -> taken ? "SLE" : "SGT";
            default -> taken ? "SET" : "NSET";
        };
        return Branch.Rel.valueOf(name);
    }

    private static boolean holds(JmpOp op, long x, long y, boolean w32) {
        if (w32) {
            int a = (int) x;
            int b = (int) y;
            return switch (op) {
                case JEQ -> a == b;
                case JNE -> a != b;
                case JGT -> Integer.compareUnsigned(a, b) > 0;
                case JGE -> Integer.compareUnsigned(a, b) >= 0;
                case JLT -> Integer.compareUnsigned(a, b) < 0;
                case JLE -> Integer.compareUnsigned(a, b) <= 0;
                case JSGT -> a > b;
                case JSGE -> a >= b;
                case JSLT -> a < b;
                case JSLE -> a <= b;
                default -> (a & b) != 0;
            };
        }
        return switch (op) {
            case JEQ -> x == y;
            case JNE -> x != y;
            case JGT -> Long.compareUnsigned(x, y) > 0;
            case JGE -> Long.compareUnsigned(x, y) >= 0;
            case JLT -> Long.compareUnsigned(x, y) < 0;
            case JLE -> Long.compareUnsigned(x, y) <= 0;
            case JSGT -> x > y;
            case JSGE -> x >= y;
            case JSLT -> x < y;
            case JSLE -> x <= y;
            default -> (x & y) != 0;
        };
    }

    /** The interpreter's result of {@code r0 op= r1} with r0 = x, r1 = y. */
    private static long run(Insn op, long x, long y) {
        Program p = new Program(ProgramType.RAW, List.of(Insn.lddw(0, x), Insn.lddw(1, y), op, Insn.exit()));
        return new EbpfInterpreter(p, HelperTable.conformance(), 10).run(new byte[0]);
    }
}
