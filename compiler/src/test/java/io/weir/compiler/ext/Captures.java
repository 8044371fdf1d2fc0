package io.weir.compiler.ext;

import static io.weir.compiler.ext.Frames.ACK;
import static io.weir.compiler.ext.Frames.AE;
import static io.weir.compiler.ext.Frames.CWR;
import static io.weir.compiler.ext.Frames.ECE;
import static io.weir.compiler.ext.Frames.FIN;
import static io.weir.compiler.ext.Frames.PSH;
import static io.weir.compiler.ext.Frames.RST;
import static io.weir.compiler.ext.Frames.SYN;
import static io.weir.compiler.ext.Frames.URG;
import static io.weir.compiler.ext.Frames.cat;
import static io.weir.compiler.ext.Frames.ether;
import static io.weir.compiler.ext.Frames.etherTagged;
import static io.weir.compiler.ext.Frames.fragment;
import static io.weir.compiler.ext.Frames.icmp6;
import static io.weir.compiler.ext.Frames.ipv4;
import static io.weir.compiler.ext.Frames.ipv6;
import static io.weir.compiler.ext.Frames.options;
import static io.weir.compiler.ext.Frames.routing;
import static io.weir.compiler.ext.Frames.tcp;
import static io.weir.compiler.ext.Frames.udp;

import java.util.ArrayList;
import java.util.List;

/** The generated captures the extension tests run on (Ethernet; frame i at second i). */
final class Captures {
    private static final int ETH_IP = 0x0800;
    private static final int ETH_IP6 = 0x86dd;
    private static final int ETH_ARP = 0x0806;
    private static final int TEB = 0x6558;
    private static final int HBH = 0;
    private static final int DSTOPTS = 60;
    private static final int ROUTING = 43;
    private static final int FRAG = 44;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP6 = 58;
    private static final byte[] MAC_C = {0x02, 0, 0, 0, 0, 0x0c};
    private static final byte[] MAC_D = {0x02, 0, 0, 0, 0, 0x0d};

    private Captures() {
    }

    /** IPv4 and IPv6 (with extension-header chains) carrying TCP, UDP, ICMPv6, untagged and with 1 or 2 tags. */
    static List<byte[]> transport() {
        List<byte[]> f = new ArrayList<>();
        int[] flagSets = {SYN, SYN | ACK, PSH | ACK, AE | ACK, FIN | ACK, RST, URG | ACK, ECE | CWR | SYN};
        for (int i = 0; i < flagSets.length; i++) {
            f.add(ether(ETH_IP, ipv4(TCP, "10.0.0.1", "10.0.0.2", tcp(1000 + i, 80, flagSets[i]))));
            f.add(ether(ETH_IP6, ipv6(TCP, 1, 2, tcp(2000 + i, 443, flagSets[i]))));
        }
        f.add(ether(ETH_IP, ipv4(TCP, "10.0.0.1", "10.0.0.2", tcp(1100, 80, SYN), 1, 0, false)));
        f.add(ether(ETH_IP, ipv4(TCP, "10.0.0.1", "10.0.0.2", tcp(1101, 80, SYN), 0, 100, false)));
        f.add(ether(ETH_IP6, ipv6(HBH, 1, 2, options(TCP, 0, tcp(2100, 443, SYN | ACK)))));
        f.add(ether(ETH_IP6, ipv6(HBH, 1, 2, options(DSTOPTS, 1, routing(DSTOPTS, options(TCP, 0,
                tcp(2101, 443, RST)))))));
        f.add(ether(ETH_IP6, ipv6(FRAG, 1, 2, fragment(TCP, 0, true, tcp(2102, 443, SYN)))));
        f.add(ether(ETH_IP6, ipv6(FRAG, 1, 2, fragment(TCP, 100, false, tcp(2103, 443, SYN)))));
        f.add(ether(ETH_IP6, ipv6(DSTOPTS, 1, 2, options(UDP, 0, udp(5353, 53, new byte[12])))));
        f.add(ether(ETH_IP6, ipv6(UDP, 1, 2, udp(5353, 53, new byte[12]))));
        f.add(ether(ETH_IP6, ipv6(ICMP6, 1, 2, icmp6(128))));
        f.add(ether(ETH_IP6, ipv6(HBH, 1, 2, options(ICMP6, 0, icmp6(128)))));
        f.add(ether(ETH_IP6, ipv6(HBH, 1, 2, options(ICMP6, 0, icmp6(143)))));
        f.add(ether(ETH_IP, ipv4(UDP, "10.0.0.3", "10.0.0.4", udp(5353, 53, new byte[12]))));
        // Nine extension headers: past the walk's bound of 8.
        byte[] deep = tcp(2104, 443, SYN);
        for (int i = 0; i < 9; i++) {
            deep = options(i == 0 ? TCP : DSTOPTS, 0, deep);
        }
        f.add(ether(ETH_IP6, ipv6(DSTOPTS, 1, 2, deep)));
        // Seven: within it.
        byte[] seven = tcp(2105, 443, SYN);
        for (int i = 0; i < 7; i++) {
            seven = options(i == 0 ? TCP : DSTOPTS, 0, seven);
        }
        f.add(ether(ETH_IP6, ipv6(DSTOPTS, 1, 2, seven)));
        f.add(etherTagged(ETH_IP, ipv4(TCP, "10.0.0.1", "10.0.0.2", tcp(1200, 80, SYN)), 0x8100, 10));
        f.add(etherTagged(ETH_IP6, ipv6(TCP, 1, 2, tcp(2200, 80, ACK)), 0x88a8, 100, 0x8100, 20));
        f.add(etherTagged(ETH_IP6, ipv6(TCP, 1, 2, tcp(2201, 80, SYN)), 0x8100, 30));
        f.add(etherTagged(ETH_IP, ipv4(UDP, "10.0.0.3", "10.0.0.4", udp(5353, 53, new byte[4])), 0x9100, 5,
                0x8100, 6));
        f.add(etherTagged(ETH_ARP, new byte[28], 0x8100, 10));
        f.add(ether(ETH_ARP, new byte[28]));
        return f;
    }

