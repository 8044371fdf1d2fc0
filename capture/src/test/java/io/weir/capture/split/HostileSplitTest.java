package io.weir.capture.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.LinkType;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile files: every split size gives the sequential result, or a failure naming the file and a byte offset;
 * never a different result. Files that are merely unusual (64 KiB packets, caplen over snaplen, time stamps out
 * of order, zero-filled payloads, fake records inside payloads) must give the sequential result outright.
 */
class HostileSplitTest {
    private static final long[] SIZES = {65_537, 262_147, 600_001};
    private static final long[] TINY = {1000, 4099};
    private static final long T0 = 1_704_067_200L;

    /** A hostile file, whether splitting it must succeed, and whether reading it at all fails. */
    record Case(String name, boolean mustSplit, Function<Random, RawCapture> build, long... sizes) {
        Case(String name, boolean mustSplit, Function<Random, RawCapture> build) {
            this(name, mustSplit, build, SIZES);
        }
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A normal pcap with {@code n} packets of random bytes and sizes. */
    private static RawCapture plain(Random r, ByteOrder order, int n) {
        RawCapture c = RawCapture.pcap(order, false, 65535, LinkType.ETHERNET);
        for (int i = 0; i < n; i++) {
            int len = 60 + r.nextInt(1400);
            c.record(T0 + i / 100, (i % 100) * 10_000L + r.nextInt(10_000), len, len, random(r, len));
        }
        return c;
    }

    /** A small valid pcap file (header and records) to hide in a payload. */
    private static byte[] embeddedFile(Random r, ByteOrder order, int records) {
        RawCapture inner = RawCapture.pcap(order, false, 65535, LinkType.ETHERNET);
        for (int i = 0; i < records; i++) {
            int len = 20 + r.nextInt(200);
            inner.record(T0 + 5 + i, r.nextInt(1_000_000), len, len, random(r, len));
        }
        return inner.bytes();
    }

