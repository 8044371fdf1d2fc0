package io.weir.engine.cbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random valid programs on random packets: Weir's classic interpreter against libpcap's own {@code bpf_filter}
 * (called through JNA). Each failure names the seed, the program (tcpdump -d) and the packet.
 */
class ClassicVsLibpcapFuzzTest {
    static final long BASE_SEED = Long.getLong("weir.fuzzSeed", 0x5eed_c1a5L);
    static final int PROGRAMS = Integer.getInteger("weir.fuzzPrograms", 400);
    static final int PACKETS = 40;

    @Test
    void randomProgramsAgreeWithLibpcap() {
        LibpcapSupport.assumeLibpcap();
        for (int i = 0; i < PROGRAMS; i++) {
            long seed = BASE_SEED + i;
            Random r = new Random(seed);
            ClassicProgram p = RandomClassicPrograms.program(r, 4 + r.nextInt(40));
            ClassicInterpreter weir = ClassicInterpreter.of(p);
            Memory insns = LibpcapSupport.nativeProgram(p);
            for (int j = 0; j < PACKETS; j++) {
                byte[] pkt = RandomClassicPrograms.packet(r);
                int wire = pkt.length + (r.nextBoolean() ? 0 : r.nextInt(1500));
                Memory m = new Memory(Math.max(1, pkt.length));
                m.write(0, pkt, 0, pkt.length);
                long expected = LibpcapSupport.runLibpcap(insns, m, wire, pkt.length);
                long actual = weir.run(pkt, 0, pkt.length, wire);
                if (expected != actual) {
                    assertEquals(expected, actual, "seed " + seed + " packet " + j + " ("
                            + java.util.HexFormat.of().formatHex(pkt) + ", wire " + wire + ")\n" + p);
                }
            }
        }
    }
}
