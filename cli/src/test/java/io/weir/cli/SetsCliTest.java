package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sets on the command line: a set too large for a comparison chain runs as map lookups on every engine but the
 * classic interpreter, and selects the packets its written-out expression selects; {@code -d} and
 * {@code --engine classic} refuse it, saying why.
 */
class SetsCliTest {
    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path capture() {
        Path p = Path.of(System.getProperty("weir.projectDir", "."), "pcaps", "mixed-ether.pcap");
        Assumptions.assumeTrue(Files.exists(p), "no " + p);
        return p;
    }

    /** 70 hosts: two of the capture's, then addresses from 240.0.0.0/4, which no capture uses. */
    private static Path hosts(Path dir) throws Exception {
        List<String> lines = new ArrayList<>(List.of("# two real hosts", "10.0.0.7", "10.0.0.15"));
        for (int i = 0; i < 68; i++) {
            lines.add("240.0." + (i / 200) + "." + (i % 200 + 1));
        }
        Path f = dir.resolve("hosts.txt");
        Files.write(f, lines);
        return f;
    }

    @Test
    void largeSetsSelectWhatTheWrittenOutExpressionSelects(@TempDir Path dir) throws Exception {
        String pcap = capture().toString();
        String set = "host in @" + hosts(dir);
        Result want = run("-r", pcap, "--count", "host 10.0.0.7 or host 10.0.0.15");
        assertEquals(0, want.status, want.err);
        assertTrue(!want.out.startsWith("0 "), want.out);
        for (String engine : new String[] {"auto", "jit", "interpreter"}) {
            Result got = run("-r", pcap, "--engine", engine, "--count", set);
            assertEquals(0, got.status, engine + ": " + got.err);
            assertEquals(want.out, got.out, engine);
        }
    }

    @Test
    void classicBpfRefusesLargeSets(@TempDir Path dir) throws Exception {
        String set = "host in @" + hosts(dir);
        Result classic = run("-r", capture().toString(), "--engine", "classic", "--count", set);
        assertEquals(1, classic.status);
        assertTrue(classic.err.contains("need map lookups, which classic BPF cannot hold"), classic.err);
        Result d = run("-d", "-y", "EN10MB", set);
        assertEquals(1, d.status);
        assertTrue(d.err.contains("has 70 entries: classic BPF holds sets of up to 64"), d.err);
    }
}
