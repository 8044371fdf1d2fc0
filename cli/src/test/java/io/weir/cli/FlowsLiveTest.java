package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code weir flows -i lo}: live counting on the loopback interface with periodic views and {@code -c}. Needs
 * libpcap and the permission to capture (root or CAP_NET_RAW): skipped with the reason when either is missing,
 * failed instead when {@code -Dweir.requireLibpcap=true} (CI).
 */
class FlowsLiveTest {
    private static final int DATAGRAMS = 30;

    /** UDP datagrams to one port on loopback: one flow of DATAGRAMS packets; -c ends the run; views came before. */
    @Test
    void countsALoopbackFlowWithViewsUntilTheCount() throws Exception {
        LiveFixture.requireLiveCapture();
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(lo, 0));
                DatagramSocket sender = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            int port = receiver.getLocalPort();
            LiveFixture.Running flows = LiveFixture.Running.start((out, err) -> FlowsCommand.run(new String[] {"-i",
                "lo", "--interval", "0.2", "-c", "" + DATAGRAMS, "udp dst port " + port}, out, err));
            flows.awaitErrOrEnd("listening on", 20_000);
            Thread.sleep(300);   // a view or two of an empty table
            byte[] payload = "weir flows live".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < DATAGRAMS; i++) {
                sender.send(new DatagramPacket(payload, payload.length, lo, port));
                Thread.sleep(10);
            }
            assertEquals(0, flows.join(20_000), "status; stderr: " + flows.err());
            String text = flows.out();
            String[] tables = text.split("\n\n");
            assertTrue(tables.length >= 2, "periodic views before the final table:\n" + text);
            String last = tables[tables.length - 1];
            assertTrue(last.contains("udp 127.0.0.1:" + sender.getLocalPort() + " > 127.0.0.1:" + port), last);
            assertTrue(last.contains("matched " + DATAGRAMS + " "), last);
            assertTrue(last.contains("counted " + DATAGRAMS + " "), last);
        }
    }

    @Test
    void liveRejectsReadOnlyOptions() {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int s = FlowsCommand.run(new String[] {"-i", "lo", "--threads", "2"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(1, s);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("not supported with -i"), e.toString());
    }
}
