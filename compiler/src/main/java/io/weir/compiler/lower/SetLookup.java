package io.weir.compiler.lower;

import java.util.Arrays;

/**
 * One lookup table of a set: the entries of one kind (IPv4 prefixes, IPv6 prefixes or port numbers) as
 * {@code (prefix length, masked value)} pairs, with the distinct prefix lengths present. A value is in the set
 * when, for some length {@code L} present, {@code (L, value masked to L bits)} is an entry: the eBPF path probes
 * one hash map once per length, longest first (few lengths in practice: one for hosts and ports).
 *
 * <p>Values are 32-bit words as a classic load leaves them in A (big-endian fields read as numbers): one word for
 * IPv4 addresses and ports, four for IPv6 addresses. The key of an entry is its words in network byte order,
 * then its length ({@link #key(int)}), which is what the lookup code stores from registers.
 */
public final class SetLookup {
    /** What the table holds. */
    public enum Kind {
        /** IPv4 addresses and networks. */
        IPV4(1),
        /** IPv6 addresses and networks. */
        IPV6(4),
        /** TCP/UDP/SCTP port numbers (one length, 32). */
        PORT(1);

        private final int words;

        Kind(int words) {
            this.words = words;
        }

        /** 32-bit words in a value. */
        public int words() {
            return words;
        }
    }

    private final Kind kind;
    private final String origin;
    private int[] data = new int[64];
    private int size;
    private final boolean[] lengths = new boolean[129];

    /** An empty table of {@code kind}; {@code origin} names the set in messages and map names. */
    public SetLookup(Kind kind, String origin) {
        this.kind = kind;
        this.origin = origin;
    }

    /** Adds {@code value} (its {@link Kind#words()} words) masked to its first {@code length} bits. */
    void add(int length, int[] value) {
        int stride = stride();
        if (data.length < (size + 1) * stride) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, (size + 1) * stride));
        }
        int at = size * stride;
        data[at] = length;
        for (int i = 0; i < kind.words; i++) {
            int bits = Math.max(0, Math.min(32, length - 32 * i));
            data[at + 1 + i] = value[i] & mask(bits);
        }
        lengths[length] = true;
        size++;
    }

    /** The mask of the first {@code bits} bits of a word (0 to 32). */
    public static int mask(int bits) {
        return bits == 0 ? 0 : (int) (0xFFFFFFFFL << (32 - bits));
    }

    private int stride() {
        return 1 + kind.words;
    }

    /** The kind of values. */
    public Kind kind() {
        return kind;
    }

    /** Where the set came from ({@code @FILE} or the literal), for messages. */
    public String origin() {
        return origin;
    }

    /** Entries added (duplicates included). */
    public int size() {
        return size;
    }

    /** Bytes of a key: the value's words, then the length. */
    public int keySize() {
        return 4 * stride();
    }

    /** The distinct prefix lengths present, longest first. */
    public int[] lengths() {
        int n = 0;
        for (boolean b : lengths) {
            n += b ? 1 : 0;
        }
        int[] out = new int[n];
        int j = 0;
        for (int l = lengths.length - 1; l >= 0; l--) {
            if (lengths[l]) {
                out[j++] = l;
            }
        }
        return out;
    }

    /**
     * Words of the value the lookup must load: those the longest prefix present reaches (an IPv6 set of /32
     * networks needs the first word only, as libpcap's comparison loads only it), at least one.
     */
    public int loadedWords() {
        int[] l = lengths();
        return Math.max(1, Math.min(kind.words, (l[0] + 31) / 32));
    }

    /** Whether every value is in the set (a prefix of length 0 is present): the lookup needs no load. */
    public boolean matchesAll() {
        return lengths[0];
    }

    /**
     * The key of entry {@code i}: its words in network byte order (the packet's bytes, masked), then its length
     * as a little-endian 32-bit integer. Network order puts a prefix's varying bytes in the low bits of the
     * map's hash words (a /24 network's first three bytes), where the value as a number would put zeros.
     */
    public byte[] key(int i) {
        byte[] k = new byte[keySize()];
        int at = i * stride();
        for (int w = 0; w < kind.words; w++) {
            int v = data[at + 1 + w];
            k[4 * w] = (byte) (v >>> 24);
            k[4 * w + 1] = (byte) (v >>> 16);
            k[4 * w + 2] = (byte) (v >>> 8);
            k[4 * w + 3] = (byte) v;
        }
        int len = data[at];
        int o = 4 * kind.words;
        k[o] = (byte) len;
        k[o + 1] = (byte) (len >>> 8);
        k[o + 2] = (byte) (len >>> 16);
        k[o + 3] = (byte) (len >>> 24);
        return k;
    }
}
