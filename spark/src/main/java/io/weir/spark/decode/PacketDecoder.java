package io.weir.spark.decode;

import java.nio.ByteBuffer;

/**
 * Decodes the fields the packet table exposes ({@code eth_type}, {@code vlan}, {@code ip_version}, addresses,
 * {@code ip_proto}, ports, {@code tcp_flags}) from one packet, in place: one decoder per reader thread,
 * {@link #decode} overwrites the previous packet's fields and allocates nothing.
 *
 * <p>Link types: EN10MB (with any stack of 802.1Q / 802.1ad / QinQ tags), LINUX_SLL, LINUX_SLL2, RAW (101, and
 * the DLT values 12 and 14), IPV4 (228), IPV6 (229), NULL and LOOP. Anything else decodes to "no fields".
 *
 * <p>Meaning, chosen to match what tcpdump's primitives test, so that the reader's BPF pushdown can be checked
 * against it (see {@code PredicatePushdown}):
 * <ul>
 *   <li>{@code eth_type}: the EtherType after the VLAN tags (EN10MB), the protocol field (SLL, SLL2); absent for
 *       802.3 length fields and for link types without one.</li>
 *   <li>{@code vlan}: the outermost tag's VLAN id; absent when untagged.</li>
 *   <li>{@code ip_proto}: IPv4's protocol; for IPv6 the header after the extension headers (hop-by-hop,
 *       routing, fragment, destination options, AH, mobility, HIP, shim6), absent when the chain is cut short.</li>
 *   <li>ports: TCP, UDP and SCTP only (as {@code port} in tcpdump), absent on non-first fragments (IPv4 offset
 *       non-zero, IPv6 fragment header with a non-zero offset) and on truncated headers; {@code tcp_flags} the
 *       TCP flags byte (13).</li>
 * </ul>
 * ICMP type and code are kept (for the Community ID) but are not ports.
 */
public final class PacketDecoder {
    /** Link types (LINKTYPE_* and the DLT aliases files use). */
    private static final int NULL = 0;
    private static final int EN10MB = 1;
    private static final int DLT_RAW = 12;
    private static final int DLT_RAW_BSD = 14;
    private static final int RAW = 101;
    private static final int LOOP = 108;
    private static final int LINUX_SLL = 113;
    private static final int IPV4 = 228;
    private static final int IPV6 = 229;
    private static final int LINUX_SLL2 = 276;

    /** TPIDs of VLAN tags, as libpcap's {@code vlan} primitive knows them. */
    private static final int TPID_8021Q = 0x8100;
    private static final int TPID_8021AD = 0x88a8;
    private static final int TPID_QINQ = 0x9100;
    /** Tags followed before giving up: deeper stacks do not occur, and the bound keeps hostile input cheap. */
    private static final int MAX_TAGS = 8;
    /** IPv6 extension headers followed before giving up. */
    private static final int MAX_EXT_HEADERS = 16;

    private ByteBuffer buf;
    private int ethType;
    private int vlan;
    private int ipVersion;
    private int ipAt;
    private int srcAt;
    private int dstAt;
    private int ipProto;
    private int srcPort;
    private int dstPort;
    private int tcpFlags;
    private int icmpType;
    private int icmpCode;

    /** A decoder; fields read "absent" until the first {@link #decode}. */
    public PacketDecoder() {
        clear();
    }

    private void clear() {
        ethType = -1;
        vlan = -1;
        ipVersion = -1;
        ipAt = -1;
        srcAt = -1;
        dstAt = -1;
        ipProto = -1;
        srcPort = -1;
        dstPort = -1;
        tcpFlags = -1;
        icmpType = -1;
        icmpCode = -1;
    }

    /**
     * Decodes {@code capLen} bytes of {@code b} from absolute index {@code off} (big-endian reads, the buffer's
     * position and limit ignored) as a packet of {@code linkType}.
     */
    public void decode(ByteBuffer b, int off, int capLen, int linkType) {
        clear();
        buf = b;
        int end = off + capLen;
        switch (linkType) {
            case EN10MB -> ethernet(off, end);
            case LINUX_SLL -> {
                if (end - off >= 16) {
                    ethType = u16(off + 14);
                    network(ethType, off + 16, end);
                }
            }
            case LINUX_SLL2 -> {
                if (end - off >= 20) {
                    ethType = u16(off);
                    network(ethType, off + 20, end);
                }
            }
            case RAW, DLT_RAW, DLT_RAW_BSD -> {
                if (end - off >= 1) {
                    int v = u8(off) >>> 4;
                    if (v == 4) {
                        ipv4(off, end);
                    } else if (v == 6) {
                        ipv6(off, end);
                    }
                }
            }
            case IPV4 -> ipv4(off, end);
            case IPV6 -> ipv6(off, end);
            case NULL, LOOP -> {
                if (end - off >= 4) {
                    family(linkType == LOOP ? buf.getInt(off) : hostOrderFamily(off), off + 4, end);
                }
            }
            default -> { }
        }
    }

    /**
     * DLT_NULL's family is in the capturing host's byte order: a small number read either way. IPv6 is one of
     * the BSD values (24, 28, 30) only, as libpcap's {@code ip6} tests a savefile (Linux's 10 never occurs).
     */
    private int hostOrderFamily(int at) {
        int be = buf.getInt(at);
        return (be & 0xFFFF) == 0 ? Integer.reverseBytes(be) : be;
    }

    private void family(int af, int at, int end) {
        if (af == 2) {
            ipv4(at, end);
        } else if (af == 24 || af == 28 || af == 30) {
            ipv6(at, end);
        }
    }

