package io.weir.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.weir.capture.PcapReader;
import io.weir.capture.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir run} on the filter-engine ELF fixtures over a generated capture; expectations computed in Java. */
class RunCommandTest {
    private static final long SEED = 0xC11_7L;

    @TempDir
    Path tmp;
    private Path pcap;
    private final List<byte[]> frames = new ArrayList<>();

    private static Path fixture(String name) {
        String project = System.getProperty("weir.projectDir", Path.of("").toAbsolutePath().getParent().toString());
        return Path.of(project, "filter-engine/src/test/resources/elf", name + ".o");
    }

    @BeforeEach
    void capture() throws Exception {
        Random r = new Random(SEED);
        int[] protos = {6, 17, 1};
        pcap = tmp.resolve("in.pcap");
        try (PcapWriter w = PcapWriter.builder().nanos(true).open(pcap)) {
            for (int i = 0; i < 300; i++) {
                byte[] p = new byte[60 + r.nextInt(40)];
                r.nextBytes(p);
                if (i % 10 == 0) {
                    p[12] = 0x08;
                    p[13] = 0x06;
                } else {
                    p[12] = 0x08;
                    p[13] = 0x00;
                    p[14] = 0x45;
                    p[23] = (byte) protos[r.nextInt(3)];
                    if (p[23] == 17 && r.nextBoolean()) {
                        p[36] = 0;
                        p[37] = 53;
                    }
                }
                frames.add(p);
                w.write(p, 0, p.length, p.length, 1_000_000_000L * i);
            }
        }
    }

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RunCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Map<Long, Long> protoCounts() {
        Map<Long, Long> m = new TreeMap<>();
        for (byte[] p : frames) {
            if (p[12] == 0x08 && p[13] == 0x00) {
                m.merge((long) (p[23] & 0xff), 1L, Long::sum);
            }
        }
        return m;
    }

