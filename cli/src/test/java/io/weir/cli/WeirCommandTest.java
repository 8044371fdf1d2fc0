package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.PcapNgWriter;
import io.weir.capture.PcapReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.TimeZone;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code weir -r}: run in-process with standard output and error captured. */
class WeirCommandTest {
    private static final Path PCAPS = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps");

    /** What one run produced. */
    record Run(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n", -1)).subList(0, out.split("\n", -1).length - 1);
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String pcap(String name) {
        return PCAPS.resolve(name).toString();
    }

    /** {file, packets, link type as the banner names it}: the bundled captures. */
    static List<Arguments> bundled() {
        return List.of(
                Arguments.of("mixed-ether.pcap", 300, "EN10MB (Ethernet)"),
                Arguments.of("mixed-ether-ns.pcapng", 300, "EN10MB (Ethernet)"),
                Arguments.of("mixed-ether-be-ns.pcap", 100, "EN10MB (Ethernet)"),
                Arguments.of("mixed-sll.pcap", 300, "LINUX_SLL (Linux cooked v1)"),
                Arguments.of("mixed-sll2.pcap", 300, "LINUX_SLL2 (Linux cooked v2)"),
                Arguments.of("mixed-raw.pcap", 300, "RAW (Raw IP)"),
                Arguments.of("mixed-null.pcap", 300, "NULL (BSD loopback)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void printsOneLinePerPacketAndTcpdumpsBanner(String file, int packets, String link) {
        Run r = run("-r", pcap(file));
        assertEquals(0, r.status(), r.err());
        assertEquals("reading from file " + pcap(file) + ", link-type " + link + ", snapshot length 262144\n", r.err());
        assertEquals(packets, r.lines().size());
        for (String line : r.lines()) {
            assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} (\\S+ +(In|Out|B|M|P) +)?(IP|IP6|ARP),? .*"),
                    line);
        }
        Run count = run("-r", pcap(file), "--count");
        assertEquals(packets + " packets\n", count.out());
    }

    /** Golden files: the exact lines, in UTC; rewrite with -Dgolden.update=true and review the diff. */
    static List<Arguments> golden() {
        return List.of(
                Arguments.of("mixed-ether.txt", new String[] {"-r", "mixed-ether.pcap"}),
                Arguments.of("mixed-ether-ns.txt", new String[] {"-n", "-r", "mixed-ether-ns.pcapng", "-c", "60"}),
                Arguments.of("mixed-null.txt", new String[] {"-r", "mixed-null.pcap", "-c", "40"}),
                Arguments.of("mixed-sll2.txt", new String[] {"-r", "mixed-sll2.pcap", "-c", "40"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void outputMatchesGoldenFile(String golden, String[] args) throws IOException {
        String[] a = args.clone();
        for (int i = 0; i < a.length; i++) {
            if (a[i].startsWith("mixed-")) {
                a[i] = pcap(a[i]);
            }
        }
        // Cooked-v2 interface indexes would print as this machine's interface names (as tcpdump prints them),
        // which differ between machines: the golden files hold "?".
        String was = System.getProperty("weir.print.localIfNames");
        System.setProperty("weir.print.localIfNames", "false");
        Run r;
        try {
            r = run(a);
        } finally {
            if (was == null) {
                System.clearProperty("weir.print.localIfNames");
            } else {
                System.setProperty("weir.print.localIfNames", was);
            }
        }
        assertEquals(0, r.status(), r.err());
        Path file = Path.of("src/test/resources/io/weir/cli/golden", golden);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, r.out());
        }
        assertEquals(Files.readString(file), r.out(), golden + " (rewrite with -Dgolden.update=true)");
    }

    @Test
    void countAndPacketLimit() {
        Run r = run("-r", pcap("mixed-raw.pcap"), "-c", "5");
        assertEquals(5, r.lines().size());
        assertEquals("3 packets\n", run("-c", "3", "--count", "-r", pcap("mixed-raw.pcap")).out());
        assertEquals(1, run("-r", pcap("mixed-raw.pcap"), "-c", "0").status());
    }

    @Test
    void writesPacketsInsteadOfPrintingThem(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("copy.pcap");
        Run r = run("-r", pcap("mixed-sll.pcap"), "-w", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out());
        assertArrayEquals(Files.readAllBytes(PCAPS.resolve("mixed-sll.pcap")), Files.readAllBytes(out));
        Path ng = tmp.resolve("copy.pcapng");
        assertEquals(0, run("-r", pcap("mixed-ether.pcap"), "-w", ng.toString(), "-c", "10").status());
        assertEquals("10 packets\n", run("-r", ng.toString(), "--count").out());
    }

    @Test
    void severalLinkTypesNeedAPcapngOutput(@TempDir Path tmp) throws IOException {
        Path in = tmp.resolve("two.pcapng");
        try (PcapNgWriter w = PcapNgWriter.open(in, ByteOrder.LITTLE_ENDIAN)) {
            int eth = w.addInterface(1, 65535, 6, "eth0");
            int raw = w.addInterface(101, 65535, 9, "tun0");
            byte[] ip = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2, 0, 8, 0, 0};
            byte[] frame = new byte[60];
            frame[12] = 0x08;
            System.arraycopy(ip, 0, frame, 14, ip.length);
            w.write(eth, frame, 0, 60, 60, 1_000_000_000L);
            w.write(raw, ip, 0, 28, 28, 2_000_000_000L);
            w.write(raw, ip, 0, 24, 28, 3_000_000_000L);   // cut inside the UDP header
        }
        Run printed = run("-r", in.toString());
        assertEquals(0, printed.status(), printed.err());
        assertEquals(List.of("00:00:01.000000 IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 0",
                "00:00:02.000000 IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 0",
                "00:00:03.000000 IP 10.0.0.1 > 10.0.0.2: [|udp]"), printed.lines());
        // Interfaces of different link types: written as pcapng whatever the name, the filter compiled per type.
        Path copy = tmp.resolve("x.pcap");
        Run filtered = run("-r", in.toString(), "-w", copy.toString(), "udp[4:2]", "=", "8");
        assertEquals(0, filtered.status(), filtered.err());
        try (PcapReader r = PcapReader.open(copy)) {
            assertTrue(r.next());
            assertEquals(1, r.packet().linkType());
            assertTrue(r.next());
            assertEquals(101, r.packet().linkType());
            assertEquals(2_000_000_000L, r.packet().timestampNanos());
            assertTrue(!r.next(), "the third packet is cut before udp[4:2]: no match");
        }
    }

    @Test
    void truncatedFilePrintsTheGoodPacketsThenOneLineAndFails(@TempDir Path tmp) throws IOException {
        byte[] whole = Files.readAllBytes(PCAPS.resolve("mixed-ether.pcap"));
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
        Run r = run("-r", cut.toString());
        assertEquals(1, r.status());
        assertEquals(299, r.lines().size());
        String[] err = r.err().split("\n");
        assertEquals(2, err.length, r.err());
        assertTrue(err[1].startsWith("weir: " + cut + ": truncated dump file; tried to read "), err[1]);
        assertTrue(err[1].matches(".* at byte offset \\d+ \\(299 packets read\\)"), err[1]);
        Run count = run("-r", cut.toString(), "--count");
        assertEquals("299 packets\n", count.out());
        assertEquals(1, count.status());
    }

    @Test
    void readsGzippedFiles(@TempDir Path tmp) throws IOException {
        Path gz = tmp.resolve("x.pcap.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(PCAPS.resolve("mixed-null.pcap")));
        }
        assertEquals(run("-r", pcap("mixed-null.pcap")).out(), run("-r", gz.toString()).out());
    }

    /** {arguments, exit status, the single stderr line (exact, or a prefix ending in "...")}. */
    static List<Arguments> errors() {
        return List.of(
                Arguments.of(new String[] {"-r", "/nonexistent/x.pcap", "tcp", "port", "80"}, 1,
                        "weir: /nonexistent/x.pcap: No such file or directory"),
                Arguments.of(new String[] {"-r", "mixed-ether.pcap", "--engine", "fast"}, 1,
                        "weir: unknown engine 'fast' (auto, jit, interpreter, classic)"),
                Arguments.of(new String[] {"-r", "mixed-ether.pcap", "-F", "/nonexistent/f"}, 1,
                        "weir: /nonexistent/f: No such file or directory"),
                Arguments.of(new String[] {"-y", "FOO", "-d", "ip"}, 1, "weir: invalid data link type FOO"),
                Arguments.of(new String[] {"-s", "-5", "-d", "ip"}, 1, "weir: invalid snaplen -5 (see weir --help)"),
                Arguments.of(new String[] {"-r", "/nonexistent/x.pcap"}, 1,
                        "weir: /nonexistent/x.pcap: No such file or directory"),
                Arguments.of(new String[] {"--bogus"}, 1, "weir: Unknown option: '--bogus' (see weir --help)"),
                Arguments.of(new String[] {"-c", "many", "-r", "x"}, 1, "weir: Invalid value for option '-c'..."),
                Arguments.of(new String[] {"-r", "README.md"}, 1, "weir: README.md: unknown file format..."));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("errors")
    void errorsAreOneLineAndStatusOne(String[] args, int status, String expected) {
        String[] a = args.clone();
        for (int i = 0; i < a.length; i++) {
            if (a[i].startsWith("mixed-") || a[i].equals("README.md")) {
                a[i] = a[i].equals("README.md") ? PCAPS.resolve("README.md").toString() : pcap(a[i]);
            }
        }
        Run r = run(a);
        assertEquals(status, r.status());
        assertEquals("", r.out());
        String err = r.err().replace(PCAPS.resolve("README.md").toString(), "README.md");
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1, "one line: " + err);
        if (expected.endsWith("...")) {
            assertTrue(err.startsWith(expected.substring(0, expected.length() - 3)), err);
        } else {
            assertEquals(expected + "\n", err);
        }
    }

    @Test
    void helpAndVersionSucceed() {
        Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: weir"), help.out());
        Run version = run("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("weir version "), version.out());
    }

    /** Main.run (the launcher's entry) goes through WeirCommand with the process's streams. */
    @Test
    void mainRunUsesTheStandardStreams() {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        TimeZone oldZone = TimeZone.getDefault();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run(new String[] {"-r", pcap("mixed-ether.pcap"), "-c", "2"}));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            TimeZone.setDefault(oldZone);
        }
        assertEquals(run("-r", pcap("mixed-ether.pcap"), "-c", "2").out(), out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("reading from file "));
    }

    /** Command lines for the parser agreement test: each is parsed by both parsers where the quick one answers. */
    static List<String[]> commandLines() {
        return List.of(
                new String[] {"-r", "x.pcap"}, new String[] {"-r", "-"}, new String[] {"-n", "-r", "x", "-c", "10"},
                new String[] {"--count", "-r", "x", "-w", "y"}, new String[] {"-r", "x", "tcp", "port", "80"},
                new String[] {"-r", "x", "-c", "5", "host", "-n"}, new String[] {}, new String[] {"-c", "007", "-r", "x"},
                new String[] {"-nr", "x"}, new String[] {"-r", "x", "-r", "y"}, new String[] {"-c", "-1", "-r", "x"},
                new String[] {"-c", "+5", "-r", "x"}, new String[] {"-r"}, new String[] {"-r", "--count"},
                new String[] {"--help"}, new String[] {"-w", "-", "-r", "x"}, new String[] {"-n", "-n", "-r", "x"},
                new String[] {"--count", "--count"}, new String[] {"-x"}, new String[] {"-c", "99999999999999999999"},
                new String[] {"-d", "tcp"}, new String[] {"-dd", "-y", "RAW", "ip"}, new String[] {"-ddd", "-s", "100", "udp"},
                new String[] {"-d", "-d", "-r", "x", "ip"}, new String[] {"-r", "x", "-F", "f"},
                new String[] {"-r", "x", "--engine", "classic", "tcp"}, new String[] {"-s", "-5", "-d"},
                new String[] {"-y", "RAW", "-y", "RAW"}, new String[] {"-dn"});
    }

    /** The quick parser and picocli agree wherever the quick one answers; it answers the common forms. */
    @Test
    void quickParserAgreesWithPicocli() {
        int answered = 0;
        for (String[] args : commandLines()) {
            WeirCommand quick = WeirCommand.quickParse(args);
            if (quick == null) {
                continue;
            }
            answered++;
            picocli.CommandLine cl = new picocli.CommandLine(WeirCommand.spec());
            cl.setStopAtPositional(true);
            assertEquals(WeirCommand.fromPicocli(cl.parseArgs(args)), quick, String.join(" ", args));
        }
        assertEquals(16, answered);
        assertTrue(WeirCommand.quickParse(new String[] {"--help"}) == null);
    }
}
