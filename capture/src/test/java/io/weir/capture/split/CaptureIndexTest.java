package io.weir.capture.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.LinkType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The {@code weir index} sidecar: round trip, what its entries are, stale and corrupt sidecars, INDEX plans at
 * exactly the entries, multi-section pcapng (which only the index can split), time ranges, compressed files.
 */
class CaptureIndexTest {
    private static final long EVERY = 128 * 1024;

    private static Path fresh(Path source, String name) throws IOException {
        Path p = SplitHarness.scratch().resolve(name);
        Files.copy(source, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(CaptureIndex.sidecarPath(p));
        return p;
    }

    private static Path indexed(Path file, long every) throws IOException {
        CaptureIndex.build(file, every).write(CaptureIndex.sidecarPath(file));
        return file;
    }

    @Test
    void roundTripAndEntriesAreTheFirstRecordsPastEachMultiple() throws IOException {
        for (String format : new String[] {"pcap", "pcap-ns", "pcapng"}) {
            Path file = SplitHarness.generated(format, ByteOrder.BIG_ENDIAN, 3000, 31);
            CaptureIndex built = CaptureIndex.build(file, EVERY);
            Path sidecar = CaptureIndex.sidecarPath(file);
            built.write(sidecar);
            CaptureIndex read = CaptureIndex.read(sidecar);
            assertEquals(built.entries(), read.entries(), format);
            assertEquals(3000, read.packets());
            assertEquals(EVERY, read.everyBytes());
            assertArrayEquals(new long[] {0}, read.sectionStarts());
            assertEquals(Files.size(file), read.captureSize());
            // Expected from the sequential walk.
            List<SplitHarness.Rec> seq = SplitHarness.sequential(file).packets();
            List<CaptureIndex.Entry> expect = new ArrayList<>();
            long mark = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < seq.size(); i++) {
                SplitHarness.Rec r = seq.get(i);
                if (r.offset() >= mark) {
                    expect.add(new CaptureIndex.Entry(r.offset(), r.ts(), i));
                    mark = (r.offset() / EVERY + 1) * EVERY;
                }
                min = Math.min(min, r.ts());
                max = Math.max(max, r.ts());
            }
            assertEquals(expect, read.entries(), format);
            assertEquals(min, read.minTsNanos());
            assertEquals(max, read.maxTsNanos());
            Files.delete(sidecar);
        }
    }

