package io.weir.cli.print;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tcpdump's printing flags against tcpdump itself on the generated captures in {@code pcaps/} (every protocol
 * there is one Weir decodes): the whole output must be identical, line for line, dumps included. {@code -v} is
 * checked on its IPv4 header line only (tcpdump's -v also verifies checksums, which Weir does not print).
 */
class FlagsGoldenTest {
    private static final String[] CAPTURES = {"mixed-ether.pcap", "mixed-ether-ns.pcapng", "mixed-ether-be-ns.pcap",
        "mixed-sll.pcap", "mixed-sll2.pcap", "mixed-raw.pcap", "mixed-null.pcap"};

    @ParameterizedTest
    @ValueSource(strings = {"-e", "-q", "-t", "-tt", "-ttt", "-tttt", "-ttttt", "-S", "-x", "-xx", "-X", "-XX", "-A",
        "-e -q -tttt", "-e -x", "--time-stamp-precision nano", "-ttt --time-stamp-precision nano", "-v"})
    void outputEqualsTcpdumps(String flags) throws Exception {
        String tcpdump = TcpdumpRunner.tcpdump();
        String[] args = flags.split(" ");
        int compared = 0;
        for (String name : CAPTURES) {
            Path f = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps").resolve(name);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            List<String> t = lines(TcpdumpRunner.tcpdump(tcpdump, f, args));
            List<String> w = lines(TcpdumpRunner.weir(f, options(args)));
            if (flags.equals("-v")) {
                t = ipv4HeaderLines(t);
                w = ipv4HeaderLines(w);
                assertTrue(!t.isEmpty(), name + ": no IPv4 -v lines");
            }
            for (int i = 0; i < Math.max(t.size(), w.size()); i++) {
                String tl = i < t.size() ? t.get(i) : "<none>";
                String wl = i < w.size() ? w.get(i) : "<none>";
                assertEquals(tl, wl, name + " with " + flags + ", line " + (i + 1));
                compared++;
            }
        }
        assertTrue(compared > 0, "no captures in pcaps/");
    }

    /** The flags as the command line's fast parser reads them. */
    static PrintOptions options(String[] args) {
        PrintOptions o = new PrintOptions();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--time-stamp-precision")) {
                assertTrue(PrintFlags.precision(args[++i], o));
            } else {
                assertTrue(PrintFlags.quick(args[i], o), args[i]);
            }
        }
        return o;
    }

    private static List<String> lines(List<List<String>> packets) {
        List<String> all = new ArrayList<>();
        packets.forEach(all::addAll);
        return all;
    }

    private static List<String> ipv4HeaderLines(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.contains(" IP (tos ")) {
                out.add(l);
            }
        }
        return out;
    }
}
