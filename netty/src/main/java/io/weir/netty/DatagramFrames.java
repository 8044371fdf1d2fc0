package io.weir.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Shows a {@code DatagramPacket} to a filter as the IPv4 or IPv6 + UDP packet it arrived in: a synthetic link,
 * IP and UDP header built from the sender and recipient addresses, followed by a copy of the payload bytes the
 * filter can reach, all in one per-thread buffer that is reused for every datagram.
 *
 * <p>What is copied per datagram: the header (14 to 20 bytes of link header, 20 or 40 of IP, 8 of UDP) and
 * {@code min(payload, reach - header)} payload bytes, where {@code reach} is the furthest byte the program loads
 * at a constant offset; a program that loads at a computed offset (most {@code udp[...]} expressions, since the
 * IPv4 header length varies) sees the whole payload. The wire length is always the full datagram's, so a
 * truncated copy behaves like a capture with a snap length. IPv4 addresses are read without allocating; an IPv6
 * address costs one 16-byte copy unless it is the same object as the last sender (recipient) seen on this thread.
 *
 * <p>The IP header carries TTL 64, no options, zero identification and zero checksums (a filter can test them,
 * but they describe no real packet). A missing address (an outbound packet without a sender) is the unspecified
 * address, port 0. When one address is IPv6 and the other IPv4, the IPv4 one is mapped ({@code ::ffff:a.b.c.d}).
 */
final class DatagramFrames {
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final int PROTO_UDP = 17;
    private static final int MAX_IP_LENGTH = 65_535;

    /** Whether Inet4Address.hashCode() is the address, as in every OpenJDK: read once, checked here. */
    private static final boolean HASH_IS_ADDRESS = hashIsAddress();

    /** The per-thread buffer and the IPv6 address cache. */
    static final class Scratch {
        byte[] bytes = new byte[2048];
        /** The last IPv6 sender [0] and recipient [1] seen on this thread, and their bytes. */
        private final InetAddress[] lastV6 = new InetAddress[2];
        private final byte[][] lastV6Bytes = new byte[2][];

        byte[] ensure(int n) {
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, bytes.length * 2)];
            }
            return bytes;
        }
    }

    private DatagramFrames() {
    }

    /**
     * Fills {@code scratch} with the frame of {@code packet} for a filter of {@code linkType} reaching
     * {@code reach} bytes and points {@code view} at it.
     *
     * @throws UnsupportedOperationException when frames of {@code linkType} cannot be synthesised
     */
    static void frame(DatagramPacket packet, int linkType, int reach, Scratch scratch, PacketView view) {
        int link = LinkTypes.datagramHeaderLength(linkType);
        if (link < 0) {
            throw new UnsupportedOperationException("cannot show a DatagramPacket as a packet of link type "
                    + linkType + " (use RAW, EN10MB, LINUX_SLL or LINUX_SLL2)");
        }
        InetSocketAddress src = packet.sender();
        InetSocketAddress dst = packet.recipient();
        InetAddress srcIp = src == null ? null : src.getAddress();
        InetAddress dstIp = dst == null ? null : dst.getAddress();
        boolean v6 = srcIp instanceof Inet6Address || dstIp instanceof Inet6Address;
        ByteBuf content = packet.content();
        int payload = content.readableBytes();
        int ipHeader = v6 ? IPV6_HEADER : IPV4_HEADER;
        int header = link + ipHeader + UDP_HEADER;
        int copy = (int) Math.max(0, Math.min(payload, (long) reach - header));
        byte[] out = scratch.ensure(header + copy);
        LinkTypes.writeDatagramHeader(linkType, out, v6);
        int udpLength = Math.min(UDP_HEADER + payload, MAX_IP_LENGTH);
        int ip = link;
        if (v6) {
            out[ip] = 0x60;
            out[ip + 1] = 0;
            out[ip + 2] = 0;
            out[ip + 3] = 0;
            putShort(out, ip + 4, udpLength);
            out[ip + 6] = PROTO_UDP;
            out[ip + 7] = 64;
            putV6(out, ip + 8, srcIp, scratch, 0);
            putV6(out, ip + 24, dstIp, scratch, 1);
        } else {
            out[ip] = 0x45;
            out[ip + 1] = 0;
            putShort(out, ip + 2, Math.min(IPV4_HEADER + UDP_HEADER + payload, MAX_IP_LENGTH));
            putShort(out, ip + 4, 0);
            putShort(out, ip + 6, 0);
            out[ip + 8] = 64;
            out[ip + 9] = PROTO_UDP;
            putShort(out, ip + 10, 0);
            putInt(out, ip + 12, v4(srcIp));
            putInt(out, ip + 16, v4(dstIp));
        }
        int udp = ip + ipHeader;
        putShort(out, udp, src == null ? 0 : src.getPort());
        putShort(out, udp + 2, dst == null ? 0 : dst.getPort());
        putShort(out, udp + 4, udpLength);
        putShort(out, udp + 6, 0);
        if (copy > 0) {
            content.getBytes(content.readerIndex(), out, header, copy);
        }
        view.set(out, 0, header + copy, header + payload);
    }

    private static int v4(InetAddress a) {
        if (a == null) {
            return 0;
        }
        if (HASH_IS_ADDRESS) {
            return a.hashCode();
        }
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static void putV6(byte[] out, int at, InetAddress a, Scratch scratch, int slot) {
        if (a == null) {
            for (int i = 0; i < 16; i++) {
                out[at + i] = 0;
            }
        } else if (a instanceof Inet4Address) {
            for (int i = 0; i < 10; i++) {
                out[at + i] = 0;
            }
            out[at + 10] = (byte) 0xff;
            out[at + 11] = (byte) 0xff;
            putInt(out, at + 12, v4(a));
        } else {
            if (a != scratch.lastV6[slot]) {
                scratch.lastV6Bytes[slot] = a.getAddress();
                scratch.lastV6[slot] = a;
            }
            System.arraycopy(scratch.lastV6Bytes[slot], 0, out, at, 16);
        }
    }

    private static void putShort(byte[] out, int at, int v) {
        out[at] = (byte) (v >>> 8);
        out[at + 1] = (byte) v;
    }

    private static void putInt(byte[] out, int at, int v) {
        out[at] = (byte) (v >>> 24);
        out[at + 1] = (byte) (v >>> 16);
        out[at + 2] = (byte) (v >>> 8);
        out[at + 3] = (byte) v;
    }

    private static boolean hashIsAddress() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 7, 9}).hashCode() == 0xc0a80709;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
