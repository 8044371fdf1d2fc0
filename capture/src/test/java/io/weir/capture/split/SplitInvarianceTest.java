package io.weir.capture.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Split invariance on generated captures: for every format (pcap µs and ns, pcapng), both byte orders and split
 * sizes from the whole file down to 4 KiB-ish odd sizes, the union of the splits' packets (offset, lengths, time
 * stamp, interface, bytes) is the sequential walk, and each split ends where the next one starts.
 */
class SplitInvarianceTest {
    private static final long WHOLE = Long.MAX_VALUE;

    /** A generated file and the split sizes to try on it. */
    record Case(String format, ByteOrder order, long packets, long seed, long[] sizes) {
        @Override
        public String toString() {
            return format + " " + (order == ByteOrder.BIG_ENDIAN ? "BE" : "LE") + " " + packets + " packets (seed "
                    + seed + ")";
        }
    }

    private static final Case[] CASES = {
        // The large one: ~23 MB, the odd 7,340,033 and sizes around the resync window.
        new Case("pcap", ByteOrder.LITTLE_ENDIAN, 40_000, 11, new long[] {WHOLE, 7_340_033, 3_000_017, 1 << 20}),
        // Past 17 MiB, the pcapng resync window: splits there are proven by convergence, not walked from the head.
        new Case("pcapng", ByteOrder.BIG_ENDIAN, 50_000, 24, new long[] {7_340_033, 2_000_003}),
        // Little-endian pcapng past the window: every IPv4 packet's "08 00 45 00" reads as the length 0x450008,
        // so pairs of packets 0x450000 bytes apart fake 4.5 MB blocks whose trailers match; only the test on
        // the type (the source MAC's tail) kills them. Before it, every split past 17 MiB failed as ambiguous.
        new Case("pcapng", ByteOrder.LITTLE_ENDIAN, 60_000, 25, new long[] {7_340_033, 3_000_017}),
        new Case("pcap", ByteOrder.BIG_ENDIAN, 6_000, 12, new long[] {WHOLE, 1_048_573, 65_537}),
        new Case("pcap-ns", ByteOrder.LITTLE_ENDIAN, 6_000, 13, new long[] {WHOLE, 1_048_573, 65_537}),
        new Case("pcap-ns", ByteOrder.BIG_ENDIAN, 6_000, 14, new long[] {WHOLE, 1_048_573, 65_537}),
        new Case("pcapng", ByteOrder.LITTLE_ENDIAN, 6_000, 15, new long[] {WHOLE, 1_048_573, 65_537}),
        new Case("pcapng", ByteOrder.BIG_ENDIAN, 6_000, 16, new long[] {WHOLE, 1_048_573, 65_537}),
        // Small files for tiny splits: many splits, each starting near the file head or a few records in.
        new Case("pcap", ByteOrder.LITTLE_ENDIAN, 700, 17, new long[] {4099, 262_147}),
        new Case("pcap-ns", ByteOrder.BIG_ENDIAN, 700, 18, new long[] {4099}),
        new Case("pcapng", ByteOrder.LITTLE_ENDIAN, 700, 19, new long[] {4099}),
        // Tiny files, tinier splits: splits inside the file header, the first section's head, one record.
        new Case("pcapng", ByteOrder.BIG_ENDIAN, 3, 20, new long[] {1, 13}),
        new Case("pcap", ByteOrder.LITTLE_ENDIAN, 3, 21, new long[] {1, 7}),
        new Case("pcapng", ByteOrder.LITTLE_ENDIAN, 30, 22, new long[] {64}),
        new Case("pcap", ByteOrder.BIG_ENDIAN, 30, 23, new long[] {64}),
    };

    @TestFactory
    Stream<DynamicTest> splitsEqualTheSequentialWalk() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : CASES) {
            tests.add(DynamicTest.dynamicTest(c.toString(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(Case c) throws IOException {
        Path file = SplitHarness.generated(c.format(), c.order(), c.packets(), c.seed());
        SplitHarness.Outcome seq = SplitHarness.sequential(file);
        assertNull(seq.error());
        long size = Files.size(file);
        for (long splitSize : c.sizes()) {
            long s = splitSize == WHOLE ? size : splitSize;
            SplitHarness.Outcome split = SplitHarness.splitRead(file, SplitMode.HEURISTIC, s);
            String what = c + ", " + size + " bytes, split size " + s + " (" + split.splits() + " splits)";
            assertNull(split.error(), () -> what + ": " + split.error());
            assertTrue(splitSize == WHOLE || split.splits() > 1 || s >= size, what);
            assertEquals(seq.packets().size(), split.packets().size(), what);
            assertEquals(seq.packets(), split.packets(), what);
        }
    }
}
