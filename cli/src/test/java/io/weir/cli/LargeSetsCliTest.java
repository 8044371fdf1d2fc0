package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static WeirCommandTest.Run weir(String... args) {
        return WeirCommandTest.run(args);
    }

    private static WeirCommandTest.Run flows(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "flows";
        System.arraycopy(args, 0, all, 1, args.length);
        return WeirCommandTest.run(all);
    }

    @Test
    void theListingIsTheWrittenOutExpressions() {
        String pcap = capture().toString();
        WeirCommandTest.Run want = weir("-nn", "-r", pcap, WRITTEN_OUT);
        assertEquals(0, want.status(), want.err());
        assertTrue(want.out().lines().count() > 2, want.out());
        WeirCommandTest.Run got = weir("-nn", "-r", pcap, "host in @" + hosts);
        assertEquals(0, got.status(), got.err());
        assertEquals(want.out(), got.out());
    }

    @Test
    void flowsAreTheWrittenOutExpressions() {
        String pcap = capture().toString();
        WeirCommandTest.Run want = flows("-r", pcap, "--top", "1000", WRITTEN_OUT);
        assertEquals(0, want.status(), want.err());
        assertTrue(want.out().contains("totals:"), want.out());
        WeirCommandTest.Run got = flows("-r", pcap, "--top", "1000", "host in @" + hosts);
        assertEquals(0, got.status(), got.err());
        assertEquals(want.out(), got.out());
    }
}
