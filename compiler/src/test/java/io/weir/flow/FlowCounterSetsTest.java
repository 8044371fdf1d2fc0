package io.weir.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A flow counter whose filter has a set too large for a comparison chain ({@code src host in @FILE} of 100,000
 * hosts): the filter's set map is linked after the counter's own maps, and the packets it counts are those a
 * plain Java check of the set accepts, each in the flow of its addresses. Seeded.
 */
class FlowCounterSetsTest {
    private static final long SEED = 0xf10eL;

    @TempDir
    static Path dir;

    private static String ip(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    private static byte[] udp4(int src, int dst, int sport, int dport) {
        byte[] f = new byte[14 + 20 + 8 + 4];
        f[12] = 0x08;
        f[14] = 0x45;
        f[17] = (byte) (f.length - 14);
        f[22] = 64;
        f[23] = 17;
        for (int i = 0; i < 4; i++) {
            f[26 + i] = (byte) (src >>> (24 - 8 * i));
            f[30 + i] = (byte) (dst >>> (24 - 8 * i));
        }
        f[34] = (byte) (sport >>> 8);
        f[35] = (byte) sport;
        f[36] = (byte) (dport >>> 8);
        f[37] = (byte) dport;
        f[39] = 12;
        return f;
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"INTERPRETER", "JIT"})
    void onlyPacketsFromTheSetAreCounted(Engine engine) throws Exception {
        Random r = new Random(SEED);
        Set<Integer> hosts = new HashSet<>();
        List<String> lines = new ArrayList<>();
        while (hosts.size() < 100_000) {
            int a = 0x0a000000 | r.nextInt(1 << 18);
            if (hosts.add(a)) {
                lines.add(ip(a));
            }
        }
        Path file = dir.resolve("hosts-" + engine + ".txt");
        Files.write(file, lines);
        long want = 0;
        Set<String> flows = new HashSet<>();
        try (FlowCounter c = FlowCounter.builder().expression("src host in @" + file).engine(engine).build()) {
            for (int i = 0; i < 5000; i++) {
                int src = 0x0a000000 | r.nextInt(1 << 18);
                int dst = 0x0a000000 | r.nextInt(64);
                int sport = 1000 + r.nextInt(4);
                byte[] f = udp4(src, dst, sport, 53);
                c.count(f, 0, f.length, f.length, i * 1000L);
                if (hosts.contains(src)) {
                    want++;
                    flows.add(src + "/" + dst + "/" + sport);
                }
            }
            String what = engine + ", seed " + SEED;
            assertTrue(want > 500 && want < 4500, "a weak test: " + want + " of 5000 match");
            assertEquals(want, c.tally(FlowCounter.Tally.MATCHED), what);
            assertEquals(want, c.tally(FlowCounter.Tally.COUNTED), what);
            long packets = 0;
            for (FlowRecord rec : c.table().snapshot()) {
                packets += rec.packets();
            }
            assertEquals(want, packets, what);
            assertEquals(flows.size(), c.table().size(), what);
        }
    }
}
