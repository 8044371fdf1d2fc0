package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weir.capture.live.LiveCaptureException;
import io.weir.capture.live.LiveOptions;
import io.weir.capture.live.LiveSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code weir flows -i lo}: live counting on the loopback interface with periodic views and {@code -c}. Needs
 * libpcap and the permission to capture (root or CAP_NET_RAW): skipped with the reason when either is missing,
 * failed instead when {@code -Dweir.requireLibpcap=true} (CI).
 */
class FlowsLiveTest {
    private static final int DATAGRAMS = 30;

    private static void requireLiveCapture() {
        String why = null;
        try {
            LiveSource.open(LiveOptions.builder("lo").build()).close();
        } catch (LiveCaptureException e) {
            why = e.getMessage();
        }
        if (why != null) {
            if (Boolean.getBoolean("weir.requireLibpcap")) {
                fail("weir.requireLibpcap=true but " + why);
            }
            assumeTrue(false, "skipped: " + why);
        }
    }

    /** UDP datagrams to one port on loopback: one flow of DATAGRAMS packets; -c ends the run; views came before. */
    @Test
    void countsALoopbackFlowWithViewsUntilTheCount() throws Exception {
        requireLiveCapture();
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(lo, 0));
                DatagramSocket sender = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            int port = receiver.getLocalPort();
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(o, true, StandardCharsets.UTF_8);
            AtomicInteger status = new AtomicInteger(-1);
            Thread t = new Thread(() -> status.set(FlowsCommand.run(new String[] {"-i", "lo", "--interval", "0.2",
                "-c", "" + DATAGRAMS, "udp dst port " + port}, out, new PrintStream(e, true, StandardCharsets.UTF_8))));
            t.start();
            long deadline = System.currentTimeMillis() + 20_000;
            while (!e.toString(StandardCharsets.UTF_8).contains("listening on") && t.isAlive()) {
                assertTrue(System.currentTimeMillis() < deadline, "capture did not start: " + e);
                Thread.sleep(20);
            }
            Thread.sleep(300);   // a view or two of an empty table
            byte[] payload = "weir flows live".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < DATAGRAMS; i++) {
                sender.send(new DatagramPacket(payload, payload.length, lo, port));
                Thread.sleep(10);
            }
            t.join(20_000);
            assertEquals(0, status.get(), "status; stderr: " + e);
            String text = o.toString(StandardCharsets.UTF_8);
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
