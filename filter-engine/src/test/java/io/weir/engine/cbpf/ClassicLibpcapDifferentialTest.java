package io.weir.engine.cbpf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.weir.engine.Filter;
import io.weir.engine.ebpf.EbpfInterpreter;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * Every expression of differential-expressions.txt, compiled by libpcap for the link type of every capture in
 * the shared corpus (where libpcap accepts it), run on every packet libpcap reads from that capture (read with
 * libpcap itself, {@link LibpcapSupport#readCapture}; compiled with pcap4j's {@code Pcaps.openDead}) through
 * (1) libpcap's own {@code bpf_filter} ({@link BpfProgram#applyFilter(byte[], int, int)}), (2) Weir's classic
 * interpreter on the same instructions, (3) the classic-to-eBPF translation on the eBPF interpreter. The three
 * verdicts must agree, and (2) and (3) must return the same value. Disagreements are logged with the expression,
 * link type, file and packet index.
 */
class ClassicLibpcapDifferentialTest {
    private static final int MAX_REPORTED = 20;
    /** libpcap programs with an undefined verdict (see {@link #compile}), reported at the end. */
    private static final Set<String> UNDEFINED = new LinkedHashSet<>();
    /** libpcap's PCAP_NETMASK_UNKNOWN, as tcpdump passes without an interface. */
    private static final Inet4Address NETMASK_UNKNOWN;

    static {
        try {
            NETMASK_UNKNOWN = (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    record Expr(String text, boolean optimize) { }

    record Compiled(BpfProgram libpcap, ClassicProgram program, Filter classic, Filter ebpf) { }

    static List<Expr> expressions() {
        List<Expr> out = new ArrayList<>();
        for (String line : TcpdumpFormatTest.resource("differential-expressions.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            boolean noOpt = line.startsWith("-O ");
            out.add(new Expr(noOpt ? line.substring(3) : line, !noOpt));
        }
        return out;
    }

    /** The instructions of a libpcap-compiled program, read from its native {@code struct bpf_program}. */
    static ClassicProgram instructions(BpfProgram p) throws ReflectiveOperationException {
        Method getProgram = BpfProgram.class.getDeclaredMethod("getProgram");
        getProgram.setAccessible(true);
        Structure s = (Structure) getProgram.invoke(p);
        s.read();
        int len = (Integer) s.readField("bf_len");
        Pointer insns = ((Structure) s.readField("bf_insns")).getPointer();
        return ClassicProgram.decode(insns.getByteArray(0, len * ClassicProgram.INSN_BYTES));
    }

    @Test
    void everyExpressionOnEveryCaptureAgreesWithLibpcap() throws Exception {
        Path shared = LibpcapSupport.sharedDir();
        Path pcaps = shared == null ? null : shared.resolve("pcaps");
        Assumptions.assumeTrue(pcaps != null && Files.isRegularFile(pcaps.resolve("MANIFEST.tsv")),
                "the shared capture corpus is absent (weir.sharedDir=" + shared + ")");
        LibpcapSupport.assumeLibpcap();
        List<Expr> exprs = expressions();
        Map<String, Optional<Compiled>> cache = new HashMap<>();
        Map<String, Integer> compiledPerLinkType = new LinkedHashMap<>();
        List<String> disagreements = new ArrayList<>();
        long comparisons = 0;
        long matches = 0;
        int files = 0;
        List<String> manifest = Files.readAllLines(pcaps.resolve("MANIFEST.tsv"));
        for (String line : manifest.subList(1, manifest.size())) {
            String file = line.split("\t", 2)[0];
            LibpcapSupport.Capture capture = LibpcapSupport.readCapture(pcaps.resolve(file));
            if (capture == null || capture.packets().isEmpty()) {
                continue; // libpcap refuses the file or finds no packet in it (MANIFEST says why)
            }
            List<byte[]> packets = capture.packets();
            List<Integer> wireLens = capture.wireLengths();
            DataLinkType dlt = DataLinkType.getInstance(capture.linkType());
            int snaplen = capture.snaplen();
            files++;
            for (Expr expr : exprs) {
                String key = dlt.value() + "/" + snaplen + "/" + expr;
                Optional<Compiled> c = cache.computeIfAbsent(key, k -> compile(dlt, snaplen, expr));
                if (c.isEmpty()) {
                    continue;
                }
                Compiled cp = c.get();
                for (int i = 0; i < packets.size(); i++) {
                    byte[] pkt = packets.get(i);
                    int wire = wireLens.get(i);
                    boolean pcap = cp.libpcap().applyFilter(pkt, wire, pkt.length);
                    long classic = cp.classic().run(pkt, 0, pkt.length, wire);
                    long ebpf = cp.ebpf().run(pkt, 0, pkt.length, wire);
                    comparisons++;
                    if (pcap) {
                        matches++;
                    }
                    if (pcap != (classic != 0) || classic != ebpf) {
                        String d = "'" + expr.text() + "'" + (expr.optimize() ? "" : " (-O)") + " linktype "
                                + dlt.value() + " snaplen " + snaplen + " file " + file + " packet #" + i
                                + " (caplen " + pkt.length + ", wire " + wire + "): libpcap " + pcap + ", classic "
                                + classic + ", ebpf " + ebpf;
                        if (disagreements.size() < MAX_REPORTED) {
                            System.err.println("DISAGREEMENT " + d);
                        }
                        disagreements.add(d);
                    }
                }
            }
        }
        for (Map.Entry<String, Optional<Compiled>> e : cache.entrySet()) {
            if (e.getValue().isPresent()) {
                compiledPerLinkType.merge(e.getKey().split("/")[0], 1, Integer::sum);
                e.getValue().get().libpcap().free();
            }
        }
        UNDEFINED.forEach(u -> System.err.println("SKIPPED (libpcap reads unwritten scratch memory) " + u));
        System.err.println("classic vs libpcap: " + files + " captures, " + comparisons + " packet verdicts ("
                + matches + " matches), programs per link type " + compiledPerLinkType);
        if (!disagreements.isEmpty()) {
            fail(disagreements.size() + " disagreements; first: " + disagreements.get(0));
        }
        assertTrue(files > 300, "only " + files + " captures read");
        int compiled = compiledPerLinkType.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(UNDEFINED.size() * 100 <= compiled, "too many libpcap programs skipped: " + UNDEFINED);
        assertTrue(comparisons > 1_000_000, "only " + comparisons + " comparisons");
        assertTrue(compiledPerLinkType.getOrDefault("1", 0) >= exprs.size() - 2,
                "expressions compiled for EN10MB: " + compiledPerLinkType.get("1"));
    }

    private static Optional<Compiled> compile(DataLinkType dlt, int snaplen, Expr expr) {
        try (PcapHandle dead = Pcaps.openDead(dlt, snaplen)) {
            BpfProgram bpf = dead.compileFilter(expr.text(),
                    expr.optimize() ? BpfCompileMode.OPTIMIZE : BpfCompileMode.NONOPTIMIZE, NETMASK_UNKNOWN);
            ClassicProgram p = instructions(bpf);
            try {
                return Optional.of(new Compiled(bpf, p, ClassicInterpreter.of(p),
                        new EbpfInterpreter(ClassicToEbpf.translate(p))));
            } catch (ClassicValidationException e) {
                if (e.getMessage().endsWith("may be read before it is written")) {
                    // libpcap's optimizer sometimes reads a scratch word no path wrote (its bpf_filter then reads
                    // stack garbage: no defined verdict to compare); the kernel rejects such programs, so does Weir.
                    UNDEFINED.add("'" + expr.text() + "' linktype " + dlt.value() + ": " + e.getMessage());
                    bpf.free();
                    return Optional.empty();
                }
                throw new AssertionError("libpcap's program for '" + expr.text() + "' (linktype " + dlt.value()
                        + ", snaplen " + snaplen + ") is rejected: " + e.getMessage() + "\n" + p, e);
            }
        } catch (PcapNativeException e) {
            return Optional.empty(); // not valid for this link type, as tcpdump would say
        } catch (ReflectiveOperationException | NotOpenException e) {
            throw new IllegalStateException("cannot read pcap4j's bpf_program", e);
        }
    }
}
