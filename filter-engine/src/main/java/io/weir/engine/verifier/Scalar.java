package io.weir.engine.verifier;

/**
 * The abstract value of a scalar register (or of a pointer's variable offset): known bits ({@link Tnum}) and
 * signed and unsigned bounds, on 64 bits and on the low 32 bits, as the kernel's {@code bpf_reg_state}. Immutable.
 *
 * <p>Every factory and operation ends in {@link #sync}, which tightens each view from the others (the kernel's
 * {@code reg_bounds_sync}) and reports an empty set, which only a branch refinement can produce, as {@code null}.
 *
 * <p>32-bit arithmetic is not a second set of rules: the operands are projected onto their low 32 bits
 * (zero- or sign-extended as the operation reads them), the 64-bit rule runs, and the result is truncated to
 * 32 bits and zero-extended, which is exactly what ALU32 computes. So one set of rules, tested once, serves
 * both widths, and the bound losses of the kernel's CVE history (sign extension, truncation) are handled by
 * the projections in one place.
 */
final class Scalar {
    static final long M32 = 0xffff_ffffL;
    static final Scalar UNKNOWN = new Scalar(Tnum.UNKNOWN, Long.MIN_VALUE, Long.MAX_VALUE, 0, -1L,
            Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1);

    final Tnum t;
    final long smin;
    final long smax;
    final long umin;
    final long umax;
    final int s32min;
    final int s32max;
    final int u32min;
    final int u32max;

    Scalar(Tnum t, long smin, long smax, long umin, long umax, int s32min, int s32max, int u32min, int u32max) {
        this.t = t;
        this.smin = smin;
        this.smax = smax;
        this.umin = umin;
        this.umax = umax;
        this.s32min = s32min;
        this.s32max = s32max;
        this.u32min = u32min;
        this.u32max = u32max;
    }

    static Scalar constant(long v) {
        return new Scalar(Tnum.constant(v), v, v, v, v, (int) v, (int) v, (int) v, (int) v);
    }

    /** The unsigned range [min, max]. */
    static Scalar unsigned(long min, long max) {
        return of(Tnum.range(min, max), Long.MIN_VALUE, Long.MAX_VALUE, min, max);
    }

    /** The signed range [min, max]. */
    static Scalar signed(long min, long max) {
        return of(Tnum.UNKNOWN, min, max, 0, -1L);
    }

    static Scalar of(Tnum t, long smin, long smax, long umin, long umax) {
        return sync(new Scalar(t, smin, smax, umin, umax, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1));
    }

    boolean isConst() {
        return t.isConst();
    }

    long value() {
        return t.value();
    }

    /** Whether every value of {@code n} is a value of this one. */
    boolean includes(Scalar n) {
        return smin <= n.smin && n.smax <= smax && Long.compareUnsigned(umin, n.umin) <= 0
                && Long.compareUnsigned(n.umax, umax) <= 0 && s32min <= n.s32min && n.s32max <= s32max
                && Integer.compareUnsigned(u32min, n.u32min) <= 0 && Integer.compareUnsigned(n.u32max, u32max) <= 0
                && t.includes(n.t);
    }

    /** The smallest value holding both (used when stack bytes of two kinds meet; not for joins of paths). */
    Scalar union(Scalar b) {
        return sync(new Scalar(t.union(b.t), Math.min(smin, b.smin), Math.max(smax, b.smax), minU(umin, b.umin),
                maxU(umax, b.umax), Math.min(s32min, b.s32min), Math.max(s32max, b.s32max),
                (int) Math.min(u32min & M32, b.u32min & M32), (int) Math.max(u32max & M32, b.u32max & M32)));
    }

    // ------------------------------------------------------------------ bounds sync

