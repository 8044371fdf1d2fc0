package io.weir.capture;

/**
 * An interface a capture file's packets came from: a pcapng Interface Description Block, or the single
 * implicit interface of a classic pcap file. Immutable; it also converts the file's raw time stamps to
 * nanoseconds according to its resolution ({@code if_tsresol}, a power of 10 or of 2) and offset
 * ({@code if_tsoffset}, in seconds).
 */
public final class CaptureInterface {
    private static final long NANOS = 1_000_000_000L;

    private final int linkType;
    private final int snapLen;
    private final int fileSnapLen;
    private final int tsResolCode;
    private final long tsOffsetSeconds;
    private final String name;
    private final int section;
    // Decimal resolutions: units per second (10^d, unsigned for d = 19); binary: the shift.
    private final long unitsPerSecond;
    private final boolean binary;
    private final int shift;

    /**
     * @param linkType    LINKTYPE_* value
     * @param fileSnapLen the snapshot length as written in the file (0 in pcapng means "no limit")
     * @param tsResolCode {@code if_tsresol}: bit 7 clear = 10^-n seconds, set = 2^-n seconds (6 = µs, 9 = ns)
     * @param tsOffsetSeconds {@code if_tsoffset}, added to every time stamp
     * @param name        {@code if_name}, or {@code null}
     * @param section     index of the pcapng section (0 for pcap)
     */
    public CaptureInterface(int linkType, long fileSnapLen, int tsResolCode, long tsOffsetSeconds, String name,
            int section) {
        this.linkType = linkType;
        this.fileSnapLen = (int) fileSnapLen;
        this.snapLen = LinkType.adjustSnapLen(linkType, fileSnapLen);
        this.tsResolCode = tsResolCode;
        this.tsOffsetSeconds = tsOffsetSeconds;
        this.name = name;
        this.section = section;
        this.binary = (tsResolCode & 0x80) != 0;
        int n = tsResolCode & 0x7F;
        if (binary) {
            if (n > 63) {
                throw new IllegalArgumentException("if_tsresol 2^-" + n + " is too high");
            }
            this.shift = n;
            this.unitsPerSecond = 0;
        } else {
            if (n > 19) {
                throw new IllegalArgumentException("if_tsresol 10^-" + n + " is too high");
            }
            long u = 1;
            for (int i = 0; i < n; i++) {
                u *= 10;   // 10^19 wraps to a negative long: it is used as unsigned
            }
            this.shift = n;
            this.unitsPerSecond = u;
        }
    }

    /** The interface of a classic pcap file: microseconds or nanoseconds, no offset. */
    static CaptureInterface classic(int linkType, long snapLen, boolean nanos) {
        return new CaptureInterface(linkType, snapLen, nanos ? 9 : 6, 0, null, 0);
    }

    /** LINKTYPE_* value of the interface's packets. */
    public int linkType() {
        return linkType;
    }

    /** Effective snapshot length: the file's, or the link type's maximum where the file says 0 or too much. */
    public int snapLen() {
        return snapLen;
    }

    /** The snapshot length exactly as the file gives it. */
    public int fileSnapLen() {
        return fileSnapLen;
    }

    /** The raw {@code if_tsresol} value (6 = microseconds, 9 = nanoseconds, 0x80 | n = 2^-n seconds). */
    public int tsResolCode() {
        return tsResolCode;
    }

    /** {@code if_tsoffset}: seconds added to every time stamp. */
    public long tsOffsetSeconds() {
        return tsOffsetSeconds;
    }

    /** {@code if_name}, or {@code null}. */
    public String name() {
        return name;
    }

    /** Index of the pcapng section the interface belongs to (0 for pcap). */
    public int section() {
        return section;
    }

    /** Converts a raw 64-bit time stamp (unsigned, in this interface's units) to nanoseconds since the epoch. */
    public long toNanos(long raw) {
        long seconds;
        long fracNanos;
        if (binary) {
            if (shift == 0) {
                seconds = raw;
                fracNanos = 0;
            } else {
                seconds = raw >>> shift;
                long frac = raw & ((1L << shift) - 1);
                // frac * 10^9 / 2^shift without overflow: a 128-bit product shifted right.
                long hi = Math.multiplyHigh(frac, NANOS);
                long lo = frac * NANOS;
                fracNanos = (hi << (64 - shift)) | (lo >>> shift);
            }
        } else {
            seconds = Long.divideUnsigned(raw, unitsPerSecond);
            long frac = Long.remainderUnsigned(raw, unitsPerSecond);
            fracNanos = shift <= 9 ? frac * POW10[9 - shift] : Long.divideUnsigned(frac, POW10[shift - 9]);
        }
        return (seconds + tsOffsetSeconds) * NANOS + fracNanos;
    }

    /** Converts nanoseconds since the epoch to a raw time stamp in this interface's units (for writers). */
    public long fromNanos(long nanos) {
        long seconds = Math.floorDiv(nanos, NANOS) - tsOffsetSeconds;
        long fracNanos = Math.floorMod(nanos, NANOS);
        if (binary) {
            if (shift == 0) {
                return seconds;
            }
            // ceil(fracNanos * 2^shift / 10^9) in 128 bits, rounding up so that fromNanos(toNanos(raw)) == raw
            // for every resolution coarser than a nanosecond (toNanos rounds down).
            long hi = shift > 34 ? fracNanos >>> (64 - shift) : 0;
            long lo = fracNanos << shift;
            long frac = divideCeil128(hi, lo, NANOS);
            return (seconds << shift) + frac;
        }
        long frac = shift <= 9 ? fracNanos / POW10[9 - shift] : fracNanos * POW10[shift - 9];
        return seconds * unitsPerSecond + frac;
    }

    private static long divideCeil128(long hi, long lo, long divisor) {
        if (hi == 0) {
            long q = Long.divideUnsigned(lo, divisor);
            return Long.remainderUnsigned(lo, divisor) == 0 ? q : q + 1;
        }
        java.math.BigInteger n = java.math.BigInteger.valueOf(hi).shiftLeft(64)
                .or(new java.math.BigInteger(Long.toUnsignedString(lo)));
        java.math.BigInteger[] qr = n.divideAndRemainder(java.math.BigInteger.valueOf(divisor));
        return qr[1].signum() == 0 ? qr[0].longValue() : qr[0].longValue() + 1;
    }

    private static final long[] POW10 = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L,
    };

    @Override
    public String toString() {
        return "CaptureInterface[linkType=" + linkType + ", snapLen=" + fileSnapLen + ", tsresol=" + tsResolCode
                + ", tsoffset=" + tsOffsetSeconds + (name == null ? "" : ", name=" + name) + ", section=" + section
                + "]";
    }
}
