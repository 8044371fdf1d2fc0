package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weir.compiler.lower.LinkLayer;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What the handle changes (libpcap's {@code rfile} and {@code swapped}): the address-family words a NULL/LOOP
 * program compares, for a dead handle and for savefiles of each byte order, checked against a table and, when
 * libpcap is there, against libpcap's own program, which must be identical; and the error for link types Weir
 * does not compile for.
 */
class LinkTypeOptionsTest {
    /** {@code order} null: a dead handle. {@code words}: the constants compared with [0], in program order. */
    record Case(String expr, int linkType, ByteOrder order, int... words) {
    }

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    static final List<Case> CASES = List.of(
            new Case("ip", LinkLayer.NULL, null, 0x02000000),
            new Case("ip", LinkLayer.NULL, LE, 0x02000000),
            new Case("ip", LinkLayer.NULL, BE, 0x00000002),
            new Case("ip", LinkLayer.LOOP, BE, 0x00000002),
            new Case("ip", LinkLayer.LOOP, LE, 0x00000002),
            new Case("ip6", LinkLayer.NULL, null, 0x0a000000),
            new Case("ip6", LinkLayer.NULL, LE, 0x1e000000, 0x18000000, 0x1c000000),
            new Case("ip6", LinkLayer.NULL, BE, 30, 24, 28),
            new Case("ip6", LinkLayer.LOOP, null, 10),
            new Case("ip6", LinkLayer.LOOP, LE, 30, 24, 28),
            new Case("ip or ip6", LinkLayer.NULL, LE, 0x02000000, 0x1e000000, 0x18000000, 0x1c000000),
            new Case("ip6 or ip", LinkLayer.NULL, BE, 30, 24, 28, 2));

    @TestFactory
    Stream<DynamicTest> addressFamilies() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.expr + " on " + c.linkType + " "
                + (c.order == null ? "dead" : "savefile " + c.order), () -> check(c)));
    }

    private static void check(Case c) throws FilterSyntaxException {
        CompileOptions o = c.order == null ? CompileOptions.DEAD : CompileOptions.savefile(c.order);
        ClassicProgram p = FilterCompiler.compile(c.expr, c.linkType, DifferentialCheck.SNAPLEN, o);
        List<Integer> words = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            ClassicInsn in = p.get(i);
            if (in.code() == 0x15) {   // jeq #k
                words.add(in.k());
            }
        }
        List<Integer> want = new ArrayList<>();
        for (int w : c.words) {
            want.add(w);
        }
        assertEquals(want, words, TcpdumpFormat.listing(p));
        if (LibPcap.available()) {
            ClassicProgram ref = c.order == null ? LibPcap.compile(c.expr, c.linkType, DifferentialCheck.SNAPLEN)
                    : LibPcap.compileSavefile(c.expr, c.linkType, DifferentialCheck.SNAPLEN, c.order);
            assertEquals(TcpdumpFormat.listing(ref), TcpdumpFormat.listing(p), "libpcap's program");
        }
    }

    @Test
    void savefileOptions() {
        assertEquals(false, CompileOptions.DEAD.isSavefile());
        assertEquals(true, CompileOptions.savefile(BE).isSavefile());
        assertEquals(ByteOrder.nativeOrder() != BE, CompileOptions.savefile(BE).swapped());
        assertEquals(false, CompileOptions.savefile(ByteOrder.nativeOrder()).swapped());
    }

    /** {link type, libpcap's message}. */
    static final Object[][] UNSUPPORTED = {
        {239, "NFLOG link-layer type filtering not implemented"},
        {189, "USB link-layer type filtering not implemented"},
        {9999, "DLT 9999 link-layer type filtering not implemented"},
    };

    @Test
    void unsupportedLinkTypesAreTypedErrors() {
        for (Object[] u : UNSUPPORTED) {
            int lt = (Integer) u[0];
            UnsupportedLinkTypeException e = assertThrows(UnsupportedLinkTypeException.class,
                    () -> FilterCompiler.compile("ip", lt, DifferentialCheck.SNAPLEN));
            assertEquals(u[1], e.getMessage());
            assertEquals(lt, e.linkType());
        }
    }
}
