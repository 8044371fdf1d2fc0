package io.weir.engine.verifier;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.OpClass;
import io.weir.engine.ebpf.Opcode.Form;

/**
 * The abstract semantics of the arithmetic instructions (RFC 9669 sections 4.1 and 4.2): scalar bounds through
 * {@link Scalar}, and the pointer arithmetic the kernel allows: a constant moves any pointer but a map
 * value-or-null, a packet end or a map; a bounded scalar may be added to a packet or map value pointer; a
 * pointer minus a pointer of the same kind is a scalar; nothing else touches a pointer.
 */
final class Alu {
    /** The largest variable offset a pointer may carry, as the kernel's BPF_MAX_VAR_OFF. */
    static final long MAX_VAR_OFF = 1L << 29;

    private Alu() {}

    static void apply(Analyzer a, FrameState f, Insn i) {
        Form form = i.op().form();
        boolean w64 = i.opClass() == OpClass.ALU64;
        int d = i.dst();
        AluOp op = i.aluOp();
        RegState src;
        if (form == Form.ALU_REG || form == Form.MOVSX) {
            src = a.read(f, i.src());
        } else {
            src = RegState.constant(w64 ? i.imm64() : i.imm() & Scalar.M32);
        }
        if (op == AluOp.MOV) {
            if (w64 && form == Form.ALU_REG && src.isScalar() && src.id == 0 && !src.var.isConst()) {
                // A copy shares an id with its source, so a bound a branch learns on one reaches the other.
                src = src.withId(a.newId());
                f.regs[i.src()] = src;
            }
            f.regs[d] = mov(i, form, w64, src);
            return;
        }
        RegState dst = a.read(f, d);
        if (form == Form.NEG || form == Form.END) {
            if (!dst.isScalar()) {
                throw new Reject("R" + d + " pointer arithmetic prohibited");
            }
            f.regs[d] = RegState.scalar(form == Form.NEG ? neg(dst.var, w64) : swap(i, dst.var));
            return;
        }
        if (dst.isScalar() && src.isScalar()) {
            f.regs[d] = RegState.scalar(w64 ? scalar64(i, op, dst.var, src.var) : scalar32(i, op, dst.var, src.var));
            return;
        }
        if (!w64) {
            throw new Reject("R" + (dst.isPointer() ? d : i.src()) + " 32-bit pointer arithmetic prohibited");
        }
        f.regs[d] = pointer(a, i, op, dst, src);
    }

    private static RegState mov(Insn i, Form form, boolean w64, RegState src) {
        if (form == Form.MOVSX) {
            if (!src.isScalar()) {
                throw new Reject("R" + i.src() + " sign-extension of a pointer prohibited");
            }
            Scalar v = src.var.sext(i.op().discValue());
            return RegState.scalar(w64 ? v : v.zext32());
        }
        if (w64) {
            return src;
        }
        // A 32-bit copy of a pointer is only a number (its low half).
        return RegState.scalar(src.isScalar() ? src.var.zext32() : Scalar.unsigned(0, Scalar.M32));
    }

    private static Scalar neg(Scalar v, boolean w64) {
        return w64 ? v.neg() : v.zext32().neg().zext32();
    }

    private static Scalar swap(Insn i, Scalar v) {
        int bits = i.op().discValue();
        boolean toLittle = i.opClass() == OpClass.ALU && !i.op().isRegSource();
        if (toLittle) {
            return v.truncate(bits);
        }
        if (v.isConst()) {
            long x = v.value();
            long r = switch (bits) {
                case 16 -> Short.reverseBytes((short) x) & 0xffffL;
                case 32 -> Integer.reverseBytes((int) x) & Scalar.M32;
                default -> Long.reverseBytes(x);
            };
            return Scalar.constant(r);
        }
        return bits == 64 ? Scalar.UNKNOWN : Scalar.unsigned(0, (1L << bits) - 1);
    }

