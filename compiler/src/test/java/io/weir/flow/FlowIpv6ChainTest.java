package io.weir.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.PcapWriter;
import io.weir.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 extension-header chains the count program walks in its cold rounds, each crafted, counted by the program
 * (JIT and interpreter) and by {@link ReferenceFlows}: a fragment header behind hop-by-hop options (its offset is
 * remembered in the chain and parsed after it), a later fragment of that datagram (attributed to the first's
 * ports), destination options then AH before TCP, and a fragment header cut short by the capture.
 */
class FlowIpv6ChainTest {
    private static final int HBH = 0;
    private static final int DSTOPT = 60;
    private static final int AH = 51;
    private static final int FRAG = 44;

    @Test
    void chainsMatchTheReference(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("v6-chains.pcap");
        byte[] udp = concat(new byte[] {0x03, (byte) 0xe8, 0x07, (byte) 0xd0, 0, 24, 0, 0}, new byte[16]);
        byte[] tcp = new byte[20];
        tcp[0] = 0x0b;
        tcp[1] = (byte) 0xb8;   // 3000
        tcp[3] = 80;
        tcp[12] = 0x50;
        tcp[13] = 0x02;         // SYN
        try (PcapWriter w = PcapWriter.builder().open(file)) {
            write(w, ipv6(HBH, concat(ext(FRAG), frag(17, 0, true, 7), udp)), -1, 1);
            write(w, ipv6(HBH, concat(ext(FRAG), frag(17, 24, false, 7), new byte[8])), -1, 2);
            write(w, ipv6(DSTOPT, concat(ext(AH), ah(6), tcp)), -1, 3);
            byte[] cut = ipv6(FRAG, concat(frag(17, 0, true, 9), udp));
            write(w, cut, 14 + 40 + 4, 4);   // the capture ends inside the fragment header
        }
        for (Engine engine : List.of(Engine.JIT, Engine.INTERPRETER)) {
            FlowCounterTest.Run run = FlowCounterTest.run(file, null, Aggregation.FIVE_TUPLE, true, 100, engine);
            FlowCounterTest.assertSameFlows(run.reference(), run.table(), "crafted chains, " + engine);
            List<FlowRecord> t = run.table();
            assertTrue(t.stream().anyMatch(r -> r.proto() == 17 && r.packets() == 2
                    && (r.origPort() == 1000 || r.respPort() == 1000)),
                    engine + ": both fragments in the UDP flow " + t);
            assertTrue(t.stream().anyMatch(r -> r.proto() == 6 && (r.origPort() == 3000 || r.respPort() == 3000)),
                    engine + ": TCP found behind destination options and AH " + t);
            assertTrue(t.stream().anyMatch(r -> r.proto() == FRAG && !r.hasPorts()),
                    engine + ": a cut fragment header counts under protocol 44 without ports " + t);
            assertEquals(4, run.counter().tally(FlowCounter.Tally.COUNTED), engine.toString());
        }
    }

    private static void write(PcapWriter w, byte[] frame, int capLen, int second) throws Exception {
        w.write(frame, 0, capLen < 0 ? frame.length : capLen, frame.length, second * 1_000_000_000L);
    }

    /** An Ethernet frame with an IPv6 header (2001:db8::1 to 2001:db8::2) and {@code payload}. */
    private static byte[] ipv6(int next, byte[] payload) {
        byte[] h = new byte[14 + 40];
        h[12] = (byte) 0x86;
        h[13] = (byte) 0xdd;
        h[14] = 0x60;
        h[18] = (byte) (payload.length >>> 8);
        h[19] = (byte) payload.length;
        h[20] = (byte) next;
        h[21] = 64;
        for (int at : new int[] {22, 38}) {
            h[at] = 0x20;
            h[at + 1] = 0x01;
            h[at + 2] = 0x0d;
            h[at + 3] = (byte) 0xb8;
        }
        h[37] = 1;
        h[53] = 2;
        return concat(h, payload);
    }

    /** A hop-by-hop or destination-options header of 8 bytes (padding only). */
    private static byte[] ext(int next) {
        return new byte[] {(byte) next, 0, 1, 4, 0, 0, 0, 0};
    }

    /** An AH header of 12 bytes (length field 1). */
    private static byte[] ah(int next) {
        byte[] a = new byte[12];
        a[0] = (byte) next;
        a[1] = 1;
        return a;
    }

    private static byte[] frag(int next, int offset, boolean more, int id) {
        int word = offset | (more ? 1 : 0);
        return new byte[] {(byte) next, 0, (byte) (word >>> 8), (byte) word, 0, 0, 0, (byte) id};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
