package io.weir.engine.verifier;

import java.util.Map;

/**
 * The abstract value of one register: its {@link RegType}, and for pointers a fixed offset {@code off} plus a
 * variable offset {@code var} (a {@link Scalar}; the value itself for scalars). Immutable.
 *
 * <ul>
 *   <li>packet pointers: {@code id} names the variable part they share (0 for {@code data} plus constants); every
 *       packet pointer with the same id may read {@code [0, range)} from its base ({@code data + var});</li>
 *   <li>map values and map values-or-null: {@code map} is the map's index, {@code id} pairs a lookup's result
 *       with its copies so that one null check settles them all;</li>
 *   <li>stack pointers: {@code frame} is the call depth of the frame they point into;</li>
 *   <li>memory (a ring buffer record) and memory-or-null: {@code range} is its size in bytes, {@code id} pairs a
 *       reservation with its copies for the null check, and {@code ref} names the reference it holds (the
 *       kernel's {@code ref_obj_id}), which {@link State} tracks until a release;</li>
 *   <li>scalars: {@code id} links copies made by a 64-bit {@code mov}, so that a branch narrows all of them.</li>
 * </ul>
 */
final class RegState {
    static final RegState NOT_INIT = new RegState(RegType.NOT_INIT, Scalar.UNKNOWN, 0, 0, 0, -1, 0);
    static final RegState UNKNOWN = scalar(Scalar.UNKNOWN);

    final RegType type;
    final Scalar var;
    final int off;
    final int range;
    final int id;
    final int map;
    final int frame;
    /** The acquired reference this pointer holds (0: none). */
    final int ref;

    RegState(RegType type, Scalar var, int off, int range, int id, int map, int frame) {
        this(type, var, off, range, id, map, frame, 0);
    }

    RegState(RegType type, Scalar var, int off, int range, int id, int map, int frame, int ref) {
        this.type = type;
        this.var = var;
        this.off = off;
        this.range = range;
        this.id = id;
        this.map = map;
        this.frame = frame;
        this.ref = ref;
    }

    static RegState scalar(Scalar s) {
        return new RegState(RegType.SCALAR, s, 0, 0, 0, -1, 0);
    }

    static RegState constant(long v) {
        return scalar(Scalar.constant(v));
    }

    static RegState pointer(RegType type, int off) {
        return new RegState(type, Scalar.constant(0), off, 0, 0, -1, 0);
    }

    static RegState stack(int frame, int off) {
        return new RegState(RegType.PTR_TO_STACK, Scalar.constant(0), off, 0, 0, -1, frame);
    }

    RegState withOff(int newOff) {
        return new RegState(type, var, newOff, range, id, map, frame, ref);
    }

    RegState withId(int newId) {
        return new RegState(type, var, off, range, newId, map, frame, ref);
    }

    RegState withRange(int newRange) {
        return new RegState(type, var, off, newRange, id, map, frame, ref);
    }

    RegState withType(RegType newType) {
        return new RegState(newType, var, off, range, id, map, frame, ref);
    }

    /** A new variable part; a packet pointer's proven range does not carry over, a memory size does. */
    RegState withVar(Scalar newVar, int newId) {
        return new RegState(type, newVar, off, type == RegType.PTR_TO_PACKET ? 0 : range, newId, map, frame, ref);
    }

    boolean isScalar() {
        return type == RegType.SCALAR;
    }

    boolean isPointer() {
        return type.isPointer();
    }

    /** Whether a scalar is the constant {@code v}. */
    boolean isConst(long v) {
        return type == RegType.SCALAR && var.isConst() && var.value() == v;
    }

    /**
     * Whether every concrete value this (old, already proven safe) state allows covers {@code cur}, so that
     * {@code cur}'s future is safe too. {@code ids} maps old ids to current ones and must stay one-to-one.
     */
    boolean includes(RegState cur, Map<Integer, Integer> ids) {
        if (type == RegType.NOT_INIT) {
            // The old path never read it (it was verified), so its future does not depend on it.
            return true;
        }
        if (cur.type != type) {
            return false;
        }
        switch (type) {
            case SCALAR:
                // Copies linked by an id in the old state must be linked in the new one too: the old proof may
                // rely on a bound learnt on one copy reaching the other.
                return var.includes(cur.var) && (id == 0 || cur.id != 0 && sameId(cur, ids));
            case PTR_TO_PACKET:
                return off == cur.off && range <= cur.range && var.includes(cur.var) && sameId(cur, ids);
            case PTR_TO_STACK:
                return off == cur.off && frame == cur.frame;
            case PTR_TO_MAP_VALUE:
                return map == cur.map && off == cur.off && var.includes(cur.var);
            case PTR_TO_MAP_VALUE_OR_NULL:
                return map == cur.map && off == cur.off && var.includes(cur.var) && sameId(cur, ids);
            case CONST_PTR_TO_MAP:
                return map == cur.map;
            case PTR_TO_MEM:
            case PTR_TO_MEM_OR_NULL:
                return off == cur.off && range == cur.range && var.includes(cur.var) && sameId(cur, ids)
                        && sameRef(cur, ids);
            default:
                return off == cur.off && var.includes(cur.var);
        }
    }

    private boolean sameId(RegState cur, Map<Integer, Integer> ids) {
        return sameId(id, cur.id, ids);
    }

    private boolean sameRef(RegState cur, Map<Integer, Integer> ids) {
        return sameId(ref, cur.ref, ids);
    }

    /** Whether old id {@code old} corresponds to current id {@code cur} under the one-to-one map {@code ids}. */
    static boolean sameId(int old, int cur, Map<Integer, Integer> ids) {
        if (old == 0 || cur == 0) {
            return old == cur;
        }
        Integer seen = ids.putIfAbsent(old, cur);
        if (seen != null) {
            return seen == cur;
        }
        // One-to-one: no other old id may already map to cur (negative keys record the reverse map).
        Integer back = ids.putIfAbsent(-cur, old);
        return back == null || back == old;
    }

    @Override
    public String toString() {
        switch (type) {
            case NOT_INIT:
                return "?";
            case SCALAR:
                return var.toString();
            case PTR_TO_STACK:
                return "fp" + (frame == 0 ? "" : "[" + frame + "]") + (off == 0 ? "" : off > 0 ? "+" + off : off);
            case CONST_PTR_TO_MAP:
                return "map_ptr(map=" + map + ")";
            default: {
                StringBuilder b = new StringBuilder(type.label()).append('(');
                String sep = "";
                if (id != 0) {
                    b.append("id=").append(id);
                    sep = ",";
                }
                if (ref != 0) {
                    b.append(sep).append("ref_obj_id=").append(ref);
                    sep = ",";
                }
                if (map >= 0) {
                    b.append(sep).append("map=").append(map);
                    sep = ",";
                }
                if (off != 0) {
                    b.append(sep).append("off=").append(off);
                    sep = ",";
                }
                if (type == RegType.PTR_TO_PACKET) {
                    b.append(sep).append("r=").append(range);
                    sep = ",";
                } else if (type == RegType.PTR_TO_MEM || type == RegType.PTR_TO_MEM_OR_NULL) {
                    b.append(sep).append("size=").append(range);
                    sep = ",";
                }
                if (!var.isConst() || var.value() != 0) {
                    b.append(sep).append("var=").append(var);
                }
                return b.append(')').toString();
            }
        }
    }
}