    private static byte[] innerEther(int type, byte[] payload) {
        return cat(MAC_D, MAC_C, new byte[] {(byte) (type >> 8), (byte) type}, payload);
    }

    private static byte[] udp4(byte[] payload, int dport, int optWords) {
        return ether(ETH_IP, ipv4(UDP, "192.0.2.1", "192.0.2.2", udp(40000, dport, payload), optWords, 0, false));
    }

    private static byte[] udp6(byte[] payload, int dport) {
        return ether(ETH_IP6, ipv6(UDP, 1, 2, udp(40000, dport, payload)));
    }

    /** VXLAN, Geneve, GRE and IP-in-IP over IPv4 and IPv6, with inner TCP/UDP, one nested, and plain packets. */
    static List<byte[]> tunnels() {
        List<byte[]> f = new ArrayList<>();
        byte[] in4tcp443 = ipv4(TCP, "10.9.9.9", "10.8.8.8", tcp(1234, 443, SYN));
        f.add(udp4(Frames.vxlan(42, innerEther(ETH_IP, in4tcp443)), 4789, 0));
        f.add(udp6(Frames.vxlan(7, innerEther(ETH_IP6, ipv6(UDP, 0x101, 0x102, udp(5353, 53, new byte[8])))), 4789));
        f.add(udp4(Frames.vxlan(42, etherTagged(ETH_IP, ipv4(TCP, "10.7.7.7", "10.8.8.8", tcp(1, 80, ACK)),
                0x8100, 7)), 4789, 1));
        f.add(udp4(Frames.geneve(TEB, 11, 2, innerEther(ETH_IP, ipv4(UDP, "10.9.9.9", "10.8.8.8",
                udp(5353, 53, new byte[8])))), 6081, 0));
        f.add(udp6(Frames.geneve(ETH_IP, 12, 0, ipv4(TCP, "10.6.6.6", "10.8.8.8", tcp(5, 443, SYN | ACK))), 6081));
        f.add(ether(ETH_IP, ipv4(47, "192.0.2.1", "192.0.2.2", Frames.gre(ETH_IP, false, false, false,
                ipv4(TCP, "10.9.9.9", "10.8.8.8", tcp(6, 8080, SYN))))));
        f.add(ether(ETH_IP, ipv4(47, "192.0.2.1", "192.0.2.2", Frames.gre(TEB, false, true, true,
                innerEther(ETH_IP, ipv4(TCP, "10.5.5.5", "10.8.8.8", tcp(7, 443, ACK)))))));
        f.add(ether(ETH_IP6, ipv6(47, 1, 2, Frames.gre(ETH_IP6, true, false, false,
                ipv6(TCP, 0x101, 0x102, tcp(8, 443, SYN))))));
        f.add(ether(ETH_IP, ipv4(4, "192.0.2.1", "192.0.2.2", in4tcp443)));
        f.add(ether(ETH_IP, ipv4(41, "192.0.2.1", "192.0.2.2", ipv6(UDP, 0x103, 0x102, udp(5353, 53,
                new byte[8])))));
        f.add(ether(ETH_IP6, ipv6(4, 1, 2, ipv4(TCP, "10.4.4.4", "10.8.8.8", tcp(9, 25, SYN)))));
        f.add(ether(ETH_IP, ipv4(TCP, "10.9.9.9", "10.8.8.8", tcp(10, 443, SYN))));
        f.add(ether(ETH_IP, ipv4(UDP, "10.9.9.9", "10.8.8.8", udp(5353, 53, new byte[8]))));
        byte[] nestedVxlan = ipv4(UDP, "172.16.0.1", "172.16.0.2", udp(40001, 4789, Frames.vxlan(5,
                innerEther(ETH_IP, ipv4(TCP, "10.3.3.3", "10.8.8.8", tcp(11, 22, SYN))))));
        f.add(ether(ETH_IP, ipv4(47, "192.0.2.1", "192.0.2.2", Frames.gre(ETH_IP, false, false, false,
                nestedVxlan))));
        f.add(udp6(Frames.vxlan(42, innerEther(ETH_IP, ipv4(1, "10.9.9.9", "10.8.8.8", new byte[8]))), 4789));
        f.add(ether(ETH_IP, ipv4(TCP, "10.3.3.3", "10.8.8.8", tcp(12, 22, SYN))));
        return f;
    }
}
