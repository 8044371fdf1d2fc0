package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.gen.GenerateCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The progress line of offline runs: its text, its drawing on standard error (forced with
 * {@code -Dweir.progress=force}, as a terminal would have it) and its erasure at the end, and its absence where
 * standard error is not a terminal or with {@code -q}.
 */
class ProgressTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // total | done | packets | elapsed ms | line
        "-1        | 999        | 10      | 1000  | weir: 999 B, 10 packets/s",
        "10000000  | 2500000    | 5000    | 1000  | weir: 2.50 MB of 10.00 MB (25%), 5.0 k packets/s, ETA 0:00:03",
        "3500000000| 1210000000 | 2410000 | 1000  | weir: 1.21 GB of 3.50 GB (34%), 2.41 M packets/s, ETA 0:00:01",
        "7200000000| 1000000    | 1000    | 1000  | weir: 1.00 MB of 7.20 GB (0%), 1.0 k packets/s, ETA 1:59:59",
    })
    void lineText(long total, long done, long packets, long millis, String expected) throws Exception {
        Progress p = forced(total);
        assertEquals(expected, p.line(done, packets, millis * 1_000_000L));
    }

    private static Progress forced(long total) throws Exception {
        // The factory takes the total from a file; a sparse file of the wanted size stands in.
        Path f = java.nio.file.Files.createTempFile("progress", ".pcap");
        try {
            if (total > 0) {
                try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
                    raf.setLength(total);
                }
            }
            String was = System.getProperty("weir.progress");
            System.setProperty("weir.progress", "force");
            try {
                return Progress.of(total > 0 ? f.toString() : "-", System.err, false, false);
            } finally {
                restore(was);
            }
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void drawnThenErasedOnARun() throws Exception {
        Path in = tmp.resolve("in.pcap");
        GenerateCapture.write(new GenerateCapture.Options(20000, 3, 1, "pcap", ByteOrder.LITTLE_ENDIAN,
                in.toString(), 0));
        String err = run("force", "-r", in.toString(), "--count");
        String progress = err.substring(err.indexOf('\n') + 1);   // after the banner
        assertTrue(progress.startsWith("\rweir: ") && progress.contains(" packets/s"), "drawn: " + err);
        assertTrue(progress.matches("(?s).*\r +\r"), "erased at the end: " + err.replace("\r", "\\r"));
        // At most four redraws a second (and one at the start): the run lasts far less than a second here.
        long draws = progress.chars().filter(c -> c == '\r').count() - 2;
        assertTrue(draws >= 1 && draws <= 5, draws + " redraws: " + err.replace("\r", "\\r"));
    }

    @Test
    void absentWhenNotATerminalOrQuiet() throws Exception {
        Path in = tmp.resolve("q.pcap");
        GenerateCapture.write(new GenerateCapture.Options(5000, 3, 1, "pcap", ByteOrder.LITTLE_ENDIAN,
                in.toString(), 0));
        // Not forced: the test's standard error is no terminal (and the stream is not System.err).
        assertTrue(!run(null, "-r", in.toString(), "--count").contains("\r"));
        assertTrue(!run("off", "-r", in.toString(), "--count").contains("\r"));
        assertEquals("weir: ", Progress.OFF.line(0, 0, 1).substring(0, 6));
    }

    @ParameterizedTest
    @CsvSource({"/dev/pts/3, true", "/dev/tty1, true", "/dev/console, true", "/dev/null, false",
        "pipe:[1234], false", "/tmp/x, false"})
    void terminalDevices(String path, boolean terminal) {
        assertEquals(terminal, Terminal.isTerminalDevice(path));
    }

    private static String run(String mode, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String was = System.getProperty("weir.progress");
        if (mode != null) {
            System.setProperty("weir.progress", mode);
        }
        try {
            WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
        } finally {
            restore(was);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    private static void restore(String was) {
        if (was == null) {
            System.clearProperty("weir.progress");
        } else {
            System.setProperty("weir.progress", was);
        }
    }
}