    /** Tightens every view from the others; null when the set is empty. */
    static Scalar sync(Scalar s) {
        Tnum t = s.t;
        long smin = s.smin, smax = s.smax, umin = s.umin, umax = s.umax;
        long s32min = s.s32min, s32max = s.s32max, u32min = s.u32min & M32, u32max = s.u32max & M32;
        for (int round = 0; round < 3; round++) {
            // From the known bits.
            umin = maxU(umin, t.min());
            umax = minU(umax, t.max());
            smin = Math.max(smin, t.value() | (t.mask() & Long.MIN_VALUE));
            smax = Math.min(smax, t.value() | (t.mask() & Long.MAX_VALUE));
            Tnum lo = t.cast32();
            u32min = Math.max(u32min, lo.min());
            u32max = Math.min(u32max, lo.max());
            s32min = Math.max(s32min, (int) lo.value() | ((int) lo.mask() & Integer.MIN_VALUE));
            s32max = Math.min(s32max, (int) lo.value() | ((int) lo.mask() & Integer.MAX_VALUE));
            // Signed and unsigned views agree where the range does not cross the sign boundary.
            if ((umin ^ umax) >= 0) {
                smin = Math.max(smin, umin);
                smax = Math.min(smax, umax);
            }
            if ((smin ^ smax) >= 0) {
                umin = maxU(umin, smin);
                umax = minU(umax, smax);
            }
            if (((u32min ^ u32max) & 0x8000_0000L) == 0) {
                s32min = Math.max(s32min, (int) u32min);
                s32max = Math.min(s32max, (int) u32max);
            }
            if ((s32min ^ s32max) >= 0) {
                u32min = Math.max(u32min, s32min & M32);
                u32max = Math.min(u32max, s32max & M32);
            }
            // 64 -> 32: when the upper halves of the bounds agree, the low halves bound the subregister.
            if ((umin >>> 32) == (umax >>> 32)) {
                u32min = Math.max(u32min, umin & M32);
                u32max = Math.min(u32max, umax & M32);
                if ((int) umin <= (int) umax) {
                    s32min = Math.max(s32min, (int) umin);
                    s32max = Math.min(s32max, (int) umax);
                }
            }
            if ((smin >> 32) == (smax >> 32)) {
                if ((int) smin <= (int) smax) {
                    s32min = Math.max(s32min, (int) smin);
                    s32max = Math.min(s32max, (int) smax);
                }
                if (Integer.compareUnsigned((int) smin, (int) smax) <= 0) {
                    u32min = Math.max(u32min, smin & M32);
                    u32max = Math.min(u32max, smax & M32);
                }
            }
            // 32 -> 64: with a fixed upper half, the subregister bounds bound the whole register.
            if ((umin >>> 32) == (umax >>> 32)) {
                long hi = umin & ~M32;
                umin = maxU(umin, hi | u32min);
                umax = minU(umax, hi | u32max);
            }
            if ((smin >> 32) == (smax >> 32)) {
                long hi = smin & ~M32;
                smin = Math.max(smin, hi | u32min);
                smax = Math.min(smax, hi | u32max);
            }
            if (Long.compareUnsigned(umin, umax) > 0 || smin > smax || u32min > u32max || s32min > s32max) {
                return null;
            }
            // Ranges back into known bits.
            Tnum r = Tnum.range(umin, umax);
            Tnum r32 = Tnum.range(u32min, u32max);
            r32 = new Tnum(r32.value(), r32.mask() | ~M32);
            if (!t.overlaps(r) || !t.overlaps(r32)) {
                return null;
            }
            t = t.intersect(r).intersect(r32);
        }
        return new Scalar(t, smin, smax, umin, umax, (int) s32min, (int) s32max, (int) u32min, (int) u32max);
    }

