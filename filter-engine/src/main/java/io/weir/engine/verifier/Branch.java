package io.weir.engine.verifier;

import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.OpClass;
import io.weir.engine.ebpf.Opcode.Form;

/**
 * Conditional jumps (RFC 9669 section 4.3): which way a jump can go and what each way teaches. Scalars narrow
 * their bounds on each side (on 64 bits, or on the low 32 bits for JMP32); a packet pointer compared with
 * {@code data_end} proves a readable range for every pointer sharing its variable part; a map value-or-null
 * compared with 0 becomes null on one side and a map value on the other, with all its copies (a ring buffer
 * record-or-null likewise, its reference released on the null side); a pointer that
 * cannot be null is never equal to 0. A side that cannot happen is not explored.
 */
final class Branch {
    /** The relations a branch side can establish between dst and src. */
    enum Rel { EQ, NE, UGT, UGE, ULT, ULE, SGT, SGE, SLT, SLE, SET, NSET }

    private Branch() {}

    /** The states of the taken and the fall-through side (null where that side cannot happen). */
    static State[] split(Analyzer a, State s, Insn i) {
        FrameState f = s.cur();
        boolean w32 = i.opClass() == OpClass.JMP32;
        RegState dst = a.read(f, i.dst());
        boolean reg = i.op().form() == Form.JCOND_REG;
        RegState src = reg ? a.read(f, i.src())
                : RegState.constant(w32 ? i.imm() & Scalar.M32 : i.imm64());
        State taken = s.copy();
        State fall = s;
        boolean okTaken = refine(a, taken, i, dst, src, reg, w32, relation(i.jmpOp(), true));
        boolean okFall = refine(a, fall, i, dst, src, reg, w32, relation(i.jmpOp(), false));
        return new State[] {okTaken ? taken : null, okFall ? fall : null};
    }

    private static Rel relation(JmpOp op, boolean taken) {
        Rel r = switch (op) {
            case JEQ -> Rel.EQ;
            case JNE -> Rel.NE;
            case JGT -> Rel.UGT;
            case JGE -> Rel.UGE;
            case JLT -> Rel.ULT;
            case JLE -> Rel.ULE;
            case JSGT -> Rel.SGT;
            case JSGE -> Rel.SGE;
            case JSLT -> Rel.SLT;
            case JSLE -> Rel.SLE;
            case JSET -> Rel.SET;
            default -> throw new AssertionError(op);
        };
        if (taken) {
            return r;
        }
        return switch (r) {
            case EQ -> Rel.NE;
            case NE -> Rel.EQ;
            case UGT -> Rel.ULE;
            case UGE -> Rel.ULT;
            case ULT -> Rel.UGE;
            case ULE -> Rel.UGT;
            case SGT -> Rel.SLE;
            case SGE -> Rel.SLT;
            case SLT -> Rel.SGE;
            case SLE -> Rel.SGT;
            case SET -> Rel.NSET;
            case NSET -> Rel.SET;
        };
    }