    private static final Case[] CASES = {
        new Case("payloads-embed-pcap-files", true, r -> {
            RawCapture c = RawCapture.pcap(ByteOrder.LITTLE_ENDIAN, false, 262144, LinkType.ETHERNET);
            for (int i = 0; i < 400; i++) {
                byte[] data = i % 2 == 0 ? embeddedFile(r, ByteOrder.LITTLE_ENDIAN, 1 + r.nextInt(120))
                        : random(r, 100 + r.nextInt(1000));
                c.record(T0 + i, r.nextInt(1_000_000), data.length, data.length, data);
            }
            return c;
        }),
        new Case("payloads-embed-records-without-header", true, r -> {
            RawCapture c = RawCapture.pcap(ByteOrder.BIG_ENDIAN, false, 262144, LinkType.ETHERNET);
            for (int i = 0; i < 150; i++) {
                byte[] inner = embeddedFile(r, ByteOrder.BIG_ENDIAN, 1 + r.nextInt(200));
                byte[] data = java.util.Arrays.copyOfRange(inner, 24, inner.length);
                c.record(T0 + i, r.nextInt(1_000_000), data.length, data.length, data);
            }
            return c;
        }),
        new Case("payloads-embed-pcap-files-tiny-splits", true, r -> {
            RawCapture c = RawCapture.pcap(ByteOrder.BIG_ENDIAN, true, 262144, LinkType.ETHERNET);
            for (int i = 0; i < 60; i++) {
                byte[] data = i % 2 == 0 ? embeddedFile(r, ByteOrder.BIG_ENDIAN, 1 + r.nextInt(6))
                        : random(r, 100 + r.nextInt(1000));
                c.record(T0 + i, r.nextInt(1_000_000_000), data.length, data.length, data);
            }
            return c;
        }, TINY),
        new Case("pcapng-embed-blocks-tiny-splits", true, r -> {
            RawCapture c = RawCapture.pcapng(ByteOrder.BIG_ENDIAN).idb(LinkType.ETHERNET, 0);
            for (int i = 0; i < 60; i++) {
                RawCapture inner = RawCapture.pcapng(ByteOrder.BIG_ENDIAN).idb(LinkType.ETHERNET, 0);
                inner.epb(0, T0 * 1_000_000, random(r, 20 + r.nextInt(200)));
                c.epb(0, (T0 + i) * 1_000_000 + r.nextInt(1_000_000), i % 2 == 0 ? inner.bytes() : random(r, 99));
            }
            return c;
        }, TINY),
        new Case("64k-packets", true, r -> {
            RawCapture c = RawCapture.pcap(ByteOrder.LITTLE_ENDIAN, true, 262144, LinkType.ETHERNET);
            for (int i = 0; i < 30; i++) {
                int len = i % 3 == 0 ? 65535 : 65536 - r.nextInt(100);
                c.record(T0 + i, r.nextInt(1_000_000_000), len, len, random(r, len));
            }
            return c;
        }),
        new Case("max-size-zero-packets", true, r -> {
            RawCapture c = RawCapture.pcap(ByteOrder.BIG_ENDIAN, false, 262144, LinkType.ETHERNET);
            for (int i = 0; i < 8; i++) {
                int len = 262144 - i;
                c.record(T0 + i, 17 + i, len, len, new byte[len]);
            }
            return c;
        }),
        new Case("caplen-above-snaplen", true, r -> {
            RawCapture c = RawCapture.pcap(ByteOrder.LITTLE_ENDIAN, false, 128, LinkType.ETHERNET);
            for (int i = 0; i < 3000; i++) {
                int len = 60 + r.nextInt(1400);
                c.record(T0 + i, r.nextInt(1_000_000), len, len + r.nextInt(3), random(r, len));
            }
            return c;
        }),
        new Case("time-stamps-out-of-order", true, r -> {
            RawCapture c = RawCapture.pcap(ByteOrder.BIG_ENDIAN, true, 65535, LinkType.ETHERNET);
            for (int i = 0; i < 3000; i++) {
                int len = 60 + r.nextInt(1400);
                c.record(T0 - r.nextInt(1_000_000), r.nextInt(1_000_000_000), len, len, random(r, len));
            }
            return c;
        }),
        new Case("truncated-last-record", true, r -> {
            RawCapture c = plain(r, ByteOrder.LITTLE_ENDIAN, 2500);
            return c.record(T0 + 99, 5, 1000, 1000, random(r, 400));
        }),
        new Case("truncated-last-header", true, r -> plain(r, ByteOrder.BIG_ENDIAN, 2500).raw(new byte[9])),
        new Case("shadow-chain-crafted-across-packets", false, r -> {
            // Every payload holds, at the same place, a sane record header whose caplen reaches the same place
            // in the next packet: a fake chain in step with the true one, 28 bytes later, through the whole file.
            RawCapture c = RawCapture.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, LinkType.ETHERNET);
            int len = 1000;
            for (int i = 0; i < 2000; i++) {
                byte[] data = random(r, len);
                java.nio.ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putInt(12, (int) T0 + i)
                        .putInt(16, 123_456).putInt(20, len).putInt(24, len);
                c.record(T0 + i, r.nextInt(1_000_000), len, len, data);
            }
            return c;
        }),
        new Case("caplen-over-len-in-the-middle", false, r -> {
            RawCapture c = plain(r, ByteOrder.LITTLE_ENDIAN, 1500);
            c.record(T0 + 50, 7, 1200, 100, random(r, 1200));
            RawCapture rest = plain(r, ByteOrder.LITTLE_ENDIAN, 1500);
            return c.raw(java.util.Arrays.copyOfRange(rest.bytes(), 24, rest.bytes().length));
        }),
        new Case("fraction-of-a-second-or-more", false, r -> {
            RawCapture c = plain(r, ByteOrder.BIG_ENDIAN, 1500);
            c.record(T0 + 50, 1_500_000, 100, 100, random(r, 100));
            RawCapture rest = plain(r, ByteOrder.BIG_ENDIAN, 1500);
            return c.raw(java.util.Arrays.copyOfRange(rest.bytes(), 24, rest.bytes().length));
        }),
        new Case("corrupt-caplen-in-the-middle", true, r -> {
            RawCapture c = plain(r, ByteOrder.LITTLE_ENDIAN, 1500);
            c.record(T0 + 50, 7, 0x7fff0000, 100, random(r, 64));
            RawCapture rest = plain(r, ByteOrder.LITTLE_ENDIAN, 1500);
            return c.raw(java.util.Arrays.copyOfRange(rest.bytes(), 24, rest.bytes().length));
        }),
        new Case("pcapng-payloads-embed-blocks", true, r -> {
            RawCapture c = RawCapture.pcapng(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0);
            for (int i = 0; i < 1500; i++) {
                byte[] data;
                if (i % 3 == 0) {
                    RawCapture inner = RawCapture.pcapng(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0);
                    for (int k = 0, n = 1 + r.nextInt(8); k < n; k++) {
                        inner.epb(0, (T0 + k) * 1_000_000, random(r, 20 + r.nextInt(200)));
                    }
                    data = inner.bytes();
                } else {
                    data = random(r, 60 + r.nextInt(1400));
                }
                c.epb(0, (T0 + i) * 1_000_000 + r.nextInt(1_000_000), data);
            }
            return c;
        }),
        // Below the resync window (17 MiB for pcapng) every split walks from the head: sections are no problem.
        // Past the 17 MiB window: convergence over embedded blocks, and the fallback at a late interface.
        new Case("pcapng-large-embedded-blocks-and-late-interface", true, r -> {
            RawCapture c = RawCapture.pcapng(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0);
            for (int i = 0; i < 32_000; i++) {
                if (i == 28_000) {
                    c.idb(LinkType.RAW, 0);
                }
                byte[] data;
                if (i % 4 == 0) {
                    RawCapture inner = RawCapture.pcapng(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0);
                    for (int k = 0, n = 1 + r.nextInt(5); k < n; k++) {
                        inner.epb(0, (T0 + k) * 1_000_000, new byte[20 + r.nextInt(300)]);
                    }
                    data = inner.bytes();
                } else {
                    data = random(r, 60 + r.nextInt(1400));
                }
                c.epb(i >= 28_000 ? i % 2 : 0, (T0 + i) * 1_000_000 + r.nextInt(1_000_000), data);
            }
            return c;
        }, 3_000_017),
        new Case("pcapng-second-section", true, r -> {
            RawCapture c = RawCapture.pcapng(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0);
            for (int i = 0; i < 1200; i++) {
                c.epb(0, (T0 + i) * 1_000_000, random(r, 60 + r.nextInt(1400)));
            }
            c.shb().idb(LinkType.RAW, 0);
            for (int i = 0; i < 1200; i++) {
                c.epb(0, (T0 + i) * 1_000_000, random(r, 60 + r.nextInt(1400)));
            }
            return c;
        }),
        new Case("pcapng-interface-declared-midway", true, r -> {
            RawCapture c = RawCapture.pcapng(ByteOrder.BIG_ENDIAN).idb(LinkType.ETHERNET, 0);
            for (int i = 0; i < 2400; i++) {
                if (i == 1200) {
                    c.idb(LinkType.RAW, 0);
                }
                c.epb(i >= 1200 ? i % 2 : 0, (T0 + i) * 1_000_000, random(r, 60 + r.nextInt(1400)));
            }
            return c;
        }),
    };

