package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.weir.compiler.FilterCompiler;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.jit.JitProgram;
import io.weir.engine.maps.BpfMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The filter sources (expression, classic, eBPF, clang object), their engines, verdicts and reach. */
class CompiledFilterTest extends LeakCheckedTest {
    static Stream<Arguments> reach() {
        return Stream.of(
                // expression, link type, reach (bytes of the packet the program can load)
                Arguments.of("", LinkTypes.RAW, 0),
                Arguments.of("ip", LinkTypes.RAW, 1),
                Arguments.of("ip", LinkTypes.EN10MB, 14),
                Arguments.of("ip[28:2] = 0", LinkTypes.RAW, 30),
                Arguments.of("ip6 and ip6[50] = 1", LinkTypes.RAW, 51),
                Arguments.of("udp port 53", LinkTypes.RAW, CompiledFilter.UNBOUNDED),
                Arguments.of("udp[10] & 0x80 = 0", LinkTypes.RAW, CompiledFilter.UNBOUNDED));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("reach")
    void reach(String expr, int linkType, int reach) throws Exception {
        assertEquals(reach, CompiledFilter.expression(expr, linkType).reach());
    }

    @Test
    void expressionsRunOnTheJitWhenItExists() throws Exception {
        CompiledFilter f = CompiledFilter.expression("udp", LinkTypes.RAW);
        assertEquals(Engines.available(Engine.JIT), f.filter() instanceof JitProgram, String.valueOf(f.filter()));
        CompiledFilter i = CompiledFilter.expression("udp", LinkTypes.RAW, Engine.INTERPRETER);
        assertFalse(i.filter() instanceof JitProgram);
        assertNull(CompiledFilter.expression("", LinkTypes.RAW).filter(), "accept-all: no filter call");
    }

    @Test
    void classicAndEbpfSourcesAgreeWithTheExpression() throws Exception {
        ClassicProgram p = FilterCompiler.compile("tcp", LinkTypes.EN10MB, 65535);
        byte[] tcp = Frames.ether(Frames.tcp("10.0.0.1", "10.0.0.2", 1, 2));
        byte[] udp = Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1, 2, ""));
        for (BpfFilterHandler h : new BpfFilterHandler[] {
            BpfFilterHandler.builder().classic(p).build(),
            BpfFilterHandler.builder().ebpf(FilterCompiler.compileEbpf("tcp", LinkTypes.EN10MB, 65535)).build(),
            BpfFilterHandler.builder().expression("tcp").engine(Engine.INTERPRETER).build()}) {
            EmbeddedChannel ch = new EmbeddedChannel(h);
            ch.writeInbound(Unpooled.wrappedBuffer(tcp), Unpooled.wrappedBuffer(udp));
            ((ByteBuf) ch.readInbound()).release();
            assertNull(ch.readInbound());
            assertEquals(1, h.matched(), h.toString());
            assertFalse(ch.finish());
        }
    }

    @Test
    void badExpressionsSayWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfFilterHandler.builder().expression("udp port banana").build());
        assertTrue(e.getMessage().contains("^"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BpfFilterHandler.builder().linkType(9999).expression("ip").build());
    }

    private static Path elf(String name) {
        String root = System.getProperty("weir.projectDir", ".");
        Path p = Path.of(root, "filter-engine", "src", "test", "resources", "elf", name);
        Assumptions.assumeTrue(Files.exists(p), "no clang-built fixture at " + p);
        return p;
    }

    @Test
    void socketObjectWithAMapReadFromJava() throws Exception {
        CompiledFilter f = CompiledFilter.object(elf("proto_count.o"), null, LinkTypes.EN10MB, Engine.AUTO);
        try {
            BpfFilterHandler h = BpfFilterHandler.builder().filter(f).build();
            EmbeddedChannel ch = new EmbeddedChannel(h);
            ch.writeInbound(Unpooled.wrappedBuffer(Frames.ether(Frames.tcp("10.0.0.1", "10.0.0.2", 1, 2))),
                    Unpooled.wrappedBuffer(Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1, 2, ""))),
                    Unpooled.wrappedBuffer(Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1, 2, ""))));
            ((ByteBuf) ch.readInbound()).release();
            assertNull(ch.readInbound());
            assertEquals(1, h.matched());
            BpfMap counts = f.map("proto_packets");
            assertEquals(2L, le64(counts.lookup(new byte[] {17, 0, 0, 0})));
            assertEquals(1L, le64(counts.lookup(new byte[] {6, 0, 0, 0})));
            assertFalse(ch.finish());
        } finally {
            f.close();
        }
    }

    @Test
    void classifierObjectDropsOnShot() throws Exception {
        // Global data (.rodata/.data as array maps) passes the verifier: strict loading accepts the object.
        CompiledFilter f = CompiledFilter.object(elf("global_data.o"), null, LinkTypes.EN10MB, Engine.AUTO);
        try {
            BpfFilterHandler h = BpfFilterHandler.builder().filter(f).build();
            EmbeddedChannel ch = new EmbeddedChannel(h);
            ch.writeInbound(Unpooled.wrappedBuffer(Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1, 53, "q"))),
                    Unpooled.wrappedBuffer(Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1, 54, "q"))));
            ByteBuf kept = ch.readInbound();
            assertEquals(54, kept.getUnsignedShort(14 + 20 + 2));
            kept.release();
            assertNull(ch.readInbound());
            assertEquals(1, h.missed());
            assertFalse(ch.finish());
        } finally {
            f.close();
        }
    }

    private static long le64(byte[] v) {
        long r = 0;
        for (int i = 7; i >= 0; i--) {
            r = (r << 8) | (v[i] & 0xff);
        }
        return r;
    }
}
