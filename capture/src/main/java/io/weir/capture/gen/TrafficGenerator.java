package io.weir.capture.gen;

/**
 * A deterministic generator of mixed traffic: the same seed gives the same packets, byte for byte, on every JVM
 * (its random numbers come from SplitMix64, written out here, not from a JDK class).
 *
 * <p>The mix: TCP over IPv4 and IPv6 (SYN, SYN-ACK, ACK, PSH-ACK with data, FIN, RST; ports 80, 443, 22 and
 * others), DNS over UDP (queries and answers), other UDP (NTP, mDNS to multicast, DHCP to broadcast), ICMP and
 * ICMPv6 echo, ICMPv6 neighbour solicitation to solicited-node multicast, ARP requests (broadcast) and replies,
 * IPv4 fragments and IPv6 fragment headers; IPv4 options and IPv6 extension headers (hop-by-hop, destination
 * options) on some packets; 802.1Q tags on some Ethernet frames and QinQ (0x88a8 outer) on a few. Sizes run from
 * 60-byte frames to full 1514-byte ones (about 480 bytes on average). IPv4 header checksums are computed; TCP,
 * UDP and ICMP checksums are left zero.
 *
 * <pre>{@code
 * TrafficGenerator g = new TrafficGenerator(42);
 * byte[] frame = new byte[Framing.MAX_FRAME];
 * GeneratedPacket p = g.next();
 * int len = Framing.encode(p, LinkType.ETHERNET, frame);
 * }</pre>
 */
public final class TrafficGenerator {
    /** 2024-01-01T00:00:00Z: where generated time begins. */
    public static final long START_NANOS = 1_704_067_200L * 1_000_000_000L;

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int ICMP6 = 58;
    private static final int[] TCP_PORTS = {80, 443, 22, 8080, 25, 3306};
    /** Kinds [FROM, TO) are other UDP, ICMP, ICMPv6 and ARP: few conversations, never drawn from a flow pool. */
    private static final int BACKGROUND_FROM = 60;
    private static final int BACKGROUND_TO = 82;

    private long state;
    private long now = START_NANOS;
    private final GeneratedPacket p = new GeneratedPacket();
    private int ipId;
    // Pending fragments of a datagram being split: emitted on the following calls.
    private int fragmentsLeft;
    private boolean fragmentV6;
    private int fragOffset;
    private int fragTotal;
    private int fragId;
    private int fragSrc;
    private int fragDst;
    private final byte[] fragPayload = new byte[4096];

    /** With a flow pool: how many TCP/UDP conversations packets are drawn from (0: every packet a fresh one). */
    private final int flowPool;
    /** The conversation of the current packet, when there is a flow pool. */
    private int flow;

    /** A generator whose packets depend only on {@code seed}; ports are drawn afresh for every packet. */
    public TrafficGenerator(long seed) {
        this(seed, 0);
    }

    /**
     * A generator whose TCP, DNS and fragmented UDP packets (78% of them) belong to {@code flows} conversations,
     * each with its kind, host pair, ports and VLAN tags fixed by its id, so that a capture long enough to draw
     * every id holds {@code flows} 5-tuple flows (VLAN included), plus at most about a thousand background ones
     * (other UDP, ICMP), as benchmarks of flow counting need; 0 draws ports afresh for every packet.
     */
    public TrafficGenerator(long seed, int flows) {
        if (flows < 0) {
            throw new IllegalArgumentException("flows < 0: " + flows);
        }
        this.state = seed;
        this.flowPool = flows;
    }

    private long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private int below(int n) {
        return (int) ((nextLong() >>> 33) % n);
    }

    private boolean chance(int percent) {
        return below(100) < percent;
    }

