package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.capture.PcapReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live captures that end badly, in a network namespace of the test's own holding a veth pair ({@code va},
 * {@code vb}): the interface is deleted or taken down mid-run; SIGINT arrives during {@code -w}; the capture runs
 * without CAP_NET_RAW; no {@code -i} is given. Weir runs as a subprocess ({@code ip netns exec NS java ... Main}),
 * beside tcpdump on the same interface where tcpdump is installed, and must end as tcpdump does (the same exit
 * status, an error line, the statistics) with a {@code -w} file that is complete and readable by {@code tcpdump -r}.
 *
 * <p>Needs root, iproute2 and network namespaces: skipped outside with the reason, failed instead when
 * {@code -Dweir.requireLibpcap=true} (CI runs as root: the tests must run there).
 */
class LiveFaultTest {
    private static final int DATAGRAMS = 10;
    private static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    Path tmp;

    private String ns;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void namespace() throws Exception {
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            why = "network namespaces need root (running as " + System.getProperty("user.name") + ")";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/usr/bin/ip"))
                && !Files.isExecutable(Path.of("/sbin/ip"))) {
            why = "iproute2 is not installed (apt-get install iproute2)";
        } else {
            ns = "weir-test-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
            String[][] setup = {
                {"ip", "netns", "add", ns},
                {"ip", "-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb"},
                {"ip", "-n", ns, "addr", "add", "10.200.0.1/24", "dev", "va"},
                {"ip", "-n", ns, "link", "set", "va", "up"},
                {"ip", "-n", ns, "link", "set", "vb", "up"},
                // A fixed neighbour: the datagrams leave va at once, with no ARP exchange that nobody answers.
                {"ip", "-n", ns, "neigh", "add", "10.200.0.5", "lladdr", "02:00:00:00:00:05", "dev", "va"},
            };
            for (String[] c : setup) {
                String failed = sh(c);
                if (failed != null) {
                    why = "cannot set up a network namespace with a veth pair: " + failed;
                    break;
                }
            }
        }
        if (why != null) {
            if (Boolean.getBoolean("weir.requireLibpcap")) {
                fail("weir.requireLibpcap=true, but " + why);
            }
            Assumptions.abort("skipped: " + why);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
        }
        if (ns != null) {
            sh("ip", "netns", "del", ns);
        }
    }

    /**
     * The interface deleted mid-run. (Taken down, it is not an error for libpcap 1.10 on Linux: tcpdump and Weir
     * both go on capturing when it comes back up.)
     */
    @Test
    @Timeout(120)
    void interfaceDeletedEndsLikeTcpdump() throws Exception {
        Path file = tmp.resolve("weir.pcap");
        Capture weir = start("weir", weirCommand("-i", "va", "-w", file.toString(), "udp"));
        Capture td = tcpdump() == null ? null
                : start("tcpdump", List.of(tcpdump(), "-Z", "root", "-i", "va", "-w", tmp.resolve("td.pcap").toString(),
                        "udp"));
        await(() -> weir.err().contains("listening on va") || !weir.process.isAlive(), "weir's banner", weir);
        if (td != null) {
            await(() -> td.err().contains("listening on va") || !td.process.isAlive(), "tcpdump's banner", td);
        }
        send();
        Thread.sleep(700);
        assertEquals(null, sh("ip", "-n", ns, "link", "del", "va"));
        assertTrue(weir.process.waitFor(30, TimeUnit.SECONDS), "weir ends when the interface goes: " + weir.err());
        String err = weir.err();
        assertTrue(err.contains("weir: va: The interface disappeared\n"), "a clear message: " + err);
        assertTrue(err.contains("\n" + DATAGRAMS + " packets captured\n") && err.contains(" dropped by kernel\n"),
                "the statistics: " + err);
        assertTrue(!err.contains("Exception") && !err.contains("\tat "), "no stack trace: " + err);
        assertEquals(DATAGRAMS, records(file), "every datagram captured is in the file");
        assertEquals(DATAGRAMS, tcpdumpReads(file));
        if (td != null) {
            assertTrue(td.process.waitFor(30, TimeUnit.SECONDS), "tcpdump ends too: " + td.err());
            assertEquals(td.process.exitValue(), weir.process.exitValue(),
                    "the exit status is tcpdump's; tcpdump said: " + td.err() + "weir said: " + err);
        } else {
            assertEquals(1, weir.process.exitValue(), err);
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    @Timeout(120)
    void signalDuringWriteLeavesACompleteFile(String signal) throws Exception {
        Path file = tmp.resolve("sig.pcapng");
        Capture weir = start("weir", weirCommand("-i", "va", "-w", file.toString(), "udp"));
        await(() -> weir.err().contains("listening on va") || !weir.process.isAlive(), "weir's banner", weir);
        send();
        Thread.sleep(700);
        assertEquals(null, sh("kill", "-" + signal, Long.toString(weir.process.pid())));
        assertTrue(weir.process.waitFor(30, TimeUnit.SECONDS), "weir ends after SIG" + signal);
        String err = weir.err();
        assertEquals(0, weir.process.exitValue(), err);
        assertTrue(err.contains("\n" + DATAGRAMS + " packets captured\n"), err);
        assertEquals(DATAGRAMS, records(file));
        assertEquals(DATAGRAMS, tcpdumpReads(file));
    }

    /** No CAP_NET_RAW (dropped from the bounding set before exec): tcpdump's meaning, Weir's clear words. */
    @Test
    @Timeout(60)
    void noPermissionIsOneLineAndStatusOne() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "skipped: setpriv (util-linux) is not installed");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set", "-net_raw,-net_admin"));
        cmd.addAll(weirCommand("-i", "va", "udp"));
        Capture weir = start("weir", cmd);
        assertTrue(weir.process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, weir.process.exitValue(), weir.err());
        assertEquals("weir: va: You don't have permission to capture on that device (needs root or CAP_NET_RAW)\n",
                weir.err());
    }

    /** No -i and no -r: the first interface that is up and not a loopback, named as tcpdump names it. */
    @Test
    @Timeout(60)
    void noInterfaceCapturesOnTheFirstLikeTcpdump() throws Exception {
        Capture weir = start("weir", weirCommand());
        await(() -> weir.err().contains("listening on ") || !weir.process.isAlive(), "weir's banner", weir);
        String expected = "weir: verbose output suppressed, use -v[v]... for full protocol decode\n"
                + "listening on va, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n";
        if (tcpdump() != null) {
            Capture td = start("tcpdump", List.of(tcpdump(), "-Z", "root"));
            await(() -> td.err().contains("listening on ") || !td.process.isAlive(), "tcpdump's banner", td);
            expected = td.err().replace("tcpdump: ", "weir: ");
        }
        assertEquals(expected, weir.err());
        assertEquals(null, sh("kill", "-INT", Long.toString(weir.process.pid())));
        assertTrue(weir.process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, weir.process.exitValue(), weir.err());
    }

    /** A subprocess and its standard error, kept in a file. */
    private record Capture(Process process, Path errFile) {
        String err() {
            try {
                return Files.exists(errFile) ? Files.readString(errFile) : "";
            } catch (IOException e) {
                return "";
            }
        }
    }

    private Capture start(String name, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command);
        Path errFile = tmp.resolve(name + "-" + started.size() + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errFile.toFile()).start();
        started.add(p);
        return new Capture(p, errFile);
    }

    private static List<String> weirCommand(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 22) { // JNA loads libpcap: without this JDK 22+ warns on stderr
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** {@value #DATAGRAMS} UDP datagrams out of va (bash's /dev/udp: no other tool needed). */
    private void send() throws Exception {
        String failed = sh("ip", "netns", "exec", ns, "bash", "-c",
                "for i in $(seq " + DATAGRAMS + "); do echo weir > /dev/udp/10.200.0.5/9999; done");
        assertEquals(null, failed, "sending the datagrams");
    }

    private static void await(BooleanSupplier done, String what, Capture c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what + ": " + c.err());
            }
            Thread.sleep(50);
        }
        assertTrue(c.process.isAlive(), what + ", but the process ended: " + c.err());
    }

    private static int records(Path file) throws IOException {
        int n = 0;
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                n++;
            }
        }
        return n;
    }

    /** Packets tcpdump -r reads (its exit status must be 0); PcapReader's count where tcpdump is missing. */
    private static int tcpdumpReads(Path file) throws Exception {
        String td = tcpdump();
        if (td == null) {
            return records(file);
        }
        Process p = new ProcessBuilder(td, "-nn", "-r", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "tcpdump -r exit status");
        return text.isEmpty() ? 0 : text.split("\n").length;
    }

    private static String tcpdump() {
        for (String p : new String[] {"/usr/sbin/tcpdump", "/usr/bin/tcpdump"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    /** Runs a command; null on success, else its status and output. */
    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + ": timed out";
        }
        return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.strip();
    }
}
