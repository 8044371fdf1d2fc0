package io.weir.spark;

import static io.weir.spark.SparkTests.pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.PcapReader;
import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Every capture of the shared corpus through the data source, against its {@code MANIFEST.tsv}: per-file
 * counts equal libpcap's where libpcap reads the file whole (and Weir's own record count where libpcap refuses a
 * valid pcapng for lack of support); in PERMISSIVE mode a corrupt file yields the good packets libpcap yields,
 * in FAILFAST mode it fails the query naming the file. With {@code bpf}, per-file verdict counts equal
 * libpcap's {@code libpcap_filter_matches} for the expressions of {@code filter-features.txt}.
 */
class SharedCorpusSparkTest {
    /**
     * Where Weir's compiler (not the reader) differs from libpcap today: {feature, link type, why}. The reader's
     * counts on these equal the compiler's own verdicts ({@code PcapSourceTest}); the compiler's owners know.
     */
    private static final Object[][] COMPILER_DIFFERENCES = {
        {"isis", 104, "isis on C_HDLC (104): Weir's program matches no packet, libpcap's matches the IS-IS ones"},
    };

    private static boolean compilerDiffers(String feature, Path file) throws IOException {
        for (Object[] d : COMPILER_DIFFERENCES) {
            if (d[0].equals(feature)) {
                try (PcapReader r = PcapReader.open(file)) {
                    if (r.linkType() == (Integer) d[1]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** One MANIFEST row. */
    record Entry(String file, String records, String libpcap, String error, String matches) {
        boolean readWhole() {
            return error.isEmpty() || error.startsWith("Warning");
        }

        boolean unsupportedByLibpcapOnly() {
            return error.contains("an interface has a type") || error.contains("an interface has a snapshot length");
        }

        long expected() {
            if (unsupportedByLibpcapOnly()) {
                return Long.parseLong(records);
            }
            return "ERR".equals(libpcap) ? 0 : Long.parseLong(libpcap);
        }
    }

    static List<Entry> manifest(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("MANIFEST.tsv"));
        String[] header = lines.get(0).split("\t", -1);
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], i);
        }
        List<Entry> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                String[] f = line.split("\t", -1);
                out.add(new Entry(f[col.get("file")], f[col.get("packets_records")], f[col.get("packets_libpcap")],
                        f[col.get("libpcap_error")], f[col.get("libpcap_filter_matches")]));
            }
        }
        return out;
    }

    /** Per-file counts of one query over {@code files}. */
    private static Map<String, Long> counts(List<String> files, String bpf) {
        var reader = pcap().option("mode", "PERMISSIVE");
        if (bpf != null) {
            reader = reader.option("bpf", bpf);
        }
        Map<String, Long> out = new HashMap<>();
        for (Row r : reader.load(files.toArray(new String[0])).groupBy("file").count().collectAsList()) {
            out.put(Path.of(r.getString(0)).getFileName().toString(), r.getLong(1));
        }
        return out;
    }

    @Test
    void countsEqualLibpcaps() throws IOException {
        Path dir = SparkTests.corpus();
        List<Entry> entries = manifest(dir);
        List<String> files = new ArrayList<>();
        for (Entry e : entries) {
            files.add(dir.resolve(e.file()).toString());
        }
        Map<String, Long> got = counts(files, null);
        TreeMap<String, String> wrong = new TreeMap<>();
        for (Entry e : entries) {
            long n = got.getOrDefault(e.file(), 0L);
            if (n != e.expected()) {
                wrong.put(e.file(), "libpcap " + e.libpcap() + " [" + e.error() + "], spark " + n);
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " files differ: " + wrong);
    }

    @Test
    void corruptFilesFailNamingTheFile() throws IOException {
        Path dir = SparkTests.corpus();
        int failed = 0;
        int seen = 0;
        for (Entry e : manifest(dir)) {
            // One job each: every third corrupt file keeps the test short and still covers every kind of fault.
            if (e.readWhole() || e.unsupportedByLibpcapOnly() || seen++ % 3 != 0) {
                continue;
            }
            String f = dir.resolve(e.file()).toString();
            Exception x = assertThrows(Exception.class, () -> pcap().load(f).count(), e.file());
            assertTrue(PcapSourceTest.message(x).contains(e.file()), PcapSourceTest.message(x));
            failed++;
        }
        assertTrue(failed > 0);
    }

    /**
     * Whether Weir's compiler takes {@code expr} for the file's link type: primitives it lacks ({@code geneve},
     * {@code llc} on 802.11) are the compiler's own tests' business, not the reader's.
     */
    private static boolean compiles(String expr, Path file) {
        try (PcapReader r = PcapReader.open(file)) {
            FilterCompiler.compile(expr, r.linkType(), 262144, CompileOptions.savefile(r.byteOrder()));
            return true;
        } catch (FilterSyntaxException | IOException | RuntimeException e) {
            return false;
        }
    }

    @Test
    void bpfVerdictsEqualLibpcaps() throws IOException {
        Path dir = SparkTests.corpus();
        Map<String, String> features = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("filter-features.txt"))) {
            int bar = line.indexOf('|');
            if (bar > 0) {
                features.put(line.substring(0, bar), line.substring(bar + 1));
            }
        }
        // feature -> (file -> libpcap's matches)
        Map<String, Map<String, Long>> expected = new TreeMap<>();
        for (Entry e : manifest(dir)) {
            if (e.matches().isEmpty() || e.unsupportedByLibpcapOnly()) {
                continue;   // libpcap's verdicts cover fewer packets than Weir reads
            }
            for (String kv : e.matches().split(",")) {
                int eq = kv.indexOf('=');
                expected.computeIfAbsent(kv.substring(0, eq), k -> new HashMap<>())
                        .put(e.file(), Long.parseLong(kv.substring(eq + 1)));
            }
        }
        TreeMap<String, String> wrong = new TreeMap<>();
        int compared = 0;
        for (Map.Entry<String, Map<String, Long>> f : expected.entrySet()) {
            String expr = features.get(f.getKey());
            List<String> files = new ArrayList<>();
            for (String file : f.getValue().keySet()) {
                if (compiles(expr, dir.resolve(file)) && !compilerDiffers(f.getKey(), dir.resolve(file))) {
                    files.add(dir.resolve(file).toString());
                }
            }
            if (files.isEmpty()) {
                continue;
            }
            Map<String, Long> got = counts(files, expr);
            for (Map.Entry<String, Long> want : f.getValue().entrySet()) {
                if (!files.contains(dir.resolve(want.getKey()).toString())) {
                    continue;
                }
                long n = got.getOrDefault(want.getKey(), 0L);
                compared++;
                if (n != want.getValue()) {
                    wrong.put(want.getKey() + " " + f.getKey(), "libpcap " + want.getValue() + ", spark " + n);
                }
            }
        }
        assertTrue(compared > 100, "compared " + compared);
        assertEquals(new TreeMap<>(), wrong, wrong.size() + " verdict counts differ");
    }
}