    private void ethernet(int off, int end) {
        if (end - off < 14) {
            return;
        }
        int at = off + 12;
        int type = u16(at);
        for (int tags = 0; isTag(type) && tags < MAX_TAGS; tags++) {
            if (end - at < 6) {
                return;
            }
            if (vlan < 0) {
                vlan = u16(at + 2) & 0x0FFF;
            }
            at += 4;
            type = u16(at);
        }
        if (type <= 1500) {
            return;   // an 802.3 length field: LLC follows, no EtherType
        }
        ethType = type;
        if (!isTag(type)) {
            network(type, at + 2, end);
        }
    }

    private static boolean isTag(int type) {
        return type == TPID_8021Q || type == TPID_8021AD || type == TPID_QINQ;
    }

    private void network(int type, int at, int end) {
        if (type == 0x0800) {
            ipv4(at, end);
        } else if (type == 0x86DD) {
            ipv6(at, end);
        }
    }

    private void ipv4(int at, int end) {
        if (end - at < 20 || (u8(at) >>> 4) != 4) {
            return;
        }
        ipVersion = 4;
        ipAt = at;
        srcAt = at + 12;
        dstAt = at + 16;
        ipProto = u8(at + 9);
        int ihl = (u8(at) & 0x0F) * 4;
        boolean laterFragment = (u16(at + 6) & 0x1FFF) != 0;
        if (ihl >= 20 && !laterFragment) {
            transport(ipProto, at + ihl, end);
        }
    }

    private void ipv6(int at, int end) {
        if (end - at < 40 || (u8(at) >>> 4) != 6) {
            return;
        }
        ipVersion = 6;
        ipAt = at;
        srcAt = at + 8;
        dstAt = at + 24;
        int next = u8(at + 6);
        int p = at + 40;
        boolean laterFragment = false;
        for (int n = 0; isExtension(next); n++) {
            if (n == MAX_EXT_HEADERS || end - p < 8) {
                return;   // chain cut short: ip_proto unknown
            }
            int len;
            if (next == 44) {
                laterFragment |= (u16(p + 2) & 0xFFF8) != 0;
                len = 8;
            } else if (next == 51) {
                len = (u8(p + 1) + 2) * 4;
            } else {
                len = (u8(p + 1) + 1) * 8;
            }
            next = u8(p);
            p += len;
        }
        ipProto = next;
        if (!laterFragment) {
            transport(next, p, end);
        }
    }

    /** The IPv6 extension headers followed to the upper-layer protocol (RFC 8200 section 4, RFC 7045). */
    public static boolean isExtension(int nextHeader) {
        return switch (nextHeader) {
            case 0, 43, 44, 60, 51, 135, 139, 140 -> true;
            default -> false;
        };
    }

    private void transport(int proto, int at, int end) {
        switch (proto) {
            case 6, 17, 132 -> {
                if (end - at >= 4) {
                    srcPort = u16(at);
                    dstPort = u16(at + 2);
                }
                if (proto == 6 && end - at >= 14) {
                    tcpFlags = u8(at + 13);
                }
            }
            case 1, 58 -> {
                if (end - at >= 2) {
                    icmpType = u8(at);
                    icmpCode = u8(at + 1);
                }
            }
            default -> { }
        }
    }

    private int u8(int at) {
        return buf.get(at) & 0xFF;
    }

    private int u16(int at) {
        return buf.getShort(at) & 0xFFFF;
    }

    /** EtherType or SLL protocol, or -1. */
    public int ethType() {
        return ethType;
    }

    /** The outermost VLAN id, or -1 when untagged. */
    public int vlan() {
        return vlan;
    }

    /** 4, 6, or -1 when the packet carries no (complete) IP header. */
    public int ipVersion() {
        return ipVersion;
    }

    /** The upper-layer protocol, or -1. */
    public int ipProto() {
        return ipProto;
    }

    /** The source port (TCP, UDP, SCTP), or -1. */
    public int srcPort() {
        return srcPort;
    }

    /** The destination port (TCP, UDP, SCTP), or -1. */
    public int dstPort() {
        return dstPort;
    }

    /** TCP flags (byte 13 of the TCP header), or -1. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** ICMP or ICMPv6 type, or -1. */
    public int icmpType() {
        return icmpType;
    }

    /** ICMP or ICMPv6 code, or -1. */
    public int icmpCode() {
        return icmpCode;
    }

    /** The source address as text (RFC 5952 for IPv6), or {@code null}. */
    public String srcIp() {
        return ipVersion < 0 ? null : IpText.format(buf, srcAt, ipVersion == 4 ? 4 : 16);
    }

    /** The destination address as text, or {@code null}. */
    public String dstIp() {
        return ipVersion < 0 ? null : IpText.format(buf, dstAt, ipVersion == 4 ? 4 : 16);
    }

    /** Copies the source address into a new array (4 or 16 bytes), or {@code null}. */
    public byte[] srcAddress() {
        return address(srcAt);
    }

    /** Copies the destination address into a new array, or {@code null}. */
    public byte[] dstAddress() {
        return address(dstAt);
    }

    private byte[] address(int at) {
        if (ipVersion < 0) {
            return null;
        }
        byte[] a = new byte[ipVersion == 4 ? 4 : 16];
        buf.get(at, a, 0, a.length);
        return a;
    }

    /**
     * The Community ID v1 (seed 0) of the packet's flow, or {@code null} without an IP header. ICMP type and
     * code stand in for ports as the spec says; a later fragment hashes without ports.
     */
    public String communityId() {
        if (ipVersion < 0 || ipProto < 0) {
            return null;
        }
        int sport = srcPort;
        int dport = dstPort;
        if (ipProto == 1 || ipProto == 58) {
            sport = icmpType;
            dport = icmpType < 0 ? -1 : icmpCode;
        }
        return io.weir.flow.CommunityId.v1(0, srcAddress(), dstAddress(), ipProto, sport, dport);
    }
}
