package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weir.capture.PcapReader;
import io.weir.capture.live.LiveOptions;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code weir -i lo} capturing real loopback traffic the test sends: exactly the matching datagrams arrive, with
 * {@code -c}, with a stop after a timeout, and with SIGINT/SIGTERM on a subprocess; {@code -w} output is read back
 * by {@link PcapReader} and {@code tcpdump -r}. Needs root and libpcap: skipped otherwise, failed instead when
 * {@code -Dweir.requireLibpcap=true} (CI).
 */
class LiveRunTest {
    private static final int DATAGRAMS = 12;

    @TempDir
    Path tmp;

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** Traffic the filter must reject (UDP to another port, TCP connections), then n datagrams to port. */
    private static void traffic(int port, int n) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket s = new DatagramSocket(); ServerSocket server = new ServerSocket(0, 50, lo)) {
            server.setSoTimeout(2000);
            for (int i = 0; i < 5; i++) {
                s.send(new DatagramPacket(new byte[20], 20, lo, port == 65535 ? port - 1 : port + 1));
            }
            for (int i = 0; i < 2; i++) {
                try (Socket c = new Socket(lo, server.getLocalPort()); Socket a = server.accept()) {
                    c.getOutputStream().write(new byte[] {1, 2, 3});
                    a.getInputStream().read();
                }
            }
            for (int i = 0; i < n; i++) {
                s.send(new DatagramPacket(new byte[30 + i], 30 + i, lo, port));
            }
        }
    }

    @Test
    @Timeout(60)
    void countStopsAfterTheMatches() throws Exception {
        LiveFixture.requireLiveCapture();
        int port = freeUdpPort();
        LiveFixture.Running weir = LiveFixture.Running.start((out, err) -> WeirCommand.execute(new String[] {"-i",
            "lo", "-c", "" + DATAGRAMS, "--immediate-mode", "-B", "32768", "udp", "and", "dst", "port", "" + port},
                out, err, ZoneOffset.UTC));
        weir.awaitErr("listening on lo", 20_000);
        traffic(port, DATAGRAMS + 3);   // three more than -c: the command must stop at the count
        int status = weir.join(20_000);
        assertTrue(!weir.alive(), "weir -c stopped by itself");
        assertEquals(0, status, weir.err());
        String[] lines = weir.out().split("\n");
        assertEquals(DATAGRAMS, lines.length, weir.out());
        for (int i = 0; i < DATAGRAMS; i++) {
            assertTrue(lines[i].contains("> 127.0.0.1." + port + ": UDP, length " + (30 + i)), lines[i]);
        }
        String e = weir.err();
        assertTrue(e.startsWith("weir: verbose output suppressed, use -v[v]... for full protocol decode\n"
                + "listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n"), e);
        assertTrue(e.contains("\n" + DATAGRAMS + " packets captured\n"), e);
        assertTrue(e.matches("(?s).*\\n\\d+ packets received by filter\\n0 packets dropped by kernel\\n"), e);
    }

    @Test
    @Timeout(60)
    void stopAfterATimeoutKeepsEveryPacketInTheFile() throws Exception {
        LiveFixture.requireLiveCapture();
        int port = freeUdpPort();
        Path file = tmp.resolve("live.pcap");
        LiveOptions o = LiveOptions.builder("lo").immediate(true).bufferBytes(32 << 20).nanos(true).build();
        LiveRun run = new LiveRun(o, file.toString(), Long.MAX_VALUE, false, null, "udp dst port " + port,
                ExtensionFlags.NONE, FilterFactory.Choice.AUTO);
        LiveFixture.Running weir = LiveFixture.Running.start((out, err) -> run.run(out, err, ZoneOffset.UTC, false));
        weir.awaitErr("listening on lo", 20_000);
        traffic(port, DATAGRAMS);
        Thread.sleep(500);   // the timeout: whatever arrived by now is captured
        run.stop();
        assertTrue(run.awaitDone(10_000), "the run ends after stop()");
        assertEquals(0, weir.join(5000), weir.err());
        assertTrue(weir.err().startsWith("weir: listening on lo"), "banner with -w");
        assertEquals(DATAGRAMS, countRecords(file, port));
        checkTcpdumpReads(file, DATAGRAMS);
    }

    /** Records in a pcap file, checking each is a datagram to {@code port}. */
    private static int countRecords(Path file, int port) throws IOException {
        int n = 0;
        try (PcapReader r = PcapReader.open(file.toString())) {
            while (r.next()) {
                int dport = r.packet().u8(14 + 20 + 2) << 8 | r.packet().u8(14 + 20 + 3);
                assertEquals(port, dport, "record " + (n + 1));
                assertEquals(14 + 20 + 8 + 30 + n, r.packet().wireLen(), "record " + (n + 1));
                n++;
            }
        }
        return n;
    }

    private static void checkTcpdumpReads(Path file, int expected) throws Exception {
        if (!new File("/usr/bin/tcpdump").canExecute()) {
            return;   // PcapReader has read it; tcpdump is an extra witness where installed
        }
        Process p = new ProcessBuilder("/usr/bin/tcpdump", "-nn", "-r", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "tcpdump -r exit status");
        assertEquals(expected, text.isEmpty() ? 0 : text.split("\n").length, text);
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    @Timeout(90)
    void signalLeavesAValidFileAndPrintsTheStatistics(String signal) throws Exception {
        LiveFixture.requireLiveCapture();
        int port = freeUdpPort();
        Path file = tmp.resolve("sig.pcap");
        Path errFile = tmp.resolve("stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process weir = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "-i", "lo", "--immediate-mode", "-B", "32768", "-w", file.toString(), "udp dst port " + port)
                .redirectOutput(tmp.resolve("stdout").toFile()).redirectError(errFile.toFile()).start();
        try {
            LiveFixture.await(() -> read(errFile).contains("listening on lo") || !weir.isAlive(), 30_000,
                    "the banner");
            assertTrue(weir.isAlive(), read(errFile));
            traffic(port, DATAGRAMS);
            Thread.sleep(700);
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, "" + weir.pid()).start().waitFor());
            assertTrue(weir.waitFor(20, TimeUnit.SECONDS), "weir ends after SIG" + signal);
            String err = read(errFile);
            assertEquals(0, weir.exitValue(), err);
            assertTrue(err.contains("\n" + DATAGRAMS + " packets captured\n"), err);
            assertTrue(err.contains(" packets received by filter\n") && err.endsWith(" dropped by kernel\n"), err);
            assertTrue(!err.contains("SLF4J"), "no slf4j noise: " + err);
            assertEquals(DATAGRAMS, countRecords(file, port));
            checkTcpdumpReads(file, DATAGRAMS);
        } finally {
            weir.destroyForcibly();
        }
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void listsInterfacesAsTcpdump() throws Exception {
        LiveFixture.requireLiveCapture();
        assumeTrue(new File("/usr/bin/tcpdump").canExecute(), "skipped: tcpdump is not installed");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, WeirCommand.execute(new String[] {"-D"}, new PrintStream(out, true), System.err));
        Process p = new ProcessBuilder("/usr/bin/tcpdump", "-D").redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownInterfaceIsOneLineAndStatusOne() {
        LiveFixture.requireLiveCapture();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(new String[] {"-i", "weirnosuch0", "udp"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
        assertEquals(1, status);
        assertEquals("weir: weirnosuch0: No such device exists\n", err.toString(StandardCharsets.UTF_8));
    }
}