    @TestFactory
    Stream<DynamicTest> everySplitSizeGivesTheSequentialResultOrFailsCleanly() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < CASES.length; i++) {
            Case c = CASES[i];
            long seed = 1000 + i;
            tests.add(DynamicTest.dynamicTest(c.name() + " (seed " + seed + ")", () -> check(c, seed)));
        }
        return tests.stream();
    }

    private static void check(Case c, long seed) throws IOException {
        Path file = c.build().apply(new Random(seed)).write("hostile-" + c.name() + ".cap");
        SplitHarness.Outcome seq = SplitHarness.sequential(file);
        int failures = 0;
        for (long size : c.sizes()) {
            String what = c.name() + " (seed " + seed + "), " + Files.size(file) + " bytes, split size " + size;
            SplitHarness.Outcome split = SplitHarness.splitRead(file, SplitMode.HEURISTIC, size);
            if (split.failed() && (seq.error() == null || split.error().offset() != seq.error().offset()
                    || !split.error().detail().equals(seq.error().detail()))) {
                // A failure of the split run that the sequential walk does not have: it must be clear.
                failures++;
                assertTrue(!c.mustSplit(), what + ": unexpected failure " + split.error());
                assertTrue(split.error().getMessage().startsWith(file + ": "), split.error().getMessage());
                assertTrue(split.error().getMessage().contains("byte"), split.error().getMessage());
                continue;
            }
            assertEquals(seq.packets(), split.packets(), what);
            if (seq.error() == null) {
                assertNull(split.error(), what);
            } else {
                assertNotNull(split.error(), what + ": the sequential walk fails with " + seq.error());
                assertEquals(seq.error().getMessage(), split.error().getMessage(), what);
            }
        }
        if (!c.mustSplit()) {
            assertTrue(failures > 0, c.name() + ": expected the heuristic to refuse at some split size");
        }
    }
}
