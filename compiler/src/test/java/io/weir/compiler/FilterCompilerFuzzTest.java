package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.ClassicValidator;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.Program;
import io.weir.engine.verifier.Verifier;
import java.util.Random;

/**
 * Fuzz target: any expression on any supported link type either compiles to a classic program that the
 * validator accepts, whose eBPF translation the verifier accepts and which returns the same value as the
 * classic interpreter on a few packets, or fails with a {@link FilterSyntaxException} whose span lies inside
 * the expression. Any other exception is a bug.
 *
 * <p>Input layout (FuzzedDataProvider): a link-type choice, a packet seed, then the expression as ASCII. Seeds:
 * {@code FilterCompilerFuzzTestInputs/expressions/}, one file per seed, written by {@link #main}.
 * Regression mode (every build) replays the seeds; {@code JAZZER_FUZZ=1} fuzzes (see {@code .ci/run}).
 */
class FilterCompilerFuzzTest {
    /** The link types the compiler supports (DLT numbers), indexed by the first input byte. */
    private static final int[] LINK_TYPES = {1, 12, 101, 113, 276, 0, 108, 228, 229};

    @FuzzTest(maxDuration = "25s")
    void expressions(FuzzedDataProvider data) {
        int linkType = LINK_TYPES[Math.floorMod(data.consumeByte(), LINK_TYPES.length)];
        long packetSeed = data.consumeLong();
        String expr = data.consumeRemainingAsAsciiString();
        if (!FilterCompiler.supportsLinkType(linkType)) {
            return;
        }
        ClassicProgram classic;
        try {
            classic = FilterCompiler.compile(expr, linkType, FilterCompiler.DEFAULT_SNAPLEN);
        } catch (FilterSyntaxException e) {
            assertTrue(e.start() >= 0 && e.start() <= e.end() && e.end() <= expr.length(),
                    () -> "span " + e.start() + ".." + e.end() + " outside '" + expr + "'");
            assertEquals(expr, e.expression());
            assertNotNull(e.render());
            return;
        }
        ClassicValidator.validate(classic);
        Program ebpf = ClassicToEbpf.translate(classic);
        Verifier.verify(ebpf);
        ClassicInterpreter ci = ClassicInterpreter.of(classic);
        EbpfInterpreter ei = new EbpfInterpreter(ebpf);
        Random r = new Random(packetSeed);
        for (int i = 0; i < 4; i++) {
            byte[] pkt = new byte[r.nextInt(120)];
            r.nextBytes(pkt);
            if (pkt.length > 14 && r.nextBoolean()) {
                pkt[12] = (byte) 0x08;   // bias towards IPv4 over Ethernet, so deeper tests run
                pkt[13] = 0;
                pkt[14] = 0x45;
            }
            int cap = pkt.length;
            long want = ci.run(pkt, 0, cap, cap);
            assertEquals(want, ei.run(pkt, 0, cap, cap), () -> "classic and eBPF disagree on '" + expr + "' link "
                    + linkType + " packet seed " + packetSeed);
        }
    }

    /** Writes the seed corpus: {@code main(dir)} with the Inputs/expressions directory. */
    public static void main(String[] args) throws Exception {
        String[] seeds = {"tcp port 80", "ip host 10.0.0.1 and not udp", "ether[12:2] = 0x800",
                "ip6 and tcp[tcpflags] & (tcp-syn|tcp-ack) != 0", "vlan and ip", "icmp[icmptype] = icmp-echo",
                "net 192.168.0.0/16 or portrange 1000-2000", "ip[2:2] > 576 and len < 1500",
                "udp dst port 53 and (host ::1 or host fe80::1)", "arp or rarp", "ether host 01:02:03:04:05:06",
                "tcp port (80 or 443)", "(", "ip[", "host", "port 99999", "ip proto 300", "1 + 2 * 3 = 7",
                "ip[0] & 0xf > 5", "not not not tcp", "mpls 3 and ip", "ether proto \\ip", "gateway 1.2.3.4",
                "src net 10 mask 255.0.0.0", "ip broadcast", "less 64 or greater 1000", "tcp[13] == 2"};
        java.nio.file.Path dir = java.nio.file.Path.of(args[0]);
        java.nio.file.Files.createDirectories(dir);
        for (int i = 0; i < seeds.length; i++) {
            // FuzzedDataProvider reads primitives from the end of the input, the remaining bytes from the start.
            byte[] text = seeds[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] in = new byte[text.length + 9];
            System.arraycopy(text, 0, in, 0, text.length);
            for (int k = 0; k < 8; k++) {
                in[text.length + k] = (byte) (i * 31 + k);
            }
            in[in.length - 1] = (byte) (i % LINK_TYPES.length);
            java.nio.file.Files.write(dir.resolve(String.format("seed-%02d", i)), in);
        }
    }
}
