package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads every file of the shared corpus ({@code weir.sharedDir}/pcaps) and checks it against its
 * {@code MANIFEST.tsv}: where libpcap 1.10.3 reads a file whole, the same packet count; where it stops or
 * refuses, the same good packets and a typed {@link CaptureFormatException}; where it refuses a valid file only
 * for lack of support, every record. Skipped when the corpus is absent.
 */
class SharedCorpusTest {
    private static final String SNAPLENS = "valid pcapng whose interfaces differ in snapshot length: libpcap 1.10 "
            + "stops at the second IDB (\"an interface has a snapshot length ... different\"); Weir reads every record";
    private static final String LINKTYPES = "valid pcapng whose interfaces differ in link type: libpcap 1.10 stops "
            + "at the second IDB (\"an interface has a type ... different\"); Weir reads every record";

    /**
     * The files of the corpus on which Weir and libpcap differ, and why. Everywhere else Weir delivers exactly
     * libpcap's packets, and fails (with a typed error) where libpcap fails.
     */
    static final Object[][] DIFFERENT_FROM_LIBPCAP = {
        {"gopacket__pcapng-be__test004.pcapng", SNAPLENS},
        {"gopacket__pcapng-be__test006.pcapng", LINKTYPES},
        {"gopacket__pcapng-be__test008.pcapng", SNAPLENS},
        {"gopacket__pcapng-be__test014.pcapng", LINKTYPES},
        {"gopacket__pcapng-be__test100.pcapng", LINKTYPES},
        {"gopacket__pcapng-be__test102.pcapng", LINKTYPES},
        {"gopacket__pcapng-be__test200.pcapng", SNAPLENS},
        {"gopacket__pcapng-be__test202.pcapng", LINKTYPES},
        {"gopacket__pcapng-le__test004.pcapng", SNAPLENS},
        {"gopacket__pcapng-le__test006.pcapng", LINKTYPES},
        {"gopacket__pcapng-le__test008.pcapng", SNAPLENS},
        {"gopacket__pcapng-le__test014.pcapng", LINKTYPES},
        {"gopacket__pcapng-le__test100.pcapng", LINKTYPES},
        {"gopacket__pcapng-le__test102.pcapng", LINKTYPES},
        {"gopacket__pcapng-le__test200.pcapng", SNAPLENS},
        {"gopacket__pcapng-le__test202.pcapng", LINKTYPES},
        {"pcapplusplus__PacketExamples__BgpPackets.pcap", SNAPLENS},
        {"pcapplusplus__PacketExamples__GrePackets.pcap", SNAPLENS},
        {"pcapplusplus__PacketExamples__WireGuard.pcap", SNAPLENS},
        {"pcapplusplus__PacketExamples__dns_over_tcp.pcapng", SNAPLENS},
        {"pcapplusplus__PacketExamples__gtp.pcap", SNAPLENS},
        {"pcapplusplus__PacketExamples__ipv4-malformed.pcap", SNAPLENS},
        {"pcapplusplus__PcapExamples__pcapng-example.pcapng", LINKTYPES},
        {"pcapplusplus__PcapExamples__too_many_interfaces.pcapng", SNAPLENS},
        {"zeek__ldap__gap-data-missing.pcapng", SNAPLENS},
        {"zeek__ldap__modify-request.pcapng", SNAPLENS},
    };

    private static Path corpus() {
        String shared = System.getProperty("weir.sharedDir");
        Path dir = shared == null ? null : Path.of(shared, "pcaps");
        Assumptions.assumeTrue(dir != null && Files.isRegularFile(dir.resolve("MANIFEST.tsv")),
                "shared corpus absent (weir.sharedDir=" + shared + "): skipping");
        return dir;
    }

    /** One MANIFEST row, by column name. */
    record Row(String file, String records, String libpcap, String error) {}

    static List<Row> manifest(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("MANIFEST.tsv"));
        String[] header = lines.get(0).split("\t", -1);
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], i);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(f[col.get("file")], f[col.get("packets_records")], f[col.get("packets_libpcap")],
                    f[col.get("libpcap_error")]));
        }
        return rows;
    }

    /** libpcap lacks support, the file is fine: Weir reads every record. */
    static boolean unsupportedByLibpcapOnly(Row row) {
        return row.error().contains("an interface has a type") || row.error().contains("an interface has a snapshot length");
    }

    /** libpcap read the file whole (a warning is not a failure). */
    static boolean readWholeByLibpcap(Row row) {
        return row.error().isEmpty() || row.error().startsWith("Warning");
    }

    record Outcome(long packets, CaptureFormatException error) {}

    static Outcome read(Path file) throws IOException {
        long n = 0;
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                n++;
            }
        } catch (CaptureFormatException e) {
            return new Outcome(n, e);
        }
        return new Outcome(n, null);
    }

    @TestFactory
    Stream<DynamicTest> everyFileMatchesTheManifest() throws IOException {
        Path dir = corpus();
        return manifest(dir).stream().map(row -> DynamicTest.dynamicTest(row.file(), () -> {
            Outcome o = read(dir.resolve(row.file()));
            String why = row.file() + ": libpcap " + row.libpcap() + " [" + row.error() + "], Weir " + o.packets()
                    + (o.error() == null ? "" : " then " + o.error().getMessage());
            if (readWholeByLibpcap(row)) {
                assertNull(o.error(), why);
                assertEquals(Long.parseLong(row.libpcap()), o.packets(), why);
            } else if (unsupportedByLibpcapOnly(row)) {
                assertNull(o.error(), why);
                assertEquals(Long.parseLong(row.records()), o.packets(), why);
            } else {
                assertNotNull(o.error(), why);
                assertEquals("ERR".equals(row.libpcap()) ? 0 : Long.parseLong(row.libpcap()), o.packets(), why);
                assertEquals(o.packets(), o.error().packetsRead(), why);
                assertTrue(o.error().getMessage().contains(row.file()), why);
            }
        }));
    }

    /** The table above stays true: it lists exactly the files where Weir's count differs from libpcap's. */
    @Test
    void theTableOfDifferencesIsExact() throws IOException {
        Path dir = corpus();
        TreeSet<String> differing = new TreeSet<>();
        for (Row row : manifest(dir)) {
            Outcome o = read(dir.resolve(row.file()));
            boolean libpcapFailed = !readWholeByLibpcap(row);
            long libpcapCount = "ERR".equals(row.libpcap()) ? 0 : Long.parseLong(row.libpcap());
            if (o.packets() != libpcapCount || libpcapFailed != (o.error() != null)) {
                differing.add(row.file());
            }
        }
        TreeSet<String> table = new TreeSet<>();
        for (Object[] entry : DIFFERENT_FROM_LIBPCAP) {
            table.add((String) entry[0]);
            assertFalse(((String) entry[1]).isEmpty());
        }
        assertEquals(table, differing);
    }
}
