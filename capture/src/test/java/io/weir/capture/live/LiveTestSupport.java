package io.weir.capture.live;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the live tests share: the decision to run or skip (root and libpcap needed; with
 * {@code -Dweir.requireLibpcap=true}, as in CI, a missing one fails instead) and bounded loopback traffic.
 */
final class LiveTestSupport {
    private LiveTestSupport() {}

    /** Skips (or fails in CI) unless this process may capture on {@code lo}. */
    static void requireLiveCapture() {
        boolean required = Boolean.getBoolean("weir.requireLibpcap");
        String why = null;
        if (!isRoot()) {
            why = "live capture needs root or CAP_NET_RAW";
        } else {
            try {
                LiveSource.interfaces();
            } catch (LiveCaptureException e) {
                why = e.getMessage();
            }
        }
        if (why != null) {
            if (required) {
                fail("weir.requireLibpcap=true but " + why);
            }
            assumeTrue(false, "skipped: " + why);
        }
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");   // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** A free UDP port on 127.0.0.1 (bound once, then released). */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** Sends {@code n} datagrams of {@code size} bytes to 127.0.0.1:{@code port}. */
    static void sendUdp(int port, int n, int size) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] payload = new byte[size];
            for (int i = 0; i < n; i++) {
                payload[0] = (byte) i;
                s.send(new DatagramPacket(payload, size, InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    /** Opens {@code n} TCP connections to a local server, each writing a few bytes: traffic a UDP filter rejects. */
    static void tcpTraffic(int n) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(2000);
            for (int i = 0; i < n; i++) {
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                        Socket a = server.accept()) {
                    c.getOutputStream().write(new byte[] {1, 2, 3});
                    a.getInputStream().read();
                }
            }
        }
    }
}