    /** The next packet (the same object every time, overwritten). */
    public GeneratedPacket next() {
        now += 1_000 + below(2_000_000);   // 1 µs to 2 ms apart, nanosecond precision
        p.timestampNanos = now;
        p.vlanCount = 0;
        p.packetType = 0;
        if (fragmentsLeft > 0) {
            nextFragment();
            if (flowPool > 0) {
                pooledTags(flow);   // a datagram's fragments share its conversation's tags
            }
            return p;
        }
        int host;
        int peer;
        int kind;
        boolean pooled = false;
        if (flowPool > 0) {
            // Background traffic (other UDP, ICMP, ARP: 22%, as without a pool) is drawn per packet and falls
            // into a few hundred conversations; the rest comes from the pool, one conversation per flow id with
            // its kind, hosts, ports and VLAN tags fixed by the id, so that N ids give N flows.
            kind = below(100);
            if (kind < BACKGROUND_FROM || kind >= BACKGROUND_TO) {
                pooled = true;
                flow = below(flowPool);
                host = flow & 15;
                peer = 16 + ((flow >>> 4) & 15);
                kind = pooledKind(flow);
            } else {
                host = below(16);
                peer = 16 + below(16);
            }
        } else {
            host = below(16);
            peer = 16 + below(16);
            kind = below(100);
        }
        if (kind < 34) {
            tcp4(host, peer);
        } else if (kind < 44) {
            tcp6(host, peer);
        } else if (kind < 56) {
            dns(host, false);
        } else if (kind < 60) {
            dns(host, true);
        } else if (kind < 66) {
            otherUdp(host, peer);
        } else if (kind < 72) {
            icmp4(host, peer);
        } else if (kind < 76) {
            icmp6(host, peer);
        } else if (kind < 82) {
            arp(host, peer);
        } else if (kind < 88) {
            startFragments(host, peer, false);
        } else if (kind < 91) {
            startFragments(host, peer, true);
        } else {
            bulk(host, peer);
        }
        if (flowPool > 0) {
            pooledTags(pooled ? flow : ~host);   // background: by host (mDNS and DHCP have no fixed peer)
        } else if (chance(12)) {
            p.vlanCount = 1;
            p.vlanTpid[0] = 0x8100;
            p.vlanTci[0] = (below(8) << 13) | (1 + below(4094));
        } else if (chance(3)) {
            p.vlanCount = 2;
            p.vlanTpid[0] = 0x88a8;
            p.vlanTci[0] = 100 + below(10);
            p.vlanTpid[1] = 0x8100;
            p.vlanTci[1] = 1 + below(4094);
        }
        return p;
    }

    /** The kind of a pooled conversation (a number outside the background range), fixed by its id. */
    private static int pooledKind(int flow) {
        int k = (int) (Integer.toUnsignedLong(flow * 0x9E3779B1) % (100 - (BACKGROUND_TO - BACKGROUND_FROM)));
        return k < BACKGROUND_FROM ? k : k + (BACKGROUND_TO - BACKGROUND_FROM);
    }

    /**
     * VLAN tags fixed by a conversation (a flow id, or the host of background traffic) in the same shares as
     * without a pool (12% one 802.1Q tag, about 3% QinQ), since the outer id is part of a flow's key; the
     * priority bits vary per packet, as they may on a real link.
     */
    private void pooledTags(int conversation) {
        long h = Integer.toUnsignedLong(conversation * 0x85EBCA6B) * 0x9E3779B97F4A7C15L;
        int share = (int) ((h >>> 40) % 100);
        int id = 1 + (int) ((h >>> 8) % 4094);
        if (share < 12) {
            p.vlanCount = 1;
            p.vlanTpid[0] = 0x8100;
            p.vlanTci[0] = (below(8) << 13) | id;
        } else if (share < 15) {
            p.vlanCount = 2;
            p.vlanTpid[0] = 0x88a8;
            p.vlanTci[0] = 100 + id % 10;
            p.vlanTpid[1] = 0x8100;
            p.vlanTci[1] = id;
        }
    }

    // ---- addresses ----

    private void macs(int src, int dst) {
        mac(p.srcMac, src);
        mac(p.dstMac, dst);
    }

    private static void mac(byte[] m, int host) {
        m[0] = 0x02;
        m[1] = 0x00;
        m[2] = 0x5e;
        m[3] = 0x10;
        m[4] = (byte) (host >>> 8);
        m[5] = (byte) host;
    }

