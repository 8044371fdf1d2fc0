package io.weir.engine.cbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * tcpdump's -d/-dd/-ddd, against golden files made by libpcap and tcpdump themselves (bpf-image.golden by
 * gen-bpf-image.sh, tcpdump-dumps.golden by gen-tcpdump-golden.sh), and against the live tcpdump when present.
 */
class TcpdumpFormatTest {

    /** One record of tcpdump-dumps.golden: the header fields and the three dumps. */
    record Dump(String linkType, int snaplen, boolean optimize, String expr, String d, String dd, String ddd) {
        @Override
        public String toString() {
            return linkType + " '" + expr + "'" + (optimize ? "" : " -O");
        }
    }

    static String resource(String name) {
        try (InputStream in = TcpdumpFormatTest.class.getResourceAsStream("/cbpf/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource cbpf/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Dump> dumps() {
        List<Dump> out = new ArrayList<>();
        String[] records = resource("tcpdump-dumps.golden").split("(?m)^### ");
        for (String rec : records) {
            if (rec.isBlank()) {
                continue;
            }
            String header = rec.substring(0, rec.indexOf('\n'));
            String[] h = header.split("\t", 4);
            Map<String, String> sections = new LinkedHashMap<>();
            String[] parts = rec.substring(header.length() + 1).split("(?m)^--- ");
            for (String part : parts) {
                if (!part.isEmpty()) {
                    int nl = part.indexOf('\n');
                    sections.put(part.substring(0, nl), part.substring(nl + 1));
                }
            }
            out.add(new Dump(h[0], Integer.parseInt(h[1]), h[2].equals("yes"), h[3], sections.get("-d"),
                    sections.get("-dd"), sections.get("-ddd")));
        }
        return out;
    }

    @Test
    void imageMatchesLibpcapBpfImageForEveryOpcode() {
        String[] lines = resource("bpf-image.golden").split("\n");
        assertTrue(lines.length > 1500, "golden too short: " + lines.length);
        int checked = 0;
        for (String line : lines) {
            int bar = line.indexOf('|');
            String[] f = line.substring(0, bar).split(" ");
            ClassicInsn insn = ClassicInsn.of(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    (int) Long.parseLong(f[3]));
            assertEquals(line.substring(bar + 1), TcpdumpFormat.image(insn, Integer.parseInt(f[4])),
                    "bpf_image of " + insn);
            checked++;
        }
        assertEquals(lines.length, checked);
    }

    @TestFactory
    Stream<DynamicTest> goldenDumpsPrintAndParseExactly() {
        return dumps().stream().map(d -> DynamicTest.dynamicTest(d.toString(), () -> {
            ClassicProgram p = TcpdumpFormat.parse(d.ddd());
            assertEquals(d.d(), TcpdumpFormat.listing(p), "-d");
            assertEquals(d.dd(), TcpdumpFormat.cArray(p), "-dd");
            assertEquals(d.ddd(), TcpdumpFormat.decimal(p), "-ddd");
            assertEquals(p, TcpdumpFormat.parse(d.dd()), "parse(-dd)");
            // libpcap leaves k set on some k-less instructions (tax, sub x), which -d hides: compare as text.
            assertEquals(d.d(), TcpdumpFormat.listing(TcpdumpFormat.parseListing(d.d())), "listing(parseListing(-d))");
            assertEquals(p, TcpdumpFormat.parse(TcpdumpFormat.commaSeparated(p)), "parse(comma form)");
            assertEquals(p, ClassicProgram.decode(p.encode()), "decode(encode)");
            ClassicValidator.validate(p);
        }));
    }

    @TestFactory
    Stream<DynamicTest> goldenDumpsMatchLiveTcpdump() {
        return dumps().stream().map(d -> DynamicTest.dynamicTest(d.toString(), () -> {
            LibpcapSupport.assumeTcpdump();
            for (String opt : new String[] {"-d", "-dd", "-ddd"}) {
                List<String> args = new ArrayList<>(List.of(opt, "-y", d.linkType(), "-s",
                        Integer.toString(d.snaplen())));
                if (!d.optimize()) {
                    args.add("-O");
                }
                args.add("--");
                args.add(d.expr());
                String live = LibpcapSupport.tcpdump(args.toArray(new String[0]));
                String golden = opt.equals("-d") ? d.d() : opt.equals("-dd") ? d.dd() : d.ddd();
                assertEquals(golden, live, opt + " differs from the system's tcpdump: rerun gen-tcpdump-golden.sh");
            }
        }));
    }

    /** parseListing(listing(p)) == p for random programs whose k-less instructions have k = 0. */
    @Test
    void listingRoundTripsRandomPrograms() {
        for (long seed = 1; seed <= 300; seed++) {
            ClassicProgram random = RandomClassicPrograms.program(new java.util.Random(seed), 60);
            List<ClassicInsn> canonical = new ArrayList<>();
            for (ClassicInsn insn : random.insns()) {
                ClassicOp.Operand form = insn.op().operand();
                boolean hidesK = form == ClassicOp.Operand.NONE || form == ClassicOp.Operand.X
                        || form == ClassicOp.Operand.LEN || form == ClassicOp.Operand.UNIMP;
                canonical.add(hidesK ? insn.withK(0) : insn);
            }
            ClassicProgram p = ClassicProgram.of(canonical);
            assertEquals(p, TcpdumpFormat.parseListing(TcpdumpFormat.listing(p)), "seed " + seed);
        }
        ClassicProgram anc = ClassicProgram.of(ClassicInsn.ldb(Ancillary.VLAN_TAG.k()), ClassicInsn.ld(-4032),
                ClassicInsn.of(0x81, 0, 0, 0), ClassicInsn.retA());
        assertEquals(anc, TcpdumpFormat.parseListing(TcpdumpFormat.listing(anc)));
    }

    @Test
    void listingErrorsNameTheLine() {
        record Bad(String text, String message) { }
        for (Bad b : List.of(
                new Bad("(000) ldh      [12]\n(002) ret      #0\n", "line 2: instruction number (002) is not 1"),
                new Bad("(000) frob     [12]\n", "line 1: no instruction 'frob' with operand '[12]'"),
                new Bad("(000) ldh      #pktlen\n", "line 1: no instruction 'ldh' with operand '#pktlen'"),
                new Bad("ldh [12]\n", "line 1: not a tcpdump -d line"),
                new Bad("(000) jeq      #0x1             jt 0\tjf 1\n", "line 1: branch targets"),
                new Bad("(000) ldh      [zz]\n", "line 1: 'zz' is not a number"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TcpdumpFormat.parseListing(b.text()), b.text());
            assertTrue(e.getMessage().startsWith(b.message()), "got: " + e.getMessage());
        }
    }

    @Test
    void parseErrorsNameTheLine() {
        record Bad(String text, String message) { }
        List<Bad> cases = List.of(
                new Bad("2\n40 0 0 12\n", "line 1: count says 2 instructions but 1 follow"),
                new Bad("1\n40 0 12\n", "line 2: expected 4 fields"),
                new Bad("1\n40 0 x 12\n", "line 2: 'x' is not a number"),
                new Bad("1\n40 0 256 12\n", "line 2: 256 is out of range 0..255"),
                new Bad("1\n40 0 0 4294967296\n", "line 2: 4294967296 is out of range"),
                new Bad("{ 0x28, 0, 0, 0x0000000c },\nld [12]\n", "line 2, column 1: expected '{ code, jt, jf, k },'"),
                new Bad("{ 0x28, 0, 0 },\n", "line 1: expected 4 fields"),
                new Bad("2,40 0 0 12", "line 1: count says 2"),
                new Bad("", "line 1: empty program text"));
        for (Bad b : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TcpdumpFormat.parse(b.text()),
                    b.text());
            assertTrue(e.getMessage().startsWith(b.message()), "got: " + e.getMessage() + " wanted: " + b.message());
        }
    }

    @Test
    void parsesTheKernelCommaFormAndBlankLines() {
        ClassicProgram p = TcpdumpFormat.parse("4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0\n");
        assertEquals(TcpdumpFormat.parse("\n4\n40 0 0 12\n\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n"), p);
        assertEquals("(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #262144\n"
                + "(003) ret      #0\n", p.toString());
        assertEquals(ClassicInsn.ret(-1), TcpdumpFormat.parse("1\n6 0 0 4294967295").get(0));
    }

    @Test
    void decodeRejectsPartialInstructions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassicProgram.decode(new byte[12]));
        assertTrue(e.getMessage().contains("4 trailing bytes at offset 8"), e.getMessage());
    }
}