    /** Applies {@code rel} to the state of one side; false when that side is impossible. */
    private static boolean refine(Analyzer a, State s, Insn i, RegState dst, RegState src, boolean reg, boolean w32,
            Rel rel) {
        FrameState f = s.cur();
        if (dst.isScalar() && src.isScalar()) {
            Scalar[] r = scalars(dst.var, src.var, rel, w32);
            if (r == null) {
                return false;
            }
            narrow(s, dst, r[0]);
            f.regs[i.dst()] = new RegState(RegType.SCALAR, r[0], 0, 0, dst.id, -1, 0);
            if (reg) {
                Scalar v = i.src() == i.dst() ? r[0] : r[1];
                narrow(s, src, v);
                f.regs[i.src()] = new RegState(RegType.SCALAR, v, 0, 0, src.id, -1, 0);
            }
            return true;
        }
        if (w32) {
            return true;
        }
        if (dst.isPointer() && src.isPointer()) {
            packetRange(a, s, dst, src, rel);
            return true;
        }
        RegState p = dst.isPointer() ? dst : src;
        RegState n = dst.isPointer() ? src : dst;
        if ((rel == Rel.EQ || rel == Rel.NE) && n.isConst(0)) {
            boolean isNull = rel == Rel.EQ;
            if (p.type == RegType.PTR_TO_MAP_VALUE_OR_NULL) {
                int id = p.id;
                s.mapAll(x -> x.type == RegType.PTR_TO_MAP_VALUE_OR_NULL && x.id == id
                        ? (isNull ? RegState.constant(0) : x.withType(RegType.PTR_TO_MAP_VALUE)) : x);
                return true;
            }
            if (p.type == RegType.PTR_TO_MEM_OR_NULL) {
                int id = p.id;
                s.mapAll(x -> x.type == RegType.PTR_TO_MEM_OR_NULL && x.id == id
                        ? (isNull ? RegState.constant(0) : x.withType(RegType.PTR_TO_MEM)) : x);
                if (isNull) {
                    // A reservation that failed holds nothing to release.
                    s.release(p.ref);
                }
                return true;
            }
            // Context, packet, stack, map value, memory and map pointers are never null.
            return !isNull;
        }
        return true;
    }

    /** Gives every copy of {@code reg} (same scalar id) the narrowed value {@code v}. */
    private static void narrow(State s, RegState reg, Scalar v) {
        if (reg.id != 0) {
            int id = reg.id;
            s.mapAll(x -> x.type == RegType.SCALAR && x.id == id ? new RegState(RegType.SCALAR, v, 0, 0, id, -1, 0) : x);
        }
    }

    /** {@code pkt OP pkt_end} (either order): the side where {@code pkt <= data_end} proves {@code pkt.off} bytes. */
    private static void packetRange(Analyzer a, State s, RegState x, RegState y, Rel rel) {
        RegState pkt;
        boolean pktFirst;
        if (x.type == RegType.PTR_TO_PACKET && y.type == RegType.PTR_TO_PACKET_END) {
            pkt = x;
            pktFirst = true;
        } else if (y.type == RegType.PTR_TO_PACKET && x.type == RegType.PTR_TO_PACKET_END) {
            pkt = y;
            pktFirst = false;
        } else {
            return;
        }
        // Normalise to "pkt REL end".
        Rel r = pktFirst ? rel : switch (rel) {
            case UGT -> Rel.ULT;
            case UGE -> Rel.ULE;
            case ULT -> Rel.UGT;
            case ULE -> Rel.UGE;
            default -> rel;
        };
        if ((r != Rel.ULE && r != Rel.ULT) || pkt.off <= 0 || pkt.var.smin < 0 || pkt.off > 0xffff) {
            return;
        }
        int id = pkt.id;
        int range = pkt.off;
        s.mapAll(v -> v.type == RegType.PTR_TO_PACKET && v.id == id && v.range < range ? v.withRange(range) : v);
    }