    @Test
    void jsonSummaryOfTheProtocolCounter() throws Exception {
        Path kept = tmp.resolve("kept.pcap");
        Result r = run(fixture("proto_count").toString(), "-r", pcap.toString(), "-w", kept.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        Map<Long, Long> counts = protoCounts();
        long tcp = counts.get(6L);
        JsonParser p = new JsonFactory().createParser(r.out());
        Map<String, Object> flat = new TreeMap<>();
        Map<Long, Long> entries = new TreeMap<>();
        String field = "";
        long key = -1;
        while (p.nextToken() != null) {
            if (p.currentToken() == JsonToken.FIELD_NAME) {
                field = p.currentName();
            } else if (p.currentToken().isScalarValue()) {
                if (field.equals("key")) {
                    key = p.getLongValue();
                } else if (field.equals("value")) {
                    entries.put(key, p.getLongValue());
                } else {
                    flat.put(field, p.getText());
                }
            }
        }
        assertEquals("300", flat.get("packets"));
        assertEquals(Long.toString(tcp), flat.get("pass"));
        assertEquals(Long.toString(300 - tcp), flat.get("drop"));
        assertEquals("hash", flat.get("type"));
        assertEquals("4", flat.get("key_size"));
        assertEquals("8", flat.get("value_size"));
        assertEquals(counts, entries);
        assertTrue(r.out().startsWith("{\"packets\":300,\"verdicts\":{\"pass\":" + tcp + ",\"drop\":" + (300 - tcp)
                + "},\"maps\":{\"proto_packets\":{\"type\":\"hash\",\"key_size\":4,\"value_size\":8"), r.out());
        try (PcapReader in = PcapReader.open(kept)) {
            int n = 0;
            while (in.next()) {
                n++;
                assertEquals(6, in.packet().u8(23), "only TCP kept");
            }
            assertEquals(tcp, n);
        }
    }

    @Test
    void textSummaryOfXdpWithLruMap() {
        Result r = run(fixture("lru_flows").toString(), "--section", "xdp", "-r", pcap.toString(), "--engine",
                "interpreter");
        assertEquals(0, r.status(), r.err());
        long udp = protoCounts().get(17L);
        assertTrue(r.out().contains("packets: 300\nverdicts: pass " + (300 - udp) + ", drop " + udp + "\n"), r.out());
        assertTrue(r.out().contains("map flows (lru_hash, key 8, value 8, 8 entries):"), r.out());
    }

    @Test
    void traceAndGlobalDataWithEventsFile() throws Exception {
        Path events = tmp.resolve("events.ndjson");
        Result r = run(fixture("global_data").toString(), "-r", pcap.toString(), "--events", events.toString());
        assertEquals(0, r.status(), r.err());
        long dns = 0;
        int first = -1;
        for (int i = 0; i < frames.size(); i++) {
            byte[] p = frames.get(i);
            if (p[13] == 0 && p[23] == 17 && p[36] == 0 && p[37] == 53) {
                dns++;
                first = first < 0 ? i : first;
            }
        }
        assertTrue(r.out().contains("verdicts: pass " + (300 - dns) + ", drop " + dns), r.out());
        List<String> lines = Files.readAllLines(events);
        assertEquals(List.of("{\"packet\":" + (first + 1) + ",\"trace\":\"drop udp port 53 len "
                + frames.get(first).length + "\"}"), lines);
        assertTrue(r.out().contains("map .bss (array, key 4, value 8, 1 entries):\n  0: "
                + String.format("%02x", dns) + "00000000000000"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void ringBufferRecordsGoToStderr() {
        Result r = run(fixture("ringbuf_events").toString(), "-r", pcap.toString());
        assertEquals(0, r.status(), r.err());
        String[] lines = r.err().split("\n");
        assertEquals(300, lines.length);
        for (int i = 0; i < 300; i++) {
            byte[] p = frames.get(i);
            int proto = p[13] == 0 ? p[23] & 0xff : 255;
            String len = String.format("%02x%02x0000", p.length & 0xff, p.length >>> 8);
            assertEquals("event events: " + len + String.format("%02x", proto) + "000000", lines[i], "packet " + i);
        }
        assertTrue(r.out().contains("map events (ringbuf, 4096 bytes): 0 records dropped"), r.out());
    }

    @Test
    void errorsAreOneLine() {
        Result usage = run(fixture("proto_count").toString());
        assertEquals(1, usage.status());
        assertTrue(usage.err().startsWith("weir run: missing -r FILE\nusage: weir run"), usage.err());
        Result section = run(fixture("proto_count").toString(), "--section", "xdp", "-r", pcap.toString());
        assertEquals(1, section.status());
        assertEquals("weir run: no section 'xdp'; programs: socket\n", section.err());
        Result kfunc = run(fixture("kfunc").toString(), "-r", pcap.toString());
        assertEquals(1, kfunc.status());
        assertTrue(kfunc.err().startsWith("weir run: kfunc.o: section 'xdp': relocation 0 at insn 0 against"
                + " 'bpf_rcu_read_lock'"), kfunc.err());
        Result engine = run(fixture("proto_count").toString(), "-r", pcap.toString(), "--engine", "gpu");
        assertEquals(1, engine.status());
        assertTrue(engine.err().startsWith("weir run: unknown engine 'gpu' (interpreter, jit, auto)"), engine.err());
        Path none = tmp.resolve("none.o");
        Result missing = run(none.toString(), "-r", pcap.toString());
        assertEquals(1, missing.status());
        assertEquals("weir: " + none + ": No such file or directory\n", missing.err());
        Path noCapture = tmp.resolve("none.pcap");
        Result missingCapture = run(fixture("proto_count").toString(), "-r", noCapture.toString());
        assertEquals(1, missingCapture.status());
        assertEquals("weir: " + noCapture + ": No such file or directory\n", missingCapture.err());
        Path noDir = tmp.resolve("no/such/dir/out.pcap");
        Result unwritable = run(fixture("proto_count").toString(), "-r", pcap.toString(), "-w", noDir.toString());
        assertEquals(1, unwritable.status());
        assertEquals("weir: " + noDir + ": No such file or directory\n", unwritable.err());
        Result bytes = run(fixture("proto_count").toString(), "-r", pcap.toString(), "--max-map-memory", "lots");
        assertEquals(1, bytes.status());
        assertTrue(bytes.err().startsWith("weir run: invalid --max-map-memory 'lots'"), bytes.err());
    }

    /** A program the verifier rejects never runs: one line naming the section, the instruction and the reason. */
    @Test
    void rejectedProgramIsOneLocatedLine() {
        Result r = run(fixture("ringbuf_leak").toString(), "-r", pcap.toString());
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertEquals("weir run: ringbuf_leak.o: section 'socket' rejected by the verifier: insn 18: exit:"
                + " Unreleased reference id=1 alloc_insn=6: a ring buffer record must be submitted or discarded on"
                + " every path\n", r.err());
        Result log = run(fixture("ringbuf_leak").toString(), "-r", pcap.toString(), "--verifier-log");
        assertEquals(1, log.status());
        String[] lines = log.err().split("\n");
        assertTrue(lines.length > 10, log.err());
        assertTrue(lines[0].startsWith("0: (bf) r6 = r1 ;"), lines[0]);
        assertEquals(r.err().strip(), lines[lines.length - 1]);
    }

    @Test
    void verifierLogOfAnAcceptedProgramGoesToStderr() {
        Result r = run(fixture("global_data").toString(), "-r", pcap.toString(), "--verifier-log", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("map_value(map="), r.err());
        assertTrue(r.err().contains("processed "), r.err());
        assertTrue(r.out().startsWith("{\"packets\":300,"), r.out());
    }

    /** Maps are sized before they are made: an object asking for more than the limit is refused, not run. */
    @Test
    void mapMemoryLimit() {
        Result r = run(fixture("proto_count").toString(), "-r", pcap.toString(), "--max-map-memory", "4k");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("weir run: the maps need "), r.err());
        assertTrue(r.err().contains("above the limit of 4096 bytes (largest: 'proto_packets', hash of 256 entries"),
                r.err());
        Result ok = run(fixture("proto_count").toString(), "-r", pcap.toString(), "--max-map-memory", "1m");
        assertEquals(0, ok.status(), ok.err());
    }
}
