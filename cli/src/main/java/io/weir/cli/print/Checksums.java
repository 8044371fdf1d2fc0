package io.weir.cli.print;

/**
 * The Internet checksum (RFC 1071) over a frame's bytes, for {@code -v}'s verdicts as tcpdump words them: a
 * sum over the header or segment with its checksum field included is 0 when the field is right; otherwise the
 * right value is what tcpdump's {@code in_cksum_shouldbe} derives from the field and that sum.
 *
 * <p>Sums are the 16-bit one's-complement sums of big-endian words, folded; byte order does not matter to the
 * one's-complement sum, so they equal tcpdump's host-order ones after its {@code ntohs}.
 */
final class Checksums {
    private Checksums() {}

    /** The unfolded sum of {@code len} bytes at {@code o} (an odd last byte is padded with a zero). */
    static long add(Frame f, int o, int len, long sum) {
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += f.u16(o + i);
        }
        if (i < len) {
            sum += f.u8(o + i) << 8;
        }
        return sum;
    }

    /** The pseudo-header's sum: source and destination addresses, protocol and upper-layer length. */
    static long pseudo(Frame f, int version, int src, int dst, int proto, int length) {
        int alen = version == 4 ? 4 : 16;
        long sum = add(f, src, alen, 0);
        sum = add(f, dst, alen, sum);
        return sum + proto + (length & 0xFFFF) + (length >>> 16);
    }

    /** The checksum computed over what was summed: 0 when the field in it was right. */
    static int result(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** tcpdump's {@code in_cksum_shouldbe}: the value the field should have held. */
    static int shouldBe(int field, int result) {
        return fold((long) field + result);
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