    /** Narrows two scalars by {@code rel} on 64 or 32 bits; null when no values satisfy it. */
    static Scalar[] scalars(Scalar a, Scalar b, Rel rel, boolean w32) {
        switch (rel) {
            case ULT: return swap(scalars(b, a, Rel.UGT, w32));
            case ULE: return swap(scalars(b, a, Rel.UGE, w32));
            case SLT: return swap(scalars(b, a, Rel.SGT, w32));
            case SLE: return swap(scalars(b, a, Rel.SGE, w32));
            default: break;
        }
        View x = new View(a, w32);
        View y = new View(b, w32);
        switch (rel) {
            case UGT:
                if (y.umin == x.umaxAll() || x.umax == 0) {
                    return null;
                }
                x.umin = x.maxU(x.umin, y.umin + 1);
                y.umax = x.minU(y.umax, x.umax - 1);
                break;
            case UGE:
                x.umin = x.maxU(x.umin, y.umin);
                y.umax = x.minU(y.umax, x.umax);
                break;
            case SGT:
                if (y.smin == x.smaxAll() || x.smax == x.sminAll()) {
                    return null;
                }
                x.smin = Math.max(x.smin, y.smin + 1);
                y.smax = Math.min(y.smax, x.smax - 1);
                break;
            case SGE:
                x.smin = Math.max(x.smin, y.smin);
                y.smax = Math.min(y.smax, x.smax);
                break;
            case EQ: {
                if (!x.t.overlaps(y.t)) {
                    return null;
                }
                Tnum t = x.t.intersect(y.t);
                x.t = t;
                y.t = t;
                x.umin = y.umin = x.maxU(x.umin, y.umin);
                x.umax = y.umax = x.minU(x.umax, y.umax);
                x.smin = y.smin = Math.max(x.smin, y.smin);
                x.smax = y.smax = Math.min(x.smax, y.smax);
                break;
            }
            case NE:
                if (x.t.isConst() && y.t.isConst()) {
                    if (x.t.value() == y.t.value()) {
                        return null;
                    }
                } else if (y.t.isConst()) {
                    x.exclude(y.t.value());
                } else if (x.t.isConst()) {
                    y.exclude(x.t.value());
                }
                break;
            case SET:
                if (y.t.isConst() && ((x.t.value() | x.t.mask()) & y.t.value()) == 0) {
                    return null;
                }
                break;
            case NSET:
                if (y.t.isConst()) {
                    long c = y.t.value();
                    if ((x.t.value() & c) != 0) {
                        return null;
                    }
                    x.t = new Tnum(x.t.value() & ~c, x.t.mask() & ~c);
                }
                break;
            default:
                throw new AssertionError(rel);
        }
        Scalar ra = x.back(a);
        Scalar rb = y.back(b);
        return ra == null || rb == null ? null : new Scalar[] {ra, rb};
    }

    private static Scalar[] swap(Scalar[] r) {
        return r == null ? null : new Scalar[] {r[1], r[0]};
    }

    /** One width's bounds of a scalar, as plain longs (32-bit unsigned values are held in [0, 2^32)). */
    private static final class View {
        final boolean w32;
        Tnum t;
        long umin;
        long umax;
        long smin;
        long smax;

        View(Scalar s, boolean w32) {
            this.w32 = w32;
            if (w32) {
                t = s.t.cast32();
                umin = s.u32min & Scalar.M32;
                umax = s.u32max & Scalar.M32;
                smin = s.s32min;
                smax = s.s32max;
            } else {
                t = s.t;
                umin = s.umin;
                umax = s.umax;
                smin = s.smin;
                smax = s.smax;
            }
        }

        long umaxAll() {
            return w32 ? Scalar.M32 : -1L;
        }

        long smaxAll() {
            return w32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        }

        long sminAll() {
            return w32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
        }

        long maxU(long p, long q) {
            return w32 ? Math.max(p, q) : Scalar.maxU(p, q);
        }

        long minU(long p, long q) {
            return w32 ? Math.min(p, q) : Scalar.minU(p, q);
        }

        /** Removes the value {@code c} where it is an end of a range. */
        void exclude(long c) {
            long cu = w32 ? c & Scalar.M32 : c;
            long cs = w32 ? (int) c : c;
            if (umin == cu && umin != umax) {
                umin++;
            } else if (umax == cu && umin != umax) {
                umax--;
            }
            if (smin == cs && smin != smax) {
                smin++;
            } else if (smax == cs && smin != smax) {
                smax--;
            }
        }

        Scalar back(Scalar s) {
            if (w32) {
                Tnum full = new Tnum((s.t.value() & ~Scalar.M32) | t.value(), (s.t.mask() & ~Scalar.M32) | t.mask());
                if ((umin > umax) || smin > smax) {
                    return null;
                }
                return Scalar.sync(new Scalar(full, s.smin, s.smax, s.umin, s.umax, (int) Math.max(smin, s.s32min),
                        (int) Math.min(smax, s.s32max), (int) umin, (int) umax));
            }
            if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) {
                return null;
            }
            return Scalar.sync(new Scalar(t, smin, smax, umin, umax, s.s32min, s.s32max, s.u32min, s.u32max));
        }
    }
}
