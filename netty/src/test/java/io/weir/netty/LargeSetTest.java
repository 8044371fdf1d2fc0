package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.weir.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expressions with sets too large for a comparison chain ({@code host in @FILE} of 100,000 hosts, {@code port in
 * {...}} of 300 ports) run in the handler as map lookups, given to the builder as text and swapped in by
 * {@code reload}; each message's verdict must be what a plain Java check of the set says. Seeded.
 */
class LargeSetTest extends LeakCheckedTest {
    private static final long SEED = 0x9e7L;

    @TempDir
    Path dir;

    private static String ip(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    @Test
    void setsOfAHundredThousandHostsFilterAndReload() throws Exception {
        Random r = new Random(SEED);
        Set<Integer> hosts = new HashSet<>();
        List<String> lines = new ArrayList<>();
        while (hosts.size() < 100_000) {
            int a = 0x0a000000 | r.nextInt(1 << 18);   // 10.0.0.0/14: about 38% of its addresses are in the set
            if (hosts.add(a)) {
                lines.add(ip(a));
            }
        }
        Path file = dir.resolve("hosts.txt");
        Files.write(file, lines);
        Set<Integer> ports = new HashSet<>();
        StringBuilder portList = new StringBuilder();
        while (ports.size() < 300) {
            int p = 1 + r.nextInt(3000);
            if (ports.add(p)) {
                portList.append(portList.length() == 0 ? "" : ", ").append(p);
            }
        }
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(LinkTypes.EN10MB).engine(Engine.AUTO)
                .expression("src host in @" + file).build();
        assertNotNull(h.filter().map("set0_ipv4"), "the set is a map lookup");
        EmbeddedChannel ch = new EmbeddedChannel(h);
        try {
            check(ch, r, (src, dst, dport) -> hosts.contains(src), "src host in @FILE");
            CompiledFilter previous = h.reload("udp dst port in {" + portList + "} and not dst host in @" + file);
            previous.close();
            check(ch, r, (src, dst, dport) -> ports.contains(dport) && !hosts.contains(dst), "after reload");
            h.reload(CompiledFilter.expression("udp", LinkTypes.EN10MB)).close();
            check(ch, r, (src, dst, dport) -> true, "back to a plain expression");
        } finally {
            assertFalse(ch.finish());
        }
    }

    private interface Oracle {
        boolean matches(int src, int dst, int dport);
    }

    private static void check(EmbeddedChannel ch, Random r, Oracle oracle, String what) {
        int kept = 0;
        for (int i = 0; i < 3000; i++) {
            int src = 0x0a000000 | r.nextInt(1 << 18);
            int dst = 0x0a000000 | r.nextInt(1 << 18);
            int dport = 1 + r.nextInt(3000);
            byte[] frame = Frames.ether(Frames.udp(ip(src), ip(dst), 1000, dport, "payload"));
            ByteBuf in = Unpooled.wrappedBuffer(frame);
            ch.writeInbound(in);
            ByteBuf out = ch.readInbound();
            boolean want = oracle.matches(src, dst, dport);
            assertEquals(want, out != null, what + ": " + ip(src) + " -> " + ip(dst) + ":" + dport + " (seed " + SEED
                    + ", message " + i + ")");
            if (out != null) {
                kept++;
                out.release();
            }
        }
        assertTrue(kept > 0, what + ": nothing kept, a weak test");
    }
}