    private static int ip4(int host) {
        // Hosts 0-15 are local (10.0.0.x), 16-31 remote (a few public-looking /24s).
        return host < 16 ? 0x0A000000 | (host + 1) : (0xC6336400 + ((host & 3) << 8)) | (host + 1);
    }

    // ---- IPv4 ----

    /** Writes an IPv4 header (sometimes with options) and returns the payload offset. */
    private int ipv4(int src, int dst, int proto, int payloadLen, int flagsOffset) {
        boolean options = chance(8);
        int hl = options ? 24 : 20;
        byte[] b = p.l3;
        b[0] = (byte) (0x40 | (hl / 4));
        b[1] = (byte) (chance(10) ? 0x10 : 0);
        put16(b, 2, hl + payloadLen);
        put16(b, 4, flagsOffset == -1 ? (ipId++ & 0xFFFF) : fragId);
        put16(b, 6, flagsOffset == -1 ? 0x4000 : flagsOffset);   // DF for whole packets
        b[8] = (byte) (chance(50) ? 64 : 128 - below(8));
        b[9] = (byte) proto;
        b[10] = 0;
        b[11] = 0;
        put32(b, 12, src);
        put32(b, 16, dst);
        if (options) {   // Router Alert (RFC 2113): 94 04 00 00
            b[20] = (byte) 0x94;
            b[21] = 4;
            b[22] = 0;
            b[23] = 0;
        }
        put16(b, 10, checksum(b, 0, hl));
        p.etherType = 0x0800;
        p.l3Len = hl + payloadLen;
        return hl;
    }

    // ---- IPv6 ----

    private void ip6addr(byte[] b, int o, int host) {
        if (host < 0) {   // solicited-node multicast ff02::1:ffxx:xxxx
            put32(b, o, 0xff020000);
            put32(b, o + 4, 0);
            put32(b, o + 8, 1);
            put32(b, o + 12, 0xff000000 | (-host & 0xFFFFFF));
            return;
        }
        put32(b, o, host < 16 ? 0x20010db8 : 0x2a0204c8);
        put32(b, o + 4, host < 16 ? 0x00000001 : 0x00000000);
        put32(b, o + 8, 0x0200_5eff);
        put32(b, o + 12, 0xfe100000 | host);
    }

    /** Writes an IPv6 header (sometimes with hop-by-hop / destination options) and returns the payload offset. */
    private int ipv6(int src, int dst, int proto, int payloadLen, boolean fragment) {
        byte[] b = p.l3;
        boolean hbh = !fragment && chance(6);
        boolean dstopt = !fragment && chance(4);
        int ext = (hbh ? 8 : 0) + (dstopt ? 8 : 0) + (fragment ? 8 : 0);
        put32(b, 0, 0x60000000 | below(1 << 20));
        put16(b, 4, ext + payloadLen);
        b[7] = (byte) 64;
        ip6addr(b, 8, src);
        ip6addr(b, 24, dst);
        int o = 40;
        int nextAt = 6;
        if (hbh) {   // hop-by-hop with a Router Alert option and padding
            b[nextAt] = 0;
            nextAt = o;
            b[o + 1] = 0;
            b[o + 2] = 5;
            b[o + 3] = 2;
            b[o + 4] = 0;
            b[o + 5] = 0;
            b[o + 6] = 1;   // PadN
            b[o + 7] = 0;
            o += 8;
        }
        if (dstopt) {   // destination options: a PadN only
            b[nextAt] = 60;
            nextAt = o;
            b[o + 1] = 0;
            b[o + 2] = 1;
            b[o + 3] = 4;
            put32(b, o + 4, 0);
            o += 8;
        }
        if (fragment) {
            b[nextAt] = 44;
            nextAt = o;
            b[o + 1] = 0;
            put16(b, o + 2, fragOffset | (fragmentsLeft > 1 ? 1 : 0));
            put32(b, o + 4, fragId);
            o += 8;
        }
        b[nextAt] = (byte) proto;
        p.etherType = 0x86dd;
        p.l3Len = o + payloadLen;
        return o;
    }

    // ---- transports ----

