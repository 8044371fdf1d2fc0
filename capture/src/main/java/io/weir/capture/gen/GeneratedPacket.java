package io.weir.capture.gen;

/**
 * One generated packet before link-layer framing: the network-layer bytes (what follows the EtherType), the
 * EtherType, up to two VLAN tags, the MAC addresses and the time stamp. Reused by {@link TrafficGenerator} for
 * every packet; {@link Framing} turns it into a frame of a given link type.
 */
public final class GeneratedPacket {
    /** Largest network-layer packet the generator makes (a jumbo-ish UDP datagram fragment stays below). */
    public static final int MAX_L3 = 9216;

    final byte[] l3 = new byte[MAX_L3];
    int l3Len;
    int etherType;
    int vlanCount;
    final int[] vlanTpid = new int[2];
    final int[] vlanTci = new int[2];
    final byte[] srcMac = new byte[6];
    final byte[] dstMac = new byte[6];
    long timestampNanos;
    /** Linux packet type for cooked captures: 0 to us, 1 broadcast, 2 multicast, 4 outgoing. */
    int packetType;

    GeneratedPacket() {}

    /** EtherType of the network layer (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP). */
    public int etherType() {
        return etherType;
    }

    /** Number of VLAN tags (0, 1, or 2 for QinQ) on Ethernet framings. */
    public int vlanCount() {
        return vlanCount;
    }

    /** Length of the network-layer bytes. */
    public int l3Length() {
        return l3Len;
    }

    /** Time stamp in nanoseconds since the epoch. */
    public long timestampNanos() {
        return timestampNanos;
    }
}
