package io.weir.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code tcpdump -D}'s line format, from a table and against the real tcpdump when it is installed. */
class LiveInterfaceTest {

    @Test
    void linesAsTcpdumpPrintsThem() {
        Object[][] table = {
            // flags, description, expected line
            {LiveInterface.UP | LiveInterface.RUNNING | 0x10, null, "1.x [Up, Running, Connected]"},
            {LiveInterface.UP | LiveInterface.RUNNING | 0x30, "Pseudo-device", "1.x (Pseudo-device) [Up, Running]"},
            {LiveInterface.UP | LiveInterface.RUNNING | LiveInterface.LOOPBACK | 0x30, null,
                "1.x [Up, Running, Loopback]"},
            {0x30, null, "1.x [none]"},
            {LiveInterface.WIRELESS, "Bluetooth", "1.x (Bluetooth) [Wireless, Association status unknown]"},
            {LiveInterface.WIRELESS | 0x30, "Bluetooth", "1.x (Bluetooth) [Wireless]"},
            {LiveInterface.WIRELESS | 0x20 | LiveInterface.UP, null, "1.x [Up, Wireless, Not associated]"},
            {LiveInterface.UP | 0x20, null, "1.x [Up, Disconnected]"},
            {LiveInterface.UP, null, "1.x [Up, Connection status unknown]"},
            {0, "d", "1.x (d)"},
        };
        for (Object[] row : table) {
            assertEquals(row[2], new LiveInterface(1, "x", (String) row[1], (Integer) row[0]).tcpdumpLine(),
                    "flags 0x" + Integer.toHexString((Integer) row[0]));
        }
    }

    @Test
    void sameListAsTcpdump() throws Exception {
        assumeTrue(new File("/usr/bin/tcpdump").canExecute() || Boolean.getBoolean("weir.requireLibpcap"),
                "skipped: tcpdump is not installed");
        LiveTestSupport.requireLiveCapture();
        Process p = new ProcessBuilder("tcpdump", "-D").redirectErrorStream(true).start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS), "tcpdump -D did not finish");
        List<LiveInterface> all = LiveSource.interfaces();
        StringBuilder actual = new StringBuilder();
        for (LiveInterface i : all) {
            actual.append(i.tcpdumpLine()).append('\n');
        }
        assertEquals(expected, actual.toString());
    }
}