    private void tcp4(int host, int peer) {
        boolean out = chance(50);
        int payload = tcpPayloadSize();
        int at = ipv4(ip4(out ? host : peer), ip4(out ? peer : host), TCP, 20 + payload, -1);
        tcp(at, out, payload);
        macs(out ? host : 200 + (peer & 1), out ? 200 + (peer & 1) : host);   // remote hosts are behind a router
        p.packetType = out ? 4 : 0;
    }

    private void tcp6(int host, int peer) {
        boolean out = chance(50);
        int payload = tcpPayloadSize();
        int at = ipv6(out ? host : peer, out ? peer : host, TCP, 20 + payload, false);
        tcp(at, out, payload);
        macs(out ? host : 200, out ? 200 : host);
        p.packetType = out ? 4 : 0;
    }

    private int tcpPayloadSize() {
        int r = below(100);
        return r < 45 ? 0 : r < 70 ? 1 + below(300) : r < 80 ? 300 + below(900) : 1460;
    }

    private void tcp(int at, boolean out, int payload) {
        byte[] b = p.l3;
        int service;
        int eph;
        if (flowPool > 0) {   // host pair from the low 8 bits of the flow, ports from the rest
            service = TCP_PORTS[(flow >>> 8) % TCP_PORTS.length];
            eph = 32768 + (flow >>> 8) / TCP_PORTS.length % 28000;
        } else {
            service = TCP_PORTS[below(TCP_PORTS.length)];
            eph = 32768 + below(28000);
        }
        put16(b, at, out ? eph : service);
        put16(b, at + 2, out ? service : eph);
        put32(b, at + 4, (int) nextLong());
        int r = below(100);
        int flags;
        if (payload > 0) {
            flags = 0x18;                              // PSH ACK
        } else if (r < 10) {
            flags = 0x02;                              // SYN
        } else if (r < 20) {
            flags = 0x12;                              // SYN ACK
        } else if (r < 27) {
            flags = 0x11;                              // FIN ACK
        } else if (r < 30) {
            flags = 0x04;                              // RST
        } else {
            flags = 0x10;                              // ACK
        }
        put32(b, at + 8, (flags & 0x10) != 0 ? (int) nextLong() : 0);
        b[at + 12] = 0x50;
        b[at + 13] = (byte) flags;
        put16(b, at + 14, 502 + below(64000));
        put32(b, at + 16, 0);
        fill(at + 20, payload);
    }

    private void dns(int host, boolean v6) {
        boolean answer = chance(50);
        byte[] b = p.l3;
        String[] names = {"example", "weir", "tcpdump", "kernel", "openjdk"};
        String name = names[below(names.length)];
        String tld = chance(50) ? "org" : "com";
        int qlen = 1 + name.length() + 1 + tld.length() + 1 + 4;
        int dnsLen = 12 + qlen + (answer ? 16 : 0);
        int at = v6 ? ipv6(answer ? 30 : host, answer ? host : 30, UDP, 8 + dnsLen, false)
                : ipv4(ip4(answer ? 30 : host), ip4(answer ? host : 30), UDP, 8 + dnsLen, -1);
        int eph = flowPool > 0 ? 1024 + (flow >>> 4) % 60000 : 1024 + below(60000);
        udpHeader(at, answer ? 53 : eph, answer ? eph : 53, dnsLen);
        int d = at + 8;
        put16(b, d, below(65536));
        put16(b, d + 2, answer ? 0x8180 : 0x0100);
        put16(b, d + 4, 1);
        put16(b, d + 6, answer ? 1 : 0);
        put32(b, d + 8, 0);
        int o = d + 12;
        b[o++] = (byte) name.length();
        for (int i = 0; i < name.length(); i++) {
            b[o++] = (byte) name.charAt(i);
        }
        b[o++] = (byte) tld.length();
        for (int i = 0; i < tld.length(); i++) {
            b[o++] = (byte) tld.charAt(i);
        }
        b[o++] = 0;
        put16(b, o, 1);             // type A (over either IP version)
        put16(b, o + 2, 1);
        o += 4;
        if (answer) {   // a pointer to the question's name, type A, class IN, TTL, 4-byte address
            put16(b, o, 0xC00C);
            put16(b, o + 2, 1);
            put16(b, o + 4, 1);
            put32(b, o + 6, 300);
            put16(b, o + 10, 4);
            put32(b, o + 12, ip4(16 + below(16)));
        }
        macs(answer ? 200 : host, answer ? host : 200);
        p.packetType = answer ? 0 : 4;
    }