    static long maxU(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long minU(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    // ------------------------------------------------------------------ projections

    /** The low 32 bits, zero-extended: what a 32-bit operation reads, and what it leaves in the register. */
    Scalar zext32() {
        Scalar s = new Scalar(t.cast32(), Long.MIN_VALUE, Long.MAX_VALUE, u32min & M32, u32max & M32, s32min,
                s32max, u32min, u32max);
        return sync(s);
    }

    /** The low 32 bits, sign-extended: what ARSH32, SDIV32 and SMOD32 read. */
    Scalar sext32() {
        return sync(new Scalar(t.sext32(), s32min, s32max, 0, -1L, s32min, s32max, u32min, u32max));
    }

    /** The low {@code bits} (8, 16, 32) bits sign-extended: MOVSX and the sign-extending loads. */
    Scalar sext(int bits) {
        long half = 1L << (bits - 1);
        if (Long.compareUnsigned(umax, half) < 0) {
            return this;
        }
        if (isConst()) {
            int sh = 64 - bits;
            return constant(value() << sh >> sh);
        }
        return of(t.sext(bits), -half, half - 1, 0, -1L);
    }

    /** The low {@code bits} (8, 16, 32, 64) bits, zero-extended. */
    Scalar truncate(int bits) {
        if (bits == 64) {
            return this;
        }
        if (bits == 32) {
            return zext32();
        }
        long m = (1L << bits) - 1;
        if (Long.compareUnsigned(umax, m) <= 0) {
            return this;
        }
        return of(t.truncate(bits), Long.MIN_VALUE, Long.MAX_VALUE, 0, m);
    }

    // ------------------------------------------------------------------ 64-bit arithmetic

    Scalar add(Scalar b) {
        long lo = smin + b.smin;
        long hi = smax + b.smax;
        boolean sOverflow = ((smin ^ lo) & (b.smin ^ lo)) < 0 || ((smax ^ hi) & (b.smax ^ hi)) < 0;
        long ulo = umin + b.umin;
        long uhi = umax + b.umax;
        boolean uOverflow = Long.compareUnsigned(uhi, umax) < 0;
        return of(t.add(b.t), sOverflow ? Long.MIN_VALUE : lo, sOverflow ? Long.MAX_VALUE : hi,
                uOverflow ? 0 : ulo, uOverflow ? -1L : uhi);
    }

    Scalar sub(Scalar b) {
        long lo = smin - b.smax;
        long hi = smax - b.smin;
        boolean sOverflow = ((smin ^ b.smax) & (smin ^ lo)) < 0 || ((smax ^ b.smin) & (smax ^ hi)) < 0;
        boolean uUnderflow = Long.compareUnsigned(umin, b.umax) < 0;
        return of(t.sub(b.t), sOverflow ? Long.MIN_VALUE : lo, sOverflow ? Long.MAX_VALUE : hi,
                uUnderflow ? 0 : umin - b.umax, uUnderflow ? -1L : umax - b.umin);
    }

    Scalar mul(Scalar b) {
        Tnum r = t.mul(b.t);
        if (Long.compareUnsigned(umax, M32) <= 0 && Long.compareUnsigned(b.umax, M32) <= 0) {
            return of(r, Long.MIN_VALUE, Long.MAX_VALUE, umin * b.umin, umax * b.umax);
        }
        return of(r, Long.MIN_VALUE, Long.MAX_VALUE, 0, -1L);
    }

    Scalar and(Scalar b) {
        return of(t.and(b.t), Long.MIN_VALUE, Long.MAX_VALUE, 0, minU(umax, b.umax));
    }

    Scalar or(Scalar b) {
        return of(t.or(b.t), Long.MIN_VALUE, Long.MAX_VALUE, maxU(umin, b.umin), -1L);
    }

    Scalar xor(Scalar b) {
        return of(t.xor(b.t), Long.MIN_VALUE, Long.MAX_VALUE, 0, -1L);
    }

    /** Shift left by a register or constant, the amount masked to {@code bits - 1} as the ISA does. */
    Scalar lsh(Scalar b, int bits) {
        if (!b.isConst()) {
            return UNKNOWN;
        }
        int k = (int) (b.value() & (bits - 1));
        boolean fits = Long.compareUnsigned(umax, -1L >>> k) <= 0;
        return of(t.lsh(k), Long.MIN_VALUE, Long.MAX_VALUE, fits ? umin << k : 0, fits ? umax << k : -1L);
    }

    Scalar rsh(Scalar b, int bits) {
        if (!b.isConst()) {
            // A logical right shift never makes a value larger.
            return unsigned(0, umax);
        }
        int k = (int) (b.value() & (bits - 1));
        return of(t.rsh(k), Long.MIN_VALUE, Long.MAX_VALUE, umin >>> k, umax >>> k);
    }

    Scalar arsh(Scalar b, int bits) {
        if (!b.isConst()) {
            // An arithmetic right shift moves a value towards 0 (or -1), never past it.
            return signed(smin < 0 ? smin : 0, smax >= 0 ? smax : -1);
        }
        int k = (int) (b.value() & (bits - 1));
        return of(t.arsh(k), smin >> k, smax >> k, 0, -1L);
    }

    /** Unsigned division; division by zero gives 0. */
    Scalar div(Scalar b) {
        if (b.isConst()) {
            long c = b.value();
            if (c == 0) {
                return constant(0);
            }
            return unsigned(Long.divideUnsigned(umin, c), Long.divideUnsigned(umax, c));
        }
        return unsigned(0, umax);
    }

    /** Unsigned modulo; modulo by zero leaves the dividend. */
    Scalar mod(Scalar b) {
        if (b.isConst()) {
            long c = b.value();
            if (c == 0 || Long.compareUnsigned(umax, c) < 0) {
                return this;
            }
            return unsigned(0, c - 1);
        }
        return unsigned(0, umax);
    }

    /** Signed division and modulo: exact on constants, unknown otherwise. */
    Scalar sdivmod(Scalar b, boolean mod) {
        if (isConst() && b.isConst()) {
            long x = value();
            long y = b.value();
            if (y == 0) {
                return mod ? this : constant(0);
            }
            if (y == -1) {
                return constant(mod ? 0 : -x);
            }
            return constant(mod ? x % y : x / y);
        }
        return UNKNOWN;
    }

    Scalar neg() {
        return constant(0).sub(this);
    }

    // ------------------------------------------------------------------ printing

    @Override
    public String toString() {
        if (isConst()) {
            long v = value();
            return v >= -1024 && v <= 1024 ? Long.toString(v) : "0x" + Long.toHexString(v);
        }
        StringBuilder b = new StringBuilder("scalar(");
        String sep = "";
        if (smin != Long.MIN_VALUE && smin != umin) {
            b.append(sep).append("smin=").append(smin);
            sep = ",";
        }
        if (smax != Long.MAX_VALUE && smax != umax) {
            b.append(sep).append("smax=").append(smax);
            sep = ",";
        }
        if (umin != 0) {
            b.append(sep).append("umin=").append(Long.toUnsignedString(umin));
            sep = ",";
        }
        if (umax != -1L) {
            b.append(sep).append("umax=").append(Long.toUnsignedString(umax));
            sep = ",";
        }
        if (umax == -1L && (u32max != -1 || u32min != 0)) {
            b.append(sep).append("u32=[").append(Integer.toUnsignedString(u32min)).append(',')
                    .append(Integer.toUnsignedString(u32max)).append(']');
            sep = ",";
        }
        if (t.mask() != -1L && Tnum.range(umin, umax).mask() != t.mask()) {
            b.append(sep).append("var_off=").append(t);
        }
        return b.append(')').toString();
    }
}