    static Scalar scalar64(Insn i, AluOp op, Scalar a, Scalar b) {
        boolean signed = i.op().discValue() == 1 && (op == AluOp.DIV || op == AluOp.MOD);
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> signed ? a.sdivmod(b, false) : a.div(b);
            case MOD -> signed ? a.sdivmod(b, true) : a.mod(b);
            case OR -> a.or(b);
            case AND -> a.and(b);
            case XOR -> a.xor(b);
            case LSH -> a.lsh(b, 64);
            case RSH -> a.rsh(b, 64);
            case ARSH -> a.arsh(b, 64);
            default -> throw new AssertionError(op);
        };
    }

    /** 32-bit arithmetic: the 64-bit rule on the projected operands, then truncation (see {@link Scalar}). */
    static Scalar scalar32(Insn i, AluOp op, Scalar a, Scalar b) {
        boolean signed = i.op().discValue() == 1 && (op == AluOp.DIV || op == AluOp.MOD);
        Scalar x = signed || op == AluOp.ARSH ? a.sext32() : a.zext32();
        Scalar y = signed ? b.sext32() : b.zext32();
        Scalar r = switch (op) {
            case LSH -> x.lsh(y, 32);
            case RSH -> x.rsh(y, 32);
            case ARSH -> x.arsh(y, 32);
            case DIV -> signed ? x.sdivmod(y, false) : x.div(y);
            case MOD -> signed ? x.sdivmod(y, true) : x.mod(y);
            default -> scalar64(i, op, x, y);
        };
        if (signed && op == AluOp.DIV && x.isConst() && y.isConst() && y.value() == -1) {
            r = Scalar.constant(-(int) x.value());
        }
        return r.zext32();
    }

    private static RegState pointer(Analyzer a, Insn i, AluOp op, RegState dst, RegState src) {
        int d = i.dst();
        if (op == AluOp.ADD) {
            if (dst.isPointer() && src.isPointer()) {
                throw new Reject("R" + d + " pointer += pointer prohibited");
            }
            return dst.isPointer() ? move(a, d, dst, src.var, false) : move(a, d, src, dst.var, false);
        }
        if (op == AluOp.SUB) {
            if (!dst.isPointer()) {
                throw new Reject("R" + d + " tried to subtract pointer from scalar");
            }
            if (src.isScalar()) {
                return move(a, d, dst, src.var, true);
            }
            return difference(d, dst, src);
        }
        int p = dst.isPointer() ? d : i.src();
        throw new Reject("R" + p + " pointer arithmetic with " + op.operator() + " operator prohibited");
    }

    /** {@code ptr + v} (or {@code ptr - v}). */
    private static RegState move(Analyzer a, int d, RegState ptr, Scalar v, boolean subtract) {
        switch (ptr.type) {
            case PTR_TO_MAP_VALUE_OR_NULL:
            case PTR_TO_MEM_OR_NULL:
                throw new Reject("R" + d + " pointer arithmetic on " + ptr.type.label()
                        + " prohibited, null-check it first");
            case PTR_TO_PACKET_END:
            case CONST_PTR_TO_MAP:
                throw new Reject("R" + d + " pointer arithmetic on " + ptr.type.label() + " prohibited");
            default:
                break;
        }
        if (v.isConst()) {
            long c = subtract ? -v.value() : v.value();
            long off = ptr.off + c;
            if (v.value() == Long.MIN_VALUE || off <= -MAX_VAR_OFF || off >= MAX_VAR_OFF) {
                throw new Reject("R" + d + " value " + c + " makes " + ptr.type.label()
                        + " pointer be out of bounds");
            }
            return ptr.withOff((int) off);
        }
        if (ptr.type == RegType.PTR_TO_STACK || ptr.type == RegType.PTR_TO_CTX) {
            throw new Reject("R" + d + " variable " + (ptr.type == RegType.PTR_TO_STACK ? "stack" : "ctx")
                    + " pointer arithmetic prohibited (offset " + v + ")");
        }
        if (subtract) {
            throw new Reject("R" + d + " variable subtraction from " + ptr.type.label() + " pointer prohibited");
        }
        if (v.smin == Long.MIN_VALUE) {
            throw new Reject("R" + d + " math between " + ptr.type.label()
                    + " pointer and register with unbounded min value is not allowed");
        }
        Scalar sum = ptr.var.add(v);
        if (v.smin <= -MAX_VAR_OFF || v.smax >= MAX_VAR_OFF || sum.smin <= -MAX_VAR_OFF
                || sum.smax >= MAX_VAR_OFF) {
            throw new Reject("R" + d + " value " + v + " makes " + ptr.type.label() + " pointer be out of bounds");
        }
        // A new variable part: packet ranges proven for the old one do not carry over.
        return ptr.withVar(sum, ptr.type == RegType.PTR_TO_PACKET ? a.newId() : ptr.id);
    }

    private static RegState difference(int d, RegState x, RegState y) {
        boolean same = x.type == y.type && (x.type == RegType.PTR_TO_PACKET || x.type == RegType.PTR_TO_STACK
                && x.frame == y.frame || x.type == RegType.PTR_TO_MAP_VALUE && x.map == y.map);
        boolean packetEnd = x.type == RegType.PTR_TO_PACKET_END && y.type == RegType.PTR_TO_PACKET
                || x.type == RegType.PTR_TO_PACKET && y.type == RegType.PTR_TO_PACKET_END;
        if (!same && !packetEnd) {
            throw new Reject("R" + d + " subtraction of " + y.type.label() + " from " + x.type.label()
                    + " pointer prohibited");
        }
        if (same && x.id == y.id && x.var.isConst() && y.var.isConst()) {
            return RegState.constant((long) x.off - y.off + x.var.value() - y.var.value());
        }
        return RegState.UNKNOWN;
    }
}