    private void otherUdp(int host, int peer) {
        int r = below(3);
        if (r == 0) {   // NTP
            int at = ipv4(ip4(host), ip4(peer), UDP, 8 + 48, -1);
            udpHeader(at, 123, 123, 48);
            fill(at + 8, 48);
            macs(host, 200);
            p.packetType = 4;
        } else if (r == 1) {   // mDNS to 224.0.0.251
            int at = ipv4(ip4(host), 0xE00000FB, UDP, 8 + 40, -1);
            udpHeader(at, 5353, 5353, 40);
            java.util.Arrays.fill(p.l3, at + 8, at + 48, (byte) 0);   // an empty DNS message, then padding
            put16(p.l3, at + 8, below(65536));
            mac(p.srcMac, host);
            p.dstMac[0] = 0x01;
            p.dstMac[1] = 0x00;
            p.dstMac[2] = 0x5e;
            p.dstMac[3] = 0x00;
            p.dstMac[4] = 0x00;
            p.dstMac[5] = (byte) 0xfb;
            p.packetType = 2;
        } else {   // DHCP discover to 255.255.255.255
            int at = ipv4(0, 0xFFFFFFFF, UDP, 8 + 300, -1);
            udpHeader(at, 68, 67, 300);
            java.util.Arrays.fill(p.l3, at + 8, at + 308, (byte) 0);
            byte[] b = p.l3;
            int d = at + 8;
            b[d] = 1;           // BOOTREQUEST, Ethernet, 6-byte addresses
            b[d + 1] = 1;
            b[d + 2] = 6;
            put32(b, d + 4, (int) nextLong());
            mac(p.srcMac, host);
            System.arraycopy(p.srcMac, 0, b, d + 28, 6);
            put32(b, d + 236, 0x63825363);   // magic cookie, then DHCP message type = DISCOVER, end
            b[d + 240] = 53;
            b[d + 241] = 1;
            b[d + 242] = 1;
            b[d + 243] = (byte) 255;
            mac(p.srcMac, host);
            java.util.Arrays.fill(p.dstMac, (byte) 0xFF);
            p.packetType = 1;
        }
    }

    private void icmp4(int host, int peer) {
        boolean reply = chance(50);
        int data = 56;
        int at = ipv4(ip4(reply ? peer : host), ip4(reply ? host : peer), ICMP, 8 + data, -1);
        byte[] b = p.l3;
        b[at] = (byte) (reply ? 0 : 8);
        b[at + 1] = 0;
        put16(b, at + 2, 0);
        put16(b, at + 4, 0x1234 + host);
        put16(b, at + 6, below(1000));
        fill(at + 8, data);
        macs(reply ? 200 : host, reply ? host : 200);
        p.packetType = reply ? 0 : 4;
    }

    private void icmp6(int host, int peer) {
        byte[] b = p.l3;
        if (chance(40)) {   // neighbour solicitation to the solicited-node address
            int at = ipv6(host, -(0x100000 | peer), ICMP6, 24, false);
            b[at] = (byte) 135;
            b[at + 1] = 0;
            put32(b, at + 2, 0);
            put16(b, at + 6, 0);
            ip6addr(b, at + 8, peer);
            mac(p.srcMac, host);
            p.dstMac[0] = 0x33;
            p.dstMac[1] = 0x33;
            p.dstMac[2] = (byte) 0xff;
            p.dstMac[3] = 0x10;
            p.dstMac[4] = 0x00;
            p.dstMac[5] = (byte) peer;
            p.packetType = 2;
            return;
        }
        boolean reply = chance(50);
        int at = ipv6(reply ? peer : host, reply ? host : peer, ICMP6, 8 + 56, false);
        b[at] = (byte) (reply ? 129 : 128);
        b[at + 1] = 0;
        put16(b, at + 2, 0);
        put16(b, at + 4, 0x4321);
        put16(b, at + 6, below(1000));
        fill(at + 8, 56);
        macs(reply ? 200 : host, reply ? host : 200);
        p.packetType = reply ? 0 : 4;
    }

