package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.capture.PcapReader;
import io.weir.capture.gen.GenerateCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code -w} rotation ({@code -C}, {@code -G}, {@code -W}): file names and packet splits. Against tcpdump itself
 * where it is installed ({@code tcpdump -r IN -w OUT -C 1 ...}: the same names, byte for byte the same files);
 * {@code -G}, which tcpdump times by the wall clock, with a clock the test drives; pcapng series read back whole.
 */
class RotationTest {
    @TempDir
    static Path tmp;

    /** About 3.5 MB of generated traffic: four files at -C 1. */
    static Path big;

    @BeforeAll
    static void capture() throws IOException {
        big = tmp.resolve("big.pcap");
        GenerateCapture.write(new GenerateCapture.Options(6000, 5, 1, "pcap", ByteOrder.LITTLE_ENDIAN,
                big.toString(), 0));
    }

    @ParameterizedTest(name = "-C {0} -G {1} -W {2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // size | seconds | files | file number, width -> name
        "1 | - | -  | out|0|0|out",
        "1 | - | -  | out|3|0|out3",
        "1 | - | 10 | out|0|1|out0",
        "1 | - | 11 | out|7|2|out07",
        "1 | - | 1  | out|0|0|out",
        "1 | 60 | 3 | d-%Y%m%d-%H%M%S.pcap|0|1|d-20231114-221320.pcap0",
        "- | 60 | - | d-%s-%%-%j|0|0|d-1700000000-%-318",
    })
    void namesAsTcpdump(String size, String seconds, String files, String base, int n, int width, String name) {
        Rotation r = Rotation.of(size, seconds, files);
        assertEquals(width, r.width(), "width for -W " + files);
        assertEquals(name, r.name(base, n, width, 1_700_000_000L, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-C|0|invalid file size 0", "-C|1.5|invalid file size 1.5", "-C|x|invalid file size x",
        "-G|-1|invalid number of seconds -1", "-W|0|invalid number of output files 0",
        "-W|x|invalid number of output files x"})
    void badValuesAreTcpdumpsErrors(String flag, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rotation.of(
                flag.equals("-C") ? value : null, flag.equals("-G") ? value : null, flag.equals("-W") ? value : null));
        assertEquals(message, e.getMessage());
        Run run = weir(null, "-r", big.toString(), "-w", tmp.resolve("bad").toString(), flag, value);
        assertEquals(1, run.status);
        assertEquals("weir: " + message, run.err.strip().lines().reduce((a, b) -> b).orElse(""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%Y-%m-%d %H:%M:%S|2024-02-29 13:05:09", "%F %T|2024-02-29 13:05:09", "%y%j %a %A|24060 Thu Thursday",
        "%b %B %h|Feb February Feb", "%e|29", "%I %l %p %P|01  1 PM pm", "%D %R|02/29/24 13:05",
        "%u %w %U %W %V %G %g|4 4 08 09 09 2024 24", "%C %s %z %Z|20 1709211909 +0000 UTC", "%q %%|%q %",
        "%c|Thu Feb 29 13:05:09 2024", "[%k]|[13]", "<%t>|<\t>"})
    void strftimeAsC(String pattern, String expected) {
        ZonedDateTime t = ZonedDateTime.of(2024, 2, 29, 13, 5, 9, 0, ZoneId.of("UTC"));
        assertEquals(expected, Strftime.format(pattern, t), pattern);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-C 1", "-C 1 -W 2", "-C 1 -W 11", "-C 2 -W 1", "-C 1 -G 3600 -W 3",
        "-C 1 -G 3600", "-C 1 -c 4000", "-C 1 udp"})
    void filesEqualTcpdumps(String flags) throws Exception {
        String tcpdump = tcpdump();
        Path t = Files.createDirectories(tmp.resolve("t" + flags.replaceAll("\\W", "_")));
        Path w = Files.createDirectories(tmp.resolve("w" + flags.replaceAll("\\W", "_")));
        List<String> f = List.of(flags.split(" "));
        List<String> cmd = new ArrayList<>(List.of(tcpdump, "-Z", System.getProperty("user.name"), "-r",
                big.toString(), "-w", t.resolve("o-%Y").toString()));
        cmd.addAll(f);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String td = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "tcpdump " + cmd + ": " + td);
        List<String> args = new ArrayList<>(List.of("-r", big.toString(), "-w", w.resolve("o-%Y").toString()));
        args.addAll(f);
        Run run = weir(null, args.toArray(new String[0]));
        assertEquals(0, run.status, run.err);
        List<String> names = names(t);
        assertEquals(names, names(w), "file names");
        assertTrue(names.size() > 1 || flags.contains("-W 1"), "the case rotates: " + names);
        for (String n : names) {
            assertArrayEquals(Files.readAllBytes(t.resolve(n)), Files.readAllBytes(w.resolve(n)), n);
        }
    }

    /** pcapng series: each file complete and valid, none over the limit but by its last packet, none lost. */
    @Test
    void pcapngFilesAreWholeAndSplitAtTheLimit() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ng"));
        Run run = weir(null, "-r", big.toString(), "-w", dir.resolve("o.pcapng").toString(), "-C", "1");
        assertEquals(0, run.status, run.err);
        List<String> names = names(dir);
        assertEquals(List.of("o.pcapng", "o.pcapng1", "o.pcapng2", "o.pcapng3"), names);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Path f = dir.resolve(names.get(i));
            List<String> packets = packets(f);
            long size = Files.size(f);
            if (i < names.size() - 1) {
                int lastBlock = 32 + ((HexFormat.of().parseHex(packets.get(packets.size() - 1)).length + 3) & ~3);
                assertTrue(size > 1_000_000 && size - lastBlock <= 1_000_000, names.get(i) + ": " + size + " bytes");
            }
            all.addAll(packets);
        }
        assertEquals(packets(big), all, "the files hold every packet, in order");
    }

    /** -G by a clock that ticks one second per packet: a file every ten packets, named by strftime. */
    @Test
    void timeRotationByTheClock() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("g"));
        long t0 = 1_700_000_000L;
        Run run = weir(new AtomicLong(t0), "-r", big.toString(), "-c", "25", "-w", dir.resolve("o-%s").toString(),
                "-G", "10");
        assertEquals(0, run.status, run.err);
        // The clock is read at the start (t0), then once per packet: packet i at t0 + 1 + i.
        assertEquals(List.of("o-" + t0, "o-" + (t0 + 10), "o-" + (t0 + 20)), names(dir));
        assertEquals(List.of(9, 10, 6), counts(dir));
    }

    @Test
    void timeRotationWithAFileLimitStops() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("gw"));
        long t0 = 1_700_000_000L;
        Run run = weir(new AtomicLong(t0), "-r", big.toString(), "-w", dir.resolve("o-%s").toString(), "-G", "10",
                "-W", "2");
        assertEquals(0, run.status, run.err);
        assertTrue(run.err.contains("Maximum file limit reached: 2"), run.err);
        assertEquals(List.of("o-" + t0, "o-" + (t0 + 10)), names(dir));
        assertEquals(List.of(9, 10), counts(dir));
    }

    @Test
    void timeAndSizeTogetherNumberFromZeroAfterEachTimeRotation() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("gc"));
        long t0 = 1_700_000_000L;
        // Packets of about 580 bytes: over 1 MB after about 1700; the clock rotates every 2000 packets.
        Run run = weir(new AtomicLong(t0), "-r", big.toString(), "-c", "5999", "-w", dir.resolve("o-%s-").toString(),
                "-G", "2000", "-C", "1");
        assertEquals(0, run.status, run.err);
        String a = "o-" + t0 + "-";
        String b = "o-" + (t0 + 2000) + "-";
        String c = "o-" + (t0 + 4000) + "-";
        assertEquals(List.of(a, a + "1", b, b + "1", c, c + "1"), names(dir));
        List<Integer> n = counts(dir);
        assertEquals(1999, n.get(0) + n.get(1));
        assertEquals(2000, n.get(2) + n.get(3));
        assertEquals(2000, n.get(4) + n.get(5));
    }

    @Test
    void rotationNeedsAFile() {
        Run run = weir(null, "-r", big.toString(), "-w", "-", "-C", "1");
        assertEquals(1, run.status);
        assertTrue(run.err.contains("need -w FILE"), run.err);
    }

    record Run(int status, String err) {}

    /** Runs the command in this JVM; with {@code clock}, -G reads it (and it advances one second per read). */
    static Run weir(AtomicLong clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status;
        if (clock == null) {
            status = WeirCommand.execute(args, o, e, ZoneOffset.UTC);
        } else {
            // The -G runs go through OfflineRun directly, the only way to give it a clock.
            List<String> a = Arrays.asList(args);
            String w = a.get(a.indexOf("-w") + 1);
            long limit = a.contains("-c") ? Long.parseLong(a.get(a.indexOf("-c") + 1)) : Long.MAX_VALUE;
            Rotation r = Rotation.of(a.contains("-C") ? a.get(a.indexOf("-C") + 1) : null,
                    a.get(a.indexOf("-G") + 1), a.contains("-W") ? a.get(a.indexOf("-W") + 1) : null);
            status = new OfflineRun(a.get(a.indexOf("-r") + 1), w, limit, false,
                    new PacketSelector(null, ExtensionFlags.NONE, FilterFactory.Choice.AUTO))
                    .writing(false, r, clock::getAndIncrement).run(o, e, ZoneOffset.UTC);
        }
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static List<Integer> counts(Path dir) throws IOException {
        List<Integer> n = new ArrayList<>();
        for (String name : names(dir)) {
            n.add(packets(dir.resolve(name)).size());
        }
        return n;
    }

    /** The packets of a file, each as hex; fails on anything but a whole, valid file. */
    static List<String> packets(Path f) throws IOException {
        List<String> all = new ArrayList<>();
        try (PcapReader r = PcapReader.open(f)) {
            while (r.next()) {
                all.add(HexFormat.of().formatHex(r.packet().copyBytes()));
            }
        }
        return all;
    }

    /** The tcpdump binary; skipped without it (failed when weir.requireLibpcap=true, as in CI). */
    static String tcpdump() {
        for (String p : new String[] {"/usr/sbin/tcpdump", "/usr/bin/tcpdump"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        if (Boolean.getBoolean("weir.requireLibpcap")) {
            fail("tcpdump is not installed, and weir.requireLibpcap=true: apt-get install tcpdump");
        }
        org.junit.jupiter.api.Assumptions.abort("tcpdump is not installed: the comparison with its files is skipped");
        return null;
    }
}
