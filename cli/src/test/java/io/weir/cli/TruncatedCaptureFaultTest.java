package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.Packet;
import io.weir.capture.PcapNgWriter;
import io.weir.capture.PcapReader;
import io.weir.capture.PcapWriter;
import io.weir.capture.gen.Framing;
import io.weir.capture.gen.GeneratedPacket;
import io.weir.capture.gen.TrafficGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A capture cut at every byte offset of its last three records, through {@code weir -r CUT -w OUT}: every
 * complete packet before the cut is written (and only those), then one clear line names the truncation, and
 * the exit status is 1; a cut exactly between records is a clean end (status 0). The same with a filter and
 * with {@code --count}.
 */
class TruncatedCaptureFaultTest {
    private static final int PACKETS = 12;
    private static final long SEED = 0x7C07L;

    @TempDir
    Path tmp;

    /** Writes the capture; returns the byte offset where each record starts, and the file's length last. */
    private static long[] capture(Path file, String format, List<byte[]> frames) throws IOException {
        TrafficGenerator g = new TrafficGenerator(SEED);
        byte[] buf = new byte[Framing.MAX_FRAME];
        long[] starts = new long[PACKETS + 1];
        long t = 1_700_000_000_000_000_000L;
        if (format.equals("pcap")) {
            try (PcapWriter w = PcapWriter.builder().linkType(1).open(file)) {
                for (int i = 0; i < PACKETS; i++) {
                    w.flush();
                    starts[i] = Files.size(file);
                    byte[] f = frame(g, buf);
                    frames.add(f);
                    w.write(f, 0, f.length, f.length, t += 1000);
                }
            }
        } else {
            try (PcapNgWriter w = PcapNgWriter.open(file, ByteOrder.BIG_ENDIAN)) {
                int id = w.addInterface(1, 262144, 9, "eth0");
                for (int i = 0; i < PACKETS; i++) {
                    w.flush();
                    starts[i] = Files.size(file);
                    byte[] f = frame(g, buf);
                    frames.add(f);
                    w.write(id, f, 0, f.length, f.length, t += 1000);
                }
            }
        }
        starts[PACKETS] = Files.size(file);
        return starts;
    }

    private static byte[] frame(TrafficGenerator g, byte[] buf) {
        while (true) {
            GeneratedPacket p = g.next();
            int n = Framing.encode(p, 1, buf);
            if (n > 0) {
                return Arrays.copyOf(buf, Math.min(n, 300));   // short records keep the test quick
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pcap", "pcapng"})
    void everyCutOfTheLastRecords(String format) throws IOException {
        Path whole = tmp.resolve("whole." + format);
        List<byte[]> frames = new ArrayList<>();
        long[] starts = capture(whole, format, frames);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = tmp.resolve("cut." + format);
        Path out = tmp.resolve("out.pcap");
        for (long len = starts[PACKETS - 3]; len <= bytes.length; len++) {
            Files.write(cut, Arrays.copyOf(bytes, (int) len));
            int complete = 0;
            while (complete < PACKETS && starts[complete + 1] <= len) {
                complete++;
            }
            boolean clean = starts[complete] == len;
            String where = format + " cut at " + len + " of " + bytes.length + " (" + complete + " whole records)";

            Run w = run("-r", cut.toString(), "-w", out.toString());
            assertEquals(clean ? 0 : 1, w.status, where + ": exit status; stderr: " + w.err);
            List<byte[]> written = read(out);
            assertEquals(complete, written.size(), where + ": every complete packet written, no partial one");
            for (int i = 0; i < complete; i++) {
                assertArrayEquals(frames.get(i), written.get(i), where + ": packet " + i);
            }
            if (!clean) {
                String last = w.err.strip().lines().reduce((a, b) -> b).orElse("");
                assertTrue(last.contains("truncated") && last.contains(cut.toString()),
                        where + ": one line names the file and the truncation: " + w.err);
                assertTrue(last.contains(complete + (complete == 1 ? " packet" : " packets")),
                        where + ": and how many packets were read: " + last);
            }

            Run c = run("-r", cut.toString(), "--count", "ip or ip6 or arp or not ip");
            assertEquals(clean ? 0 : 1, c.status, where + ": --count exit status; stderr: " + c.err);
            assertTrue(c.out.startsWith(complete + (complete == 1 ? " packet" : " packets")),
                    where + ": --count counts the complete packets: " + c.out);
        }
    }

    private static List<byte[]> read(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                Packet p = r.packet();
                out.add(p.copyBytes());
            }
        }
        return out;
    }

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