    @Test
    void indexPlanStartsAtTheEntriesAndReadsLikeTheSequentialWalk() throws IOException {
        for (String format : new String[] {"pcap", "pcapng"}) {
            Path file = indexed(SplitHarness.generated(format, ByteOrder.LITTLE_ENDIAN, 4000, 32), EVERY);
            CaptureIndex index = CaptureIndex.read(CaptureIndex.sidecarPath(file));
            List<FileSplit> plan = SplitPlanner.plan(file, SplitMode.INDEX, 1);
            List<Long> starts = plan.stream().map(FileSplit::start).toList();
            List<Long> expect = new ArrayList<>(List.of(0L));
            index.entries().stream().skip(1).forEach(e -> expect.add(e.offset()));
            assertEquals(expect, starts, format);
            assertEquals(plan, SplitPlanner.plan(file, SplitMode.AUTO, 1), "AUTO uses a current index");
            // Wider splits start at entries too, each at least splitSize after the previous one.
            List<FileSplit> wide = SplitPlanner.plan(file, SplitMode.INDEX, 3 * EVERY);
            for (int i = 1; i < wide.size(); i++) {
                assertTrue(index.hasEntryAt(wide.get(i).start()));
                assertTrue(wide.get(i).start() - wide.get(i - 1).start() >= 3 * EVERY);
            }
            SplitHarness.Outcome seq = SplitHarness.sequential(file);
            for (long size : new long[] {1, 3 * EVERY, 1 << 20}) {
                for (SplitMode mode : new SplitMode[] {SplitMode.INDEX, SplitMode.AUTO}) {
                    SplitHarness.Outcome o = SplitHarness.splitRead(file, mode, size);
                    assertNull(o.error());
                    assertEquals(seq.packets(), o.packets(), format + " " + mode + " " + size);
                }
            }
            // Each split's time range from the index is exactly the range of its packets.
            for (FileSplit s : wide) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (SplitHarness.Rec r : seq.packets()) {
                    if (r.offset() >= s.start() && r.offset() < s.end()) {
                        min = Math.min(min, r.ts());
                        max = Math.max(max, r.ts());
                    }
                }
                assertEquals(new CaptureIndex.TsRange(min, max), index.tsRange(s.start(), s.end()), s.toString());
            }
            Files.delete(CaptureIndex.sidecarPath(file));
        }
    }

    @Test
    void heuristicSplitsFindTheSameBoundariesAsTheIndex() throws IOException {
        Path file = indexed(SplitHarness.generated("pcap", ByteOrder.LITTLE_ENDIAN, 4000, 33), EVERY);
        CaptureIndex index = CaptureIndex.read(CaptureIndex.sidecarPath(file));
        List<FileSplit> plan = SplitPlanner.plan(file, SplitMode.HEURISTIC, EVERY);
        for (int i = 1; i < plan.size(); i++) {
            try (SplitReader r = SplitReader.open(plan.get(i), SplitMode.HEURISTIC)) {
                assertEquals(index.entries().get(i).offset(), r.firstRecordOffset(), plan.get(i).toString());
            }
        }
        Files.delete(CaptureIndex.sidecarPath(file));
    }

    @Test
    void staleMissingAndCorruptSidecars() throws IOException {
        Path file = fresh(SplitHarness.generated("pcap", ByteOrder.LITTLE_ENDIAN, 3000, 34), "stale.pcap");
        Path sidecar = CaptureIndex.sidecarPath(file);
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> SplitPlanner.plan(file, SplitMode.INDEX, EVERY));
        assertTrue(missing.getMessage().contains("weir index " + file), missing.getMessage());
        indexed(file, EVERY);
        // Appended to: the size differs.
        Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        StaleIndexException grown = assertThrows(StaleIndexException.class, () -> CaptureIndex.read(sidecar));
        assertTrue(grown.getMessage().contains("stale index"), grown.getMessage());
        assertThrows(StaleIndexException.class, () -> SplitPlanner.plan(file, SplitMode.INDEX, EVERY));
        assertThrows(StaleIndexException.class,
                () -> SplitReader.open(new FileSplit(file, 0, Files.size(file)), SplitMode.INDEX));
        // AUTO falls back to the heuristic, which is exact too.
        assertEquals(SplitPlanner.plan(file, SplitMode.HEURISTIC, EVERY), SplitPlanner.plan(file, SplitMode.AUTO, EVERY));
        // Same size, different content at the head or the tail.
        for (long at : new long[] {40, Files.size(file) - 10}) {
            Path f = fresh(SplitHarness.generated("pcap", ByteOrder.LITTLE_ENDIAN, 3000, 34), "stale2.pcap");
            indexed(f, EVERY);
            byte[] bytes = Files.readAllBytes(f);
            bytes[(int) at] ^= 0x40;
            Files.write(f, bytes);
            assertThrows(StaleIndexException.class, () -> CaptureIndex.read(CaptureIndex.sidecarPath(f)), "at " + at);
        }
        // A damaged sidecar.
        Path f = fresh(SplitHarness.generated("pcap", ByteOrder.LITTLE_ENDIAN, 3000, 34), "corrupt.pcap");
        indexed(f, EVERY);
        Path sc = CaptureIndex.sidecarPath(f);
        byte[] idx = Files.readAllBytes(sc);
        idx[idx.length / 2] ^= 1;
        Files.write(sc, idx);
        assertTrue(assertThrows(StaleIndexException.class, () -> CaptureIndex.read(sc)).getMessage()
                .contains("corrupt"));
        Files.write(sc, java.util.Arrays.copyOf(idx, 30));
        assertThrows(StaleIndexException.class, () -> CaptureIndex.read(sc));
    }

    @Test
    void onlyTheIndexSplitsAMultiSectionPcapng() throws IOException {
        // Larger than the pcapng resync window, so that heuristic splits cannot walk from the head.
        Random r = new Random(35);
        RawCapture c = RawCapture.pcapng(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0);
        for (int section = 0; section < 3; section++) {
            if (section > 0) {
                c.shb().idb(section == 1 ? LinkType.RAW : LinkType.LINUX_SLL, 0).idb(LinkType.ETHERNET, 0);
            }
            for (int i = 0; i < 6000; i++) {
                byte[] data = new byte[1000 + r.nextInt(500)];
                r.nextBytes(data);
                c.epb(section == 0 ? 0 : i % 2, (1_704_067_200L + i) * 1_000_000, data);
            }
        }
        Path file = c.write("multi-section.pcapng");
        Files.deleteIfExists(CaptureIndex.sidecarPath(file));
        SplitHarness.Outcome seq = SplitHarness.sequential(file);
        assertNull(seq.error());
        assertTrue(Files.size(file) > (17 << 20) + 4 * 1_000_003, "file size " + Files.size(file));
        SplitHarness.Outcome heuristic = SplitHarness.splitRead(file, SplitMode.HEURISTIC, 4_000_037);
        assertTrue(heuristic.failed());
        assertTrue(heuristic.error().getMessage().contains("a second pcapng section"), heuristic.error().getMessage());
        indexed(file, 1_000_003);
        assertEquals(3, CaptureIndex.read(CaptureIndex.sidecarPath(file)).sectionStarts().length);
        for (long size : new long[] {1, 4_000_037}) {
            SplitHarness.Outcome o = SplitHarness.splitRead(file, SplitMode.AUTO, size);
            assertNull(o.error(), () -> String.valueOf(o.error()));
            assertEquals(seq.packets(), o.packets(), "split size " + size);
        }
        Files.delete(CaptureIndex.sidecarPath(file));
    }

    @Test
    void compressedFilesAreOneSplitAndIndexable() throws IOException {
        Path plain = SplitHarness.generated("pcap", ByteOrder.LITTLE_ENDIAN, 2000, 36);
        Path gz = SplitHarness.scratch().resolve("compressed.pcap.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, out);
        }
        Files.deleteIfExists(CaptureIndex.sidecarPath(gz));
        for (SplitMode mode : new SplitMode[] {SplitMode.AUTO, SplitMode.HEURISTIC, SplitMode.NONE}) {
            assertEquals(List.of(new FileSplit(gz, 0, Files.size(gz))), SplitPlanner.plan(gz, mode, 1000));
        }
        SplitHarness.Outcome o = SplitHarness.splitRead(gz, SplitMode.AUTO, 1000);
        assertNull(o.error());
        assertEquals(SplitHarness.sequential(plain).packets(), o.packets());
        CaptureIndex index = CaptureIndex.build(gz, 4096);
        assertTrue(index.compressed());
        index.write(CaptureIndex.sidecarPath(gz));
        assertEquals(1, SplitPlanner.plan(gz, SplitMode.INDEX, 1000).size());
        assertThrows(IOException.class, () -> SplitReader.open(new FileSplit(gz, 100, 200), SplitMode.HEURISTIC));
        Files.delete(CaptureIndex.sidecarPath(gz));
    }

    @Test
    void fileSplitsSerializeAndPlansCoverTheFile() throws IOException, ClassNotFoundException {
        FileSplit s = new FileSplit(Path.of("/data/x.pcap"), 10, 20);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(s, in.readObject());
        }
        assertThrows(IllegalArgumentException.class, () -> new FileSplit(Path.of("x"), 5, 4));
        Path file = SplitHarness.generated("pcap", ByteOrder.LITTLE_ENDIAN, 500, 37);
        long size = Files.size(file);
        List<FileSplit> plan = SplitPlanner.plan(file, SplitMode.HEURISTIC, 7777);
        assertEquals(0, plan.get(0).start());
        assertEquals(size, plan.get(plan.size() - 1).end());
        for (int i = 1; i < plan.size(); i++) {
            assertEquals(plan.get(i - 1).end(), plan.get(i).start());
        }
        assertEquals(List.of(new FileSplit(file, 0, size)), SplitPlanner.plan(file, SplitMode.NONE, 7777));
        assertEquals(List.of(new FileSplit(file, 0, size)), SplitPlanner.plan(file, SplitMode.HEURISTIC, size));
        assertThrows(IllegalArgumentException.class, () -> SplitPlanner.plan(file, SplitMode.HEURISTIC, 0));
        // D-Bus records may be 128 MiB: no resync window is worth reading, the file is one split.
        RawCapture dbus = RawCapture.pcap(ByteOrder.LITTLE_ENDIAN, false, 0, 231);
        for (int i = 0; i < 50; i++) {
            dbus.record(1_704_067_200L + i, 0, 300, 300, new byte[300]);
        }
        Path dbusFile = dbus.write("dbus.pcap");
        assertEquals(List.of(new FileSplit(dbusFile, 0, Files.size(dbusFile))),
                SplitPlanner.plan(dbusFile, SplitMode.HEURISTIC, 1000));
        assertEquals(SplitMode.INDEX, SplitMode.parse(" Index "));
        assertThrows(IllegalArgumentException.class, () -> SplitMode.parse("sometimes"));
        assertFalse(CaptureIndex.sidecarPath(file).equals(file));
        assertEquals(file.getFileName() + ".weirindex", CaptureIndex.sidecarPath(file).getFileName().toString());
    }
}
