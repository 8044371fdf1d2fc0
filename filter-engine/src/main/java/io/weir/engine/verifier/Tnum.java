package io.weir.engine.verifier;

/**
 * A tristate number: 64 bits each known 0, known 1 or unknown, as the kernel's {@code tnum}. A concrete value
 * {@code x} belongs to {@code (value, mask)} when {@code (x & ~mask) == value}; {@code value & mask} is always 0.
 *
 * <p>The arithmetic follows the published tnum algorithms (Vishwanathan et al., "Sound, precise and fast abstract
 * interpretation with tristate numbers", CGO 2022): every operation's result contains every concrete result.
 */
record Tnum(long value, long mask) {
    static final Tnum UNKNOWN = new Tnum(0, -1L);
    static final long M32 = 0xffff_ffffL;

    Tnum {
        value &= ~mask;
    }

    static Tnum constant(long v) {
        return new Tnum(v, 0);
    }

    /** The smallest tnum holding every value of the unsigned range [min, max]. */
    static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return UNKNOWN;
        }
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    boolean isConst() {
        return mask == 0;
    }

    /** Whether {@code x} is one of this tnum's values. */
    boolean contains(long x) {
        return (x & ~mask) == value;
    }

    /** Whether every value of {@code t} is one of this tnum's values. */
    boolean includes(Tnum t) {
        return (t.mask & ~mask) == 0 && (t.value & ~mask) == value;
    }

    long min() {
        return value;
    }

    long max() {
        return value | mask;
    }

    Tnum add(Tnum b) {
        long sm = mask + b.mask;
        long sv = value + b.value;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    Tnum sub(Tnum b) {
        long dv = value - b.value;
        long alpha = dv + mask;
        long beta = dv - b.mask;
        long chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    Tnum and(Tnum b) {
        long alpha = value | mask;
        long beta = b.value | b.mask;
        long v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    Tnum or(Tnum b) {
        long v = value | b.value;
        long mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    Tnum xor(Tnum b) {
        long v = value ^ b.value;
        long mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** Multiplication by the kernel's shift-and-add over the known bits of one operand. */
    Tnum mul(Tnum b) {
        long accV = value * b.value;
        Tnum accM = new Tnum(0, 0);
        Tnum a = this;
        long bv = b.value;
        long bm = b.mask;
        while (a.value != 0 || a.mask != 0) {
            if ((a.value & 1) != 0) {
                accM = accM.add(new Tnum(0, bm));
            } else if ((a.mask & 1) != 0) {
                accM = accM.add(new Tnum(0, bv | bm));
            }
            a = a.rsh(1);
            bv <<= 1;
            bm <<= 1;
        }
        return constant(accV).add(accM);
    }

    Tnum lsh(int k) {
        return new Tnum(value << k, mask << k);
    }

    Tnum rsh(int k) {
        return new Tnum(value >>> k, mask >>> k);
    }

    Tnum arsh(int k) {
        return new Tnum(value >> k, mask >> k);
    }

    /** The values both tnums allow (meaningful when they overlap). */
    Tnum intersect(Tnum b) {
        long v = value | b.value;
        long mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** Whether some value is in both (their known bits agree). */
    boolean overlaps(Tnum b) {
        long known = ~mask & ~b.mask;
        return ((value ^ b.value) & known) == 0;
    }

    /** The smallest tnum holding both. */
    Tnum union(Tnum b) {
        long mu = mask | b.mask | (value ^ b.value);
        return new Tnum(value & ~mu, mu);
    }

    /** The low 32 bits, zero-extended. */
    Tnum cast32() {
        return new Tnum(value & M32, mask & M32);
    }

    /** The low 32 bits, sign-extended (an unknown bit 31 makes the upper half unknown). */
    Tnum sext32() {
        return new Tnum((int) value, (int) mask);
    }

    /** The low {@code bits} bits, sign-extended. */
    Tnum sext(int bits) {
        int sh = 64 - bits;
        return new Tnum(value << sh >> sh, mask << sh >> sh);
    }

    /** The low {@code bits} bits, zero-extended. */
    Tnum truncate(int bits) {
        long m = bits == 64 ? -1L : (1L << bits) - 1;
        return new Tnum(value & m, mask & m);
    }

    @Override
    public String toString() {
        return String.format("(%#x; %#x)", value, mask);
    }
}
