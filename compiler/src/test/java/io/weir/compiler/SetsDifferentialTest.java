package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Memory;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.compiler.ebpf.LoadedFilter;
import io.weir.compiler.lower.SetTable;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.TcpdumpFormat;
import io.weir.engine.ebpf.Disassembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sets against libpcap: each expression of {@code differential/sets.txt} is compiled three ways (the set as a
 * comparison chain, as map lookups from the literal, and as map lookups from an {@code @FILE} holding the same
 * entries) and must return on every test packet (truncated ones included), on every engine, what libpcap's
 * program for the written-out expression ({@code host in {a, b}} as {@code host (a or b)}) returns; where
 * libpcap rejects the written-out expression, Weir rejects the set in every form.
 *
 * <p>Lookups are compared on packets captured whole. On a packet cut inside the address or port fields the
 * written-out expression's verdict depends on the order of the entries (libpcap compares entry by entry, source
 * then destination, and a load past the end rejects), while a lookup reads each field once: e.g. for
 * {@code host in {A, B}} over IPv6, a packet whose source is B and whose destination was not captured is
 * rejected by {@code host (A or B)} (it loads the destination to compare it with A) and accepted by the lookup.
 */
class SetsDifferentialTest {
    private static final Pattern LITERAL = Pattern.compile("in \\{([^}]*)}");

    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> setsAgreeWithTheWrittenOutExpression() throws IOException {
        List<String> lines = DifferentialCheck.expressions("/differential/sets.txt");
        assertTrue(lines.size() >= 40, "table has " + lines.size() + " expressions");
        return lines.stream().map(l -> DynamicTest.dynamicTest(l, () -> check(l)));
    }

    /** The libpcap expression of a line: after ';;', or the literal sets written out. */
    static String writtenOut(String weir) {
        Matcher m = LITERAL.matcher(weir);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement("(" + String.join(" or ", m.group(1).split("\\s*,\\s*"))
                    + ")"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The expression with each literal set moved to a file of the test directory. */
    private static String withFiles(String weir) throws IOException {
        Matcher m = LITERAL.matcher(weir);
        StringBuilder sb = new StringBuilder();
        int n = 0;
        while (m.find()) {
            Path f = Files.createTempFile(dir, "set" + n++, ".txt");
            List<String> body = new ArrayList<>(List.of("# written by SetsDifferentialTest", ""));
            for (String item : m.group(1).split("\\s*,\\s*")) {
                body.add(item + "   # entry");
            }
            Files.write(f, body);
            m.appendReplacement(sb, Matcher.quoteReplacement("in @" + f.getFileName()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static void check(String line) throws IOException {
        LibPcap.require();
        int sep = line.indexOf(";;");
        String weir = sep < 0 ? line : line.substring(0, sep).strip();
        String pcap = sep < 0 ? writtenOut(weir) : line.substring(sep + 2).strip();
        String fromFile = withFiles(weir);
        Map<Integer, List<TestPackets.Pkt>> packets = TestPackets.byLinkType();
        List<String> problems = new ArrayList<>();
        for (int lt : TestPackets.LINK_TYPES) {
            ClassicProgram ref = null;
            String pcapError = null;
            try {
                ref = LibPcap.compile(pcap, lt, DifferentialCheck.SNAPLEN);
            } catch (LibPcap.Rejected r) {
                pcapError = r.getMessage();
            }
            List<String> names = new ArrayList<>();
            List<Filter> filters = new ArrayList<>();
            List<LoadedFilter> loaded = new ArrayList<>();
            try {
                String what = "chain";
                try {
                    ClassicProgram chain = FilterCompiler.compile(weir, lt, DifferentialCheck.SNAPLEN,
                            CompileOptions.DEAD, SetTable.classic(dir), null);
                    DifferentialCheck.addEngines(chain, "chain, ", names, filters);
                    what = "lookups";
                    lookups(EbpfCompiler.compile(weir, lt, DifferentialCheck.SNAPLEN, CompileOptions.DEAD, dir, 0),
                            "lookups", names, filters, loaded);
                    what = "lookups from files";
                    lookups(EbpfCompiler.compile(fromFile, lt, DifferentialCheck.SNAPLEN, CompileOptions.DEAD, dir, 0),
                            "file lookups", names, filters, loaded);
                    if (pcapError != null) {
                        problems.add("linktype " + lt + ": libpcap rejects '" + pcap + "' (" + pcapError
                                + ") but Weir compiles");
                        continue;
                    }
                } catch (FilterSyntaxException e) {
                    if (pcapError == null && !e.getMessage().contains("does not resolve")) {
                        problems.add("linktype " + lt + ": libpcap compiles '" + pcap + "' but Weir rejects ("
                                + what + "): " + e.getMessage());
                    }
                    continue;
                } catch (RuntimeException e) {
                    problems.add("linktype " + lt + ": " + e + " after " + names);
                    continue;
                }
                compare(lt, ref, packets.get(lt), names, filters, problems);
            } finally {
                for (LoadedFilter f : loaded) {
                    f.close();
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("'" + line + "':\n" + String.join("\n", problems));
        }
    }

    private static void lookups(CompiledFilter spec, String label, List<String> names, List<Filter> filters,
            List<LoadedFilter> loaded) {
        try {
            LoadedFilter f = spec.load(Engine.INTERPRETER);
            loaded.add(f);
            names.add(label + ", eBPF interpreter");
            filters.add(f);
            if (Engines.available(Engine.JIT)) {
                f = spec.load(Engine.JIT);
                loaded.add(f);
                names.add(label + ", JIT");
                filters.add(f);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(label + ": " + e.getMessage() + "\n" + Disassembler.kernel(spec.program()), e);
        }
    }

    private static void compare(int lt, ClassicProgram ref, List<TestPackets.Pkt> pkts, List<String> names,
            List<Filter> filters, List<String> problems) {
        Memory refMem = LibPcap.load(ref);
        boolean[] reported = new boolean[filters.size()];
        for (TestPackets.Pkt p : pkts) {
            long want = LibPcap.run(refMem, p.mem(), p.data().length, p.wireLen());
            boolean whole = p.data().length == p.wireLen();
            for (int e = 0; e < filters.size(); e++) {
                if (!whole && !names.get(e).startsWith("chain")) {
                    continue; // lookups: whole packets only (see the class comment)
                }
                long got = filters.get(e).run(p.data(), 0, p.data().length, p.wireLen());
                if (got != want && !reported[e]) { // one report per engine
                    reported[e] = true;
                    problems.add("linktype " + lt + ", " + names.get(e) + ", packet " + p.origin() + " (caplen "
                            + p.data().length + ", len " + p.wireLen() + "): libpcap " + want + ", Weir " + got
                            + "\nlibpcap:\n" + TcpdumpFormat.listing(ref));
                }
            }
        }
    }
}
