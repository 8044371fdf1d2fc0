package io.weir.flow;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The Community ID flow hash, version 1 (corelight/community-id-spec): base64 of SHA-1 over the seed (16 bits,
 * network order), the two addresses, the protocol, a zero pad byte and the two ports (16 bits each, network
 * order, only for TCP, UDP, SCTP, ICMP and ICMPv6), the endpoints ordered so that both directions hash alike,
 * prefixed with {@code 1:}. ICMP type/code become the spec's port equivalents: a request or reply type pairs
 * with its counterpart (bidirectional), any other type is one-way with the code as the second port.
 */
public final class CommunityId {
    private static final int[][] ICMP4 = {{8, 0}, {0, 8}, {13, 14}, {14, 13}, {15, 16}, {16, 15}, {10, 9},
        {9, 10}, {17, 18}, {18, 17}};
    private static final int[][] ICMP6 = {{128, 129}, {129, 128}, {133, 134}, {134, 133}, {135, 136},
        {136, 135}, {130, 131}, {131, 130}, {144, 145}, {145, 144}};

    private CommunityId() {}

    /**
     * The Community ID v1.
     *
     * @param seed  the seed (0 by default in every tool)
     * @param src   the source address (4 or 16 bytes)
     * @param dst   the destination address (same length)
     * @param proto the IP protocol
     * @param sport the source port or ICMP type, or -1 for a protocol without ports
     * @param dport the destination port or ICMP code, or -1
     */
    public static String v1(int seed, byte[] src, byte[] dst, int proto, int sport, int dport) {
        if (src.length != dst.length || (src.length != 4 && src.length != 16)) {
            throw new IllegalArgumentException("addresses must both be IPv4 or both IPv6");
        }
        boolean oneWay = false;
        if (sport >= 0 && (proto == 1 || proto == 58)) {
            int mapped = -1;
            for (int[] p : proto == 1 ? ICMP4 : ICMP6) {
                if (p[0] == sport) {
                    mapped = p[1];
                }
            }
            if (mapped < 0) {
                oneWay = true;
            } else {
                dport = mapped;
            }
        }
        int c = Arrays.compareUnsigned(src, dst);
        boolean ordered = oneWay || c < 0 || (c == 0 && sport < dport);
        if (!ordered) {
            byte[] t = src;
            src = dst;
            dst = t;
            int p = sport;
            sport = dport;
            dport = p;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-1");
            sha.update(new byte[] {(byte) (seed >>> 8), (byte) seed});
            sha.update(src);
            sha.update(dst);
            sha.update(new byte[] {(byte) proto, 0});
            if (sport >= 0 && dport >= 0) {
                sha.update(new byte[] {(byte) (sport >>> 8), (byte) sport, (byte) (dport >>> 8), (byte) dport});
            }
            return "1:" + Base64.getEncoder().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
