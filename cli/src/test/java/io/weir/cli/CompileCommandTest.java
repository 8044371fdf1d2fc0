package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code weir -d/-dd/-ddd} and {@code weir compile}: golden outputs, tcpdump's warnings and errors. */
class CompileCommandTest {
    private static final Path PCAPS = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps");
    private static final Path GOLDEN = Path.of("src/test/resources/io/weir/cli/golden/compile");

    private static final String WARNING = "Warning: assuming Ethernet\n";

    /** {golden file, arguments, expected standard error}: rewrite with -Dgolden.update=true and review the diff. */
    static List<Arguments> golden() {
        return List.of(
                Arguments.of("d-tcp.txt", new String[] {"-d", "tcp"}, WARNING),
                Arguments.of("d-tcp-port-80.txt", new String[] {"-d", "tcp", "port", "80"}, WARNING),
                Arguments.of("dd-raw-ip.txt", new String[] {"-dd", "-y", "RAW", "ip"}, ""),
                Arguments.of("ddd-sll2-udp-53.txt", new String[] {"-ddd", "-s", "100", "-y", "LINUX_SLL2", "udp port 53"}, ""),
                Arguments.of("d-d-null-ip6.txt", new String[] {"-d", "-d", "-y", "null", "ip6"}, ""),
                Arguments.of("d-loop-number.txt", new String[] {"-y", "108", "-d", "host 10.1.2.3"}, ""),
                Arguments.of("d-s0-vlan.txt", new String[] {"-s", "0", "-y", "EN10MB", "-d", "vlan 100 and tcp"}, ""),
                Arguments.of("d-empty.txt", new String[] {"-d"}, WARNING),
                Arguments.of("ebpf-tcp-port-80.txt", new String[] {"compile", "--ebpf", "-y", "EN10MB", "tcp port 80"}, ""),
                Arguments.of("compile-ddd-sll.txt", new String[] {"compile", "-ddd", "-y", "LINUX_SLL", "arp or icmp"}, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void printsTheProgram(String golden, String[] args, String err) throws IOException {
        WeirCommandTest.Run r = WeirCommandTest.run(args);
        assertEquals(0, r.status(), r.err());
        assertEquals(err, r.err());
        Path file = GOLDEN.resolve(golden);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, r.out());
        }
        assertEquals(Files.readString(file), r.out(), golden + " (rewrite with -Dgolden.update=true)");
    }

    /** {top-level arguments}: {@code weir compile} with the same arguments prints the same program. */
    static List<Arguments> sameUnderCompile() {
        return List.of(Arguments.of((Object) new String[] {"-d", "tcp port 80"}),
                Arguments.of((Object) new String[] {"-dd", "-y", "RAW", "ip6"}),
                Arguments.of((Object) new String[] {"-ddd", "-s", "96", "icmp"}),
                Arguments.of((Object) new String[] {"-y", "LINUX_SLL", "-d", "not arp"}));
    }

    @ParameterizedTest
    @MethodSource("sameUnderCompile")
    void compileSubcommandPrintsTheSame(String[] args) {
        String[] sub = new String[args.length + 1];
        sub[0] = "compile";
        System.arraycopy(args, 0, sub, 1, args.length);
        WeirCommandTest.Run top = WeirCommandTest.run(args);
        WeirCommandTest.Run under = WeirCommandTest.run(sub);
        assertEquals(0, top.status(), top.err());
        assertEquals(top, under);
    }

    /** With -r, the file's link type and snapshot length (-y and -s ignored, as tcpdump ignores them). */
    @Test
    void readFileGivesTheLinkType() {
        String file = PCAPS.resolve("mixed-null.pcap").toString();
        WeirCommandTest.Run r = WeirCommandTest.run("-r", file, "-y", "RAW", "-s", "10", "-d", "ip");
        assertEquals(0, r.status(), r.err());
        assertEquals("reading from file " + file + ", link-type NULL (BSD loopback), snapshot length 262144\n", r.err());
        assertEquals(WeirCommandTest.run("-y", "NULL", "-d", "ip").out(), r.out());
    }

    @Test
    void badExpressionIsLocated() {
        WeirCommandTest.Run r = WeirCommandTest.run("-d", "tcp", "port");
        assertEquals(1, r.status());
        assertEquals("", r.out());
        String[] err = r.err().split("\n");
        assertEquals(4, err.length, r.err());
        assertEquals("Warning: assuming Ethernet", err[0]);
        assertTrue(err[1].startsWith("weir: error: ") && err[1].endsWith("(column 9)"), err[1]);
        assertEquals("  tcp port", err[2]);
        assertEquals("          ^", err[3]);

        WeirCommandTest.Run main = WeirCommandTest.run("-r", PCAPS.resolve("mixed-ether.pcap").toString(), "ether", "port", "80");
        assertEquals(1, main.status());
        assertEquals("", main.out());
        String[] lines = main.err().split("\n");
        assertEquals(4, lines.length, main.err());
        assertTrue(lines[0].startsWith("reading from file "), lines[0]);
        assertTrue(lines[1].startsWith("weir: error: "), lines[1]);
        assertEquals("  ether port 80", lines[2]);
        assertTrue(lines[3].matches(" {2}\\s*\\^~*"), lines[3]);
    }

    /** {arguments, the single stderr line}. */
    static List<Arguments> errors() {
        return List.of(
                Arguments.of(new String[] {"compile", "-y", "FOO", "ip"}, "weir: invalid data link type FOO"),
                Arguments.of(new String[] {"compile", "-x", "ip"}, "weir: compile: unknown option '-x' (see weir compile --help)"),
                Arguments.of(new String[] {"compile", "-s"}, "weir: compile: option -s needs a value (see weir compile --help)"),
                Arguments.of(new String[] {"compile", "-s", "big", "ip"}, "weir: invalid snaplen big"),
                Arguments.of(new String[] {"-y", "147", "-d", "ip"}, "weir: error: DLT 147 link-layer type filtering not implemented"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errors")
    void errorsAreOneLine(String[] args, String expected) {
        WeirCommandTest.Run r = WeirCommandTest.run(args);
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertEquals(expected + "\n", r.err());
    }

    /** -F reads the expression from a file, blanking '#' comments; the words on the command line are ignored. */
    @Test
    void filterFile(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("filter");
        Files.writeString(f, "tcp # web only\n  and port 80\n");
        WeirCommandTest.Run fromFile = WeirCommandTest.run("-y", "EN10MB", "-F", f.toString(), "-d", "udp");
        assertEquals(0, fromFile.status(), fromFile.err());
        assertEquals(WeirCommandTest.run("-y", "EN10MB", "-d", "tcp and port 80").out(), fromFile.out());
        String file = PCAPS.resolve("mixed-ether.pcap").toString();
        assertEquals(WeirCommandTest.run("-r", file, "--count", "tcp port 80").out(),
                WeirCommandTest.run("-r", file, "--count", "-F", f.toString()).out());
    }

    @Test
    void helpListsTheOptions() {
        WeirCommandTest.Run r = WeirCommandTest.run("compile", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("Usage: weir compile"), r.out());
        assertTrue(WeirCommandTest.run("--help").out().contains("-F=FILE"));
    }
}
