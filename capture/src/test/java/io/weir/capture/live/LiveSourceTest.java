package io.weir.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real captures on the loopback interface: the kernel prefilter, the reusable packet view, the counters. */
class LiveSourceTest {

    /** UDP port of the IPv4 datagram in an Ethernet frame (lo is EN10MB), or -1. */
    private static int udpDstPort(Packet p) {
        if (p.capLen() < 14 + 20 + 8 || p.u8(12) != 0x08 || p.u8(13) != 0x00 || p.u8(23) != 17) {
            return -1;
        }
        int ihl = (p.u8(14) & 0x0F) * 4;
        return p.u8(14 + ihl + 2) << 8 | p.u8(14 + ihl + 3);
    }

    @Test
    @Timeout(30)
    void kernelFilterDeliversExactlyTheMatchingDatagrams() throws Exception {
        LiveTestSupport.requireLiveCapture();
        int port = LiveTestSupport.freeUdpPort();
        int n = 25;
        try (LiveSource s = LiveSource.open(LiveOptions.builder("lo").immediate(true).timeoutMillis(50)
                // In immediate mode libpcap uses one ring frame per packet, each as large as the snapshot length:
                // libpcap's default 2 MiB ring holds only a few of the burst below, hence a larger buffer.
                .bufferBytes(32 << 20).build())) {
            assertEquals(LinkType.ETHERNET, s.captureInterface().linkType());
            assertEquals(LinkType.MAXIMUM_SNAPLEN, s.captureInterface().snapLen());
            s.setKernelFilter("udp and dst port " + port);
            LiveTestSupport.sendUdp(port + 1 == 65536 ? port - 1 : port + 1, 7, 10);   // rejected: another port
            LiveTestSupport.tcpTraffic(3);                                              // rejected: TCP
            LiveTestSupport.sendUdp(port, n, 100);
            List<Integer> firstBytes = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            Packet view = s.packet();
            // Read until the deadline, not until n: a packet too many must show up as a failure.
            while (System.nanoTime() < deadline && firstBytes.size() <= n) {
                if (s.next()) {
                    Packet p = s.packet();
                    assertTrue(p == view, "one reusable view");
                    assertEquals(port, udpDstPort(p), "only matching datagrams pass the kernel filter");
                    assertEquals(14 + 20 + 8 + 100, p.capLen());
                    assertEquals(p.capLen(), p.wireLen());
                    long now = System.currentTimeMillis() * 1_000_000L;
                    assertTrue(Math.abs(now - p.timestampNanos()) < 60_000_000_000L, "time stamp near now");
                    firstBytes.add(p.u8(14 + 20 + 8));
                    if (firstBytes.size() == n) {
                        deadline = Math.min(deadline, System.nanoTime() + 300_000_000L);   // wait a bit for extras
                    }
                }
            }
            assertEquals(n, firstBytes.size(), "datagrams captured " + firstBytes + ", " + s.stats());
            for (int i = 0; i < n; i++) {
                assertEquals(i, firstBytes.get(i), "datagrams in order");
            }
            LiveStats st = s.stats();
            assertTrue(st.received() >= n, "received by filter: " + st);
            assertEquals(0, st.droppedByKernel(), st.toString());
        }
    }

    @Test
    @Timeout(30)
    void nanosecondTimeStampsAndBreakLoop() throws Exception {
        LiveTestSupport.requireLiveCapture();
        int port = LiveTestSupport.freeUdpPort();
        try (LiveSource s = LiveSource.open(LiveOptions.builder("lo").nanos(true).snapLen(60).immediate(true)
                .build())) {
            assertEquals(9, s.captureInterface().tsResolCode());
            s.setKernelFilter("udp dst port " + port);
            LiveTestSupport.sendUdp(port, 1, 500);
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean got = false;
            while (!got && System.nanoTime() < deadline) {
                got = s.next();
            }
            assertTrue(got, "the datagram arrives");
            // libpcap on Linux may keep a little less than asked (it reserves room for a VLAN tag it could insert).
            int cap = s.packet().capLen();
            assertTrue(cap <= 60 && cap >= 54, "snapshot length applied: " + cap);
            assertEquals(14 + 20 + 8 + 500, s.packet().wireLen());
            s.breakLoop();
            long t0 = System.nanoTime();
            assertTrue(!s.next(), "next() after breakLoop");
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "breakLoop does not wait for the timeout");
        }
    }

    @Test
    void badKernelFilterIsReportedWithLibpcapsMessage() throws Exception {
        LiveTestSupport.requireLiveCapture();
        try (LiveSource s = LiveSource.open(LiveOptions.builder("lo").build())) {
            LiveCaptureException e = assertThrows(LiveCaptureException.class, () -> s.setKernelFilter("udp port"));
            assertEquals(LiveCaptureException.Kind.BAD_FILTER, e.kind());
            assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
        }
    }

    @Test
    void unknownDeviceIsOneClearLine() {
        LiveTestSupport.requireLiveCapture();
        LiveCaptureException e = assertThrows(LiveCaptureException.class,
                () -> LiveSource.open(LiveOptions.builder("weirnosuch0").build()));
        assertEquals(LiveCaptureException.Kind.NO_DEVICE, e.kind());
        assertEquals("weirnosuch0: No such device exists", e.getMessage());
    }
}
