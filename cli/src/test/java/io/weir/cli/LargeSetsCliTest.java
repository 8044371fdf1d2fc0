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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A set of 100,000 hosts ({@code host in @FILE}) in the commands that run filters on the eBPF engine: the
 * packet listing ({@code weir -r}) and {@code weir flows -r} print exactly what the written-out expression of
 * the set's two hosts that occur in the capture prints (the other 99,998 come from 240.0.0.0/4, which no
 * capture uses).
 */
class LargeSetsCliTest {
    private static final String WRITTEN_OUT = "host 10.0.0.7 or host 10.0.0.15";

    @TempDir
    static Path dir;
    private static Path hosts;

    private record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void writeSet() throws Exception {
        List<String> lines = new ArrayList<>(List.of("10.0.0.7", "10.0.0.15"));
        for (int i = 0; i < 99_998; i++) {
            lines.add("240." + (i >>> 16) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff));
        }
        hosts = dir.resolve("hosts.txt");
        Files.write(hosts, lines);
    }

    private static Path capture() {
        Path p = Path.of(System.getProperty("weir.projectDir", "."), "pcaps", "mixed-ether.pcap");
        Assumptions.assumeTrue(Files.exists(p), "no " + p);
        return p;
    }

    private static Result weir(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result flows(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FlowsCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theListingIsTheWrittenOutExpressions() {
        String pcap = capture().toString();
        Result want = weir("-nn", "-r", pcap, WRITTEN_OUT);
        assertEquals(0, want.status, want.err);
        assertTrue(want.out.lines().count() > 2, want.out);
        Result got = weir("-nn", "-r", pcap, "host in @" + hosts);
        assertEquals(0, got.status, got.err);
        assertEquals(want.out, got.out);
    }

    @Test
    void flowsAreTheWrittenOutExpressions() {
        String pcap = capture().toString();
        Result want = flows("-r", pcap, "--top", "1000", WRITTEN_OUT);
        assertEquals(0, want.status, want.err);
        assertTrue(want.out.contains("totals:"), want.out);
        Result got = flows("-r", pcap, "--top", "1000", "host in @" + hosts);
        assertEquals(0, got.status, got.err);
        assertEquals(want.out, got.out);
    }
}
