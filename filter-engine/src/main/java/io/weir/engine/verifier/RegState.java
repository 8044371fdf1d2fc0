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

    RegState(RegType type, Scalar var, int off, int range, int id, int map, int frame) {
        this.type = type;
        this.var = var;
        this.off = off;
        this.range = range;
        this.id = id;
        this.map = map;
        this.frame = frame;
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
        return new RegState(type, var, newOff, range, id, map, frame);
    }

    RegState withId(int newId) {
        return new RegState(type, var, off, range, newId, map, frame);
    }

    RegState withRange(int newRange) {
        return new RegState(type, var, off, newRange, id, map, frame);
    }

    RegState withType(RegType newType) {
        return new RegState(newType, var, off, range, id, map, frame);
    }

    RegState withVar(Scalar newVar, int newId) {
        return new RegState(type, newVar, off, 0, newId, map, frame);
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
            default:
                return off == cur.off && var.includes(cur.var);
        }
    }

    private boolean sameId(RegState cur, Map<Integer, Integer> ids) {
        if (id == 0 || cur.id == 0) {
            return id == cur.id;
        }
        Integer seen = ids.putIfAbsent(id, cur.id);
        if (seen != null) {
            return seen == cur.id;
        }
        // One-to-one: no other old id may already map to cur.id (negative keys record the reverse map).
        Integer back = ids.putIfAbsent(-cur.id, id);
        return back == null || back == id;
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
                }
                if (!var.isConst() || var.value() != 0) {
                    b.append(sep).append("var=").append(var);
                }
                return b.append(')').toString();
            }
        }
    }
}
