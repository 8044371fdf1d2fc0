package io.weir.netty.example;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends each argument as one datagram to 127.0.0.1 and reports whether it came back. Usage:
 * {@code UdpSend port message...}. Exits 0; prints one line per message ("echoed" or "no reply").
 */
public final class UdpSend {
    private UdpSend() {
    }

    /** Sends the messages; see the class documentation. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: UdpSend port message...");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        InetAddress host = InetAddress.getLoopbackAddress();
        try (DatagramSocket socket = new DatagramSocket(0, host)) {
            socket.setSoTimeout(500);
            byte[] reply = new byte[65_535];
            for (int i = 1; i < args.length; i++) {
                byte[] data = args[i].getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(data, data.length, host, port));
                DatagramPacket in = new DatagramPacket(reply, reply.length);
                try {
                    socket.receive(in);
                    System.out.println(args[i] + ": echoed \""
                            + new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8) + "\"");
                } catch (SocketTimeoutException e) {
                    System.out.println(args[i] + ": no reply (dropped by the filter?)");
                }
            }
        }
    }
}
