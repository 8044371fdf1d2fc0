package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weir.capture.PcapReader;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The expression-to-filter seam: every engine gives the classic interpreter's verdict on every packet. */
class FilterFactoryTest {
    private static final Path PCAPS = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps");

    /** {capture, expression}. */
    static List<Arguments> cases() {
        return List.of(
                Arguments.of("mixed-ether.pcap", "tcp port 80"),
                Arguments.of("mixed-ether.pcap", "vlan and (udp or icmp6)"),
                Arguments.of("mixed-ether.pcap", "ip[6:2] & 0x1fff != 0 or ip6[6] == 44"),
                Arguments.of("mixed-ether.pcap", "tcp[tcpflags] & tcp-syn != 0 and len > 60"),
                Arguments.of("mixed-sll.pcap", "udp port 53 or arp"),
                Arguments.of("mixed-sll2.pcap", "net 10.0.0.0/8 and not tcp"),
                Arguments.of("mixed-raw.pcap", "ip6 and icmp6[icmp6type] == icmp6-echoreply"),
                Arguments.of("mixed-null.pcap", "ip and (ip[0] & 0xf) > 5"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void everyEngineAgreesWithTheClassicInterpreter(String file, String expr) throws Exception {
        int linkType;
        try (PcapReader r = PcapReader.open(PCAPS.resolve(file))) {
            linkType = r.linkType();
        }
        ClassicProgram classic = FilterCompiler.compile(expr, linkType, 262144);
        Filter reference = ClassicInterpreter.of(classic);
        for (FilterFactory.Choice choice : FilterFactory.Choice.values()) {
            Filter f = FilterFactory.of(classic, choice);
            assertNotNull(f, choice.toString());
            long matches = 0;
            try (PcapReader r = PcapReader.open(PCAPS.resolve(file))) {
                while (r.next()) {
                    var p = r.packet();
                    boolean want = reference.run(p.buffer(), p.offset(), p.capLen(), p.wireLen()) != 0;
                    boolean got = f.run(p.buffer(), p.offset(), p.capLen(), p.wireLen()) != 0;
                    assertEquals(want, got, choice + " on packet " + p.number() + " of " + file + ": " + expr);
                    matches += got ? 1 : 0;
                }
            }
            WeirCommandTest.Run count = WeirCommandTest.run("-r", PCAPS.resolve(file).toString(), "--engine",
                    choice.name().toLowerCase(java.util.Locale.ROOT), "--count", expr);
            assertEquals(OfflineRun.packets(matches) + "\n", count.out(), choice + ": " + expr);
        }
    }

    /** --engine auto starts on the classic interpreter and switches to the JIT's filter once it is ready. */
    @Test
    void autoSwitchesToTheJitWithTheSameVerdicts() throws Exception {
        String expr = "tcp port 80 or udp port 53";
        PacketSelector auto = new PacketSelector(expr, ExtensionFlags.NONE, FilterFactory.Choice.AUTO);
        PacketSelector classic = new PacketSelector(expr, ExtensionFlags.NONE, FilterFactory.Choice.CLASSIC);
        boolean switched = false;
        for (int pass = 0; pass < 200 && !switched; pass++) {
            try (PcapReader r = PcapReader.open(PCAPS.resolve("mixed-ether.pcap"))) {
                while (r.next()) {
                    assertEquals(classic.matches(r.packet()), auto.matches(r.packet()), "pass " + pass);
                }
            }
            auto.startUpgradesNow();   // the JIT would start by itself after PacketSelector.HOT packets
            switched = !(auto.currentFilter() instanceof ClassicInterpreter);
            if (!switched) {
                Thread.sleep(20);
            }
        }
        assertEquals(true, switched, "never switched to the JIT's filter");
        assertNull(auto.backgroundFailure());
    }

    /** An expression that accepts everything costs no filter call: the factory returns null. */
    @Test
    void acceptAllNeedsNoFilter() throws FilterSyntaxException {
        assertNull(FilterFactory.create("", ExtensionFlags.NONE, 1, 262144, FilterFactory.Choice.AUTO));
        assertNotNull(FilterFactory.create("ip", ExtensionFlags.NONE, 1, 262144, FilterFactory.Choice.AUTO));
    }

    @Test
    void choices() {
        assertEquals(FilterFactory.Choice.JIT, FilterFactory.Choice.of("JIT"));
        assertEquals(FilterFactory.Choice.CLASSIC, FilterFactory.Choice.of("classic"));
        assertThrows(IllegalArgumentException.class, () -> FilterFactory.Choice.of("fast"));
    }

    @Test
    void unsupportedLinkTypeIsAnArgumentError() {
        assertThrows(IllegalArgumentException.class,
                () -> FilterFactory.create("ip", ExtensionFlags.NONE, 147, 262144, FilterFactory.Choice.AUTO));
    }
}
