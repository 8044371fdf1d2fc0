package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * 802.11 against libpcap: every expression of {@code differential/wlan.txt} on IEEE802_11, radiotap, PPI,
 * Prism and AVS frames of {@link Wlan80211} (every frame kind, radio headers of varying lengths, padded and
 * truncated) and the shared captures, and on Ethernet and Linux cooked, where the 802.11 primitives must be
 * rejected as libpcap rejects them. Compiled for a dead handle and, on the link types with captures, for a
 * savefile.
 */
class WlanDifferentialTest {
    static final int[] WLAN = {105, 119, 127, 163, 192};
    private static final int[] OTHERS = {1, 113};

    @TestFactory
    Stream<DynamicTest> wlanAgreesWithLibpcap() throws IOException {
        List<String> exprs = DifferentialCheck.expressions("/differential/wlan.txt");
        assertTrue(exprs.size() >= 60, "table has " + exprs.size() + " expressions");
        return exprs.stream().map(e -> DynamicTest.dynamicTest(e, () -> {
            Map<Integer, List<TestPackets.Pkt>> packets = LinkPackets.of(WLAN);
            DifferentialCheck.check(e, true, null, WLAN, packets);
            int[] captured = java.util.Arrays.stream(WLAN).filter(x -> LinkPackets.captured().contains(x)).toArray();
            DifferentialCheck.check(e, false, ByteOrder.LITTLE_ENDIAN, captured, packets);
            DifferentialCheck.check(e, true, null, OTHERS);
        }));
    }
}
