package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weir.capture.PcapReader;
import io.weir.capture.PcapWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code weir -r FIFO -w OUT} stopped by SIGINT or SIGTERM in the middle of a long run, as a user stops tcpdump:
 * the output must hold every packet read so far, as whole records, and be readable to its end by
 * {@link PcapReader} and by {@code tcpdump -r}. The command runs in its own JVM (the test JVM's class path, main
 * class {@link Main}); its input is a named pipe the test feeds and then leaves open, so the run is blocked in a
 * read, with everything before it processed, when the signal arrives.
 */
class SignalFaultTest {
    /** More than the writers' 1 MiB buffer, and not a multiple of it: a lost buffer shows. */
    private static final int PACKETS = 5000;
    private static final long SEED = 0x5167L;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void outputIsWholeAfterSignal(String signal) throws Exception {
        Path fifo = tmp.resolve("in.pcap");
        assumeTrue(run("mkfifo", fifo.toString()) == 0, "mkfifo is not available: cannot make a named pipe");
        Path out = tmp.resolve("out.pcap");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process weir = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "-r", fifo.toString(), "-w", out.toString())
                .redirectOutput(tmp.resolve("stdout").toFile()).redirectError(tmp.resolve("stderr").toFile()).start();
        List<byte[]> sent = new ArrayList<>();
        // Opening a pipe for writing waits for its reader: done aside, so a command that never opens it fails.
        CompletableFuture<OutputStream> opened = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(fifo.toFile());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        OutputStream pipe = null;
        try {
            for (int waited = 0; pipe == null; waited++) {
                if (!weir.isAlive() || waited == 120) {
                    // Release the opener (it waits for a reader), then report why the command never read.
                    new java.io.FileInputStream(fifo.toFile()).close();
                    fail("the command never opened its input (exit " + (weir.isAlive() ? "none" : weir.exitValue())
                            + "): " + Files.readString(tmp.resolve("stderr")));
                }
                try {
                    pipe = opened.get(500, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // still starting
                }
            }
            try (PcapWriter w = PcapWriter.builder().linkType(1).bufferSize(1 << 16).open(nonClosing(pipe))) {
                Random r = new Random(SEED);
                long t = 1_700_000_000_000_000_000L;
                for (int i = 0; i < PACKETS; i++) {
                    byte[] p = new byte[60 + r.nextInt(1400)];
                    r.nextBytes(p);
                    sent.add(p);
                    w.write(p, 0, p.length, p.length, t += 1000);
                }
            }
            pipe.flush();
            // At most a pipe's buffer (64 KiB) is still unread; give the command time to read and handle it.
            Thread.sleep(2000);
            assertTrue(weir.isAlive(), "the command waits for more input: " + Files.readString(tmp.resolve("stderr")));
            assertEquals(0, run("kill", "-" + signal, Long.toString(weir.pid())), "kill -" + signal);
            if (!weir.waitFor(20, TimeUnit.SECONDS)) {
                weir.destroyForcibly();
                fail("the command did not end within 20 s of SIG" + signal);
            }
        } finally {
            if (pipe != null) {
                pipe.close();
            }
            weir.destroyForcibly();
        }
        String err = Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8);
        assertTrue(err.lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + err);
        List<byte[]> got = new ArrayList<>();
        try (PcapReader r = PcapReader.open(out)) {
            while (r.next()) {
                got.add(r.packet().copyBytes());
            }
        } catch (IOException e) {
            fail("after SIG" + signal + " the output is not readable to its end (" + got.size() + " packets, then "
                    + e.getMessage() + "); stderr: " + err);
        }
        assertEquals(PACKETS, got.size(), "after SIG" + signal + " the output holds every packet read; stderr: " + err);
        for (int i = 0; i < PACKETS; i++) {
            assertArrayEquals(sent.get(i), got.get(i), "packet " + i);
        }
        tcpdumpReads(out, PACKETS);
    }

    /** {@code tcpdump -r OUT} reads every packet without an error; skipped without tcpdump outside CI. */
    private static void tcpdumpReads(Path out, int packets) throws Exception {
        boolean required = Boolean.getBoolean("weir.requireLibpcap");
        boolean present;
        try {
            present = run("tcpdump", "--version") == 0;
        } catch (IOException e) {
            present = false;
        }
        if (!present) {
            assertTrue(!required, "tcpdump is required in CI (weir.requireLibpcap=true) but is not installed");
            assumeTrue(false, "tcpdump is not installed: the tcpdump -r check is skipped");
        }
        Process p = new ProcessBuilder("tcpdump", "-n", "-r", out.toString()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> errs = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        // One line per packet; tcpdump may add hex-dump lines (starting with a tab) for payloads it cannot decode.
        long lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("\t")).count();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tcpdump -r ends");
        String err = new String(errs.get(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "tcpdump -r exit status: " + err);
        assertEquals(packets, lines, "tcpdump -r prints every packet: " + err);
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /** The pipe stays open after the writer closes: the command must see no end of input. */
    private static OutputStream nonClosing(OutputStream o) {
        return new java.io.FilterOutputStream(o) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
