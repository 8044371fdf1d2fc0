package io.weir.engine.maps;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The hash spreads structured keys as it spreads random ones: counters shifted so their low bits (or whole low
 * words) are zero, addresses in network byte order, ports shifted up. For n keys in n buckets a good hash leaves
 * about n/e buckets empty and no chain much longer than ln n / ln ln n; a weak mix of the low bits leaves most
 * buckets empty and long chains (each step along a chain is a dependent memory access).
 */
class HashDistributionTest {
    private static final int N = 4096;

    /** A family of keys: its name, key size, and the i-th key as little-endian bytes. */
    record Family(String name, int keySize, IntFunction<byte[]> key) {}

    private static byte[] le(int size, long word0, long word1) {
        byte[] k = new byte[size];
        for (int j = 0; j < size; j++) {
            long w = j < 8 ? word0 : word1;
            k[j] = (byte) (w >>> ((j & 7) << 3));
        }
        return k;
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("sequential u32", 4, i -> le(4, i, 0)),
            new Family("u32 << 8", 4, i -> le(4, (long) i << 8, 0)),
            new Family("u32 << 20 (low 20 bits zero)", 4, i -> le(4, (long) i << 20, 0)),
            new Family("IPv4 10.0.x.y in network order", 4, i -> new byte[] {10, 0, (byte) (i >>> 8), (byte) i}),
            new Family("u64 << 32 (low word zero)", 8, i -> le(8, (long) i << 32, 0)),
            new Family("u64 << 52", 8, i -> le(8, (long) i << 52, 0)),
            new Family("port pair in network order", 4,
                    i -> new byte[] {0, (byte) 80, (byte) (i >>> 8), (byte) i}),
            new Family("16-byte key, first word zero", 16, i -> le(16, 0, i)),
            new Family("16-byte key, top bytes only", 16,
                    i -> le(16, 0, (long) (i & 0xFF) << 56 | (long) (i >>> 8) << 48)),
            new Family("40-byte flow key, last word varies", 40, i -> {
                byte[] k = new byte[40];
                k[0] = 4;
                k[39] = (byte) i;
                k[38] = (byte) (i >>> 8);
                return k;
            }));

    /**
     * The open-addressing table ({@link InlineHashBpfMap}, load 0.75) homes keys by the hash's high bits: the
     * longest probe for each structured family stays near that of random keys (linear probing: 40-100 rows for
     * 4096 random keys; a weak mix clusters the keys into probes of thousands).
     */
    @Test
    void structuredKeysProbeLikeRandomOnesInline() {
        java.util.Random r = new java.util.Random(0x1f1e);
        List<Family> all = new java.util.ArrayList<>(FAMILIES);
        all.add(new Family("random u32", 4, i -> le(4, r.nextInt(), 0)));
        all.add(new Family("random 16-byte", 16, i -> le(16, r.nextLong(), r.nextLong())));
        for (Family f : all) {
            for (int flags : new int[] {MapSpec.F_ZERO_SEED, 0}) {
                try (InlineHashBpfMap m = (InlineHashBpfMap) new MapSpec("d", MapType.HASH, f.keySize(), 8, N, flags)
                        .create(1)) {
                    byte[] v = new byte[8];
                    for (int i = 0; i < N; i++) {
                        m.update(f.key().apply(i), v, BpfMap.BPF_ANY);
                    }
                    String where = f.name() + (flags == 0 ? " (random seed)" : " (zero seed)") + ": longest probe "
                            + m.maxProbe() + " of " + m.capacity() + " rows, " + m.size() + " keys";
                    // Zero seed: deterministic (41-97 seen); a random seed gets a looser bound so that it never flakes.
                    assertTrue(m.maxProbe() <= (flags == 0 ? 250 : 120), where);
                }
            }
        }
    }

    @Test
    void structuredKeysSpreadLikeRandomOnes() {
        for (Family f : FAMILIES) {
            for (int flags : new int[] {MapSpec.F_ZERO_SEED, 0}) {
                HashBpfMap m = (HashBpfMap) new MapSpec("d", MapType.HASH, f.keySize(), 8, N,
                        flags | MapSpec.F_NO_PREALLOC).create(1);
                byte[] v = new byte[8];
                for (int i = 0; i < N; i++) {
                    assertEquals(0, m.update(f.key().apply(i), v, BpfMap.BPF_NOEXIST), f.name() + " key " + i);
                }
                assertEquals(N, m.size(), f.name());
                int[] stats = m.chainStats();
                String where = f.name() + (flags == 0 ? " (random seed)" : " (zero seed)") + ": longest chain "
                        + stats[0] + ", empty buckets " + stats[1] + " of " + N;
                assertTrue(stats[0] <= 10, where);
                // n/e = 1507 of 4096 expected; the bounds are more than 6 standard deviations away.
                assertTrue(stats[1] > 1300 && stats[1] < 1720, where);
                m.close();
            }
        }
    }
}