    private void arp(int host, int peer) {
        boolean reply = chance(40);
        int target = below(16);
        byte[] b = p.l3;
        put16(b, 0, 1);
        put16(b, 2, 0x0800);
        b[4] = 6;
        b[5] = 4;
        put16(b, 6, reply ? 2 : 1);
        mac(p.srcMac, reply ? target : host);
        System.arraycopy(p.srcMac, 0, b, 8, 6);
        put32(b, 14, ip4(reply ? target : host));
        if (reply) {
            mac(p.dstMac, host);
            System.arraycopy(p.dstMac, 0, b, 18, 6);
            p.packetType = 0;
        } else {
            java.util.Arrays.fill(p.dstMac, (byte) 0xFF);
            java.util.Arrays.fill(b, 18, 24, (byte) 0);
            p.packetType = 1;
        }
        put32(b, 24, ip4(reply ? host : target));
        p.etherType = 0x0806;
        p.l3Len = 28;
    }

    private void bulk(int host, int peer) {
        // A full-size TCP segment, to give the mix its long tail.
        int at = ipv4(ip4(peer), ip4(host), TCP, 20 + 1460, -1);
        tcp(at, false, 1460);
        p.l3[at + 13] = 0x10;
        macs(200, host);
    }

    private void udpHeader(int at, int sport, int dport, int dataLen) {
        put16(p.l3, at, sport);
        put16(p.l3, at + 2, dport);
        put16(p.l3, at + 4, 8 + dataLen);
        put16(p.l3, at + 6, 0);
    }

    // ---- fragments ----

    /** Starts a UDP datagram (1600 to 4000 bytes) sent as 2 or 3 fragments; emits the first. */
    private void startFragments(int host, int peer, boolean v6) {
        fragmentV6 = v6;
        fragSrc = host;
        fragDst = peer;
        fragId = below(65536);
        fragTotal = 1600 + below(2400);
        fragmentsLeft = fragTotal > 2900 ? 3 : 2;
        fragOffset = 0;
        // The datagram: UDP header then data, kept to slice the later fragments from. With a pool, the ports are
        // the conversation's.
        int sport = 4000 + below(1000);
        int dport = 9000 + below(1000);
        if (flowPool > 0) {
            sport = 4000 + (flow >>> 8) % 1000;
            dport = 9000 + (flow >>> 8) / 1000 % 1000;
        }
        put16(fragPayload, 0, sport);
        put16(fragPayload, 2, dport);
        put16(fragPayload, 4, fragTotal);
        put16(fragPayload, 6, 0);
        int seed = below(256);
        for (int i = 8; i < fragTotal; i++) {
            fragPayload[i] = (byte) (seed + i * 7);
        }
        nextFragment();
    }

    private void nextFragment() {
        int chunk = fragmentsLeft > 1 ? 1448 : fragTotal - fragOffset;
        int at;
        if (fragmentV6) {
            at = ipv6(fragSrc, fragDst, UDP, chunk, true);
        } else {
            int flags = (fragmentsLeft > 1 ? 0x2000 : 0) | (fragOffset / 8);
            at = ipv4(ip4(fragSrc), ip4(fragDst), UDP, chunk, flags);
        }
        System.arraycopy(fragPayload, fragOffset, p.l3, at, chunk);
        fragOffset += chunk;
        fragmentsLeft--;
        macs(fragSrc, 200);
        p.packetType = 4;
    }

    // ---- bytes ----

    private void fill(int at, int n) {
        long r = nextLong();
        byte[] b = p.l3;
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) (r >>> ((i & 7) << 3));
            if ((i & 7) == 7) {
                r = r * 0x5DEECE66DL + 11;
            }
        }
    }

    private static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    private static void put32(byte[] b, int o, int v) {
        put16(b, o, v >>> 16);
        put16(b, o + 2, v);
    }

    private static int checksum(byte[] b, int o, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[o + i] & 0xFF) << 8) | (b[o + i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }
}
