package io.weir.spark.decode;

import java.nio.ByteBuffer;

/**
 * Addresses as text: dotted quads for IPv4, RFC 5952 for IPv6 (lower-case hex, no leading zeros, the longest
 * run of two or more zero groups as {@code ::}, the first such run on a tie, IPv4-mapped addresses as
 * {@code ::ffff:a.b.c.d}). Builds the string from the buffer's bytes without an {@link java.net.InetAddress}.
 */
public final class IpText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpText() {}

    /** The address of {@code len} (4 or 16) bytes at absolute index {@code at} of {@code b}. */
    public static String format(ByteBuffer b, int at, int len) {
        StringBuilder s = new StringBuilder(len == 4 ? 15 : 39);
        if (len == 4) {
            quad(s, b, at);
            return s.toString();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = b.getShort(at + 2 * i) & 0xFFFF;
        }
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF) {
            s.append("::ffff:");
            quad(s, b, at + 12);
            return s.toString();
        }
        int bestAt = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            hex(s, g[i]);
        }
        return s.toString();
    }

    /** The address in {@code a} (4 or 16 bytes). */
    public static String format(byte[] a) {
        return format(ByteBuffer.wrap(a), 0, a.length);
    }

    private static void quad(StringBuilder s, ByteBuffer b, int at) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                s.append('.');
            }
            s.append(b.get(at + i) & 0xFF);
        }
    }

    private static void hex(StringBuilder s, int v) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (v >>> shift) & 0xF;
            if (d != 0 || started || shift == 0) {
                s.append(HEX[d]);
                started = true;
            }
        }
    }
}
