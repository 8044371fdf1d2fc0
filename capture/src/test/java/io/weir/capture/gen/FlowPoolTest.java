package io.weir.capture.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --flows N} gives N flows: the distinct 5-tuples (VLAN included, both directions one flow, as
 * {@code weir flows} counts them) of a capture long enough to draw every pool id are N plus the background
 * conversations (other UDP and ICMP between 16 x 16 hosts: at most about a thousand). The generator used to give
 * 4.7 times N, because VLAN ids and fragmented datagrams' ports were drawn per packet (and a datagram's later
 * fragments went untagged).
 */
class FlowPoolTest {
    /** Background conversations at most: NTP and ICMP host pairs (256 each), ICMPv6 (512), mDNS, DHCP. */
    private static final int BACKGROUND = 1_100;
    /** Keys of background traffic: ICMP, ICMPv6, or UDP to or from NTP, mDNS, DHCP ports. */
    private static final Pattern BACKGROUND_KEY = Pattern.compile("^\\d+/(1|58)/|:(123|5353|67|68)(-|$)");

    @ParameterizedTest(name = "{0} flows, seed {1}")
    @CsvSource({"500, 7", "2000, 42", "3000, 3"})
    void poolOfNGivesNFlows(int flows, long seed) {
        TrafficGenerator g = new TrafficGenerator(seed, flows);
        Set<String> pooled = new HashSet<>();
        Set<String> background = new HashSet<>();
        Map<String, String> datagrams = new HashMap<>();
        for (int i = 0; i < flows * 40; i++) {   // about 31 packets per id: every id is drawn
            String k = flowKey(g.next(), datagrams);
            if (k != null) {
                (BACKGROUND_KEY.matcher(k).find() ? background : pooled).add(k);
            }
        }
        String what = "seed " + seed + ": " + pooled.size() + " pooled and " + background.size()
                + " background flows from a pool of " + flows;
        assertEquals(flows, pooled.size(), what);
        assertTrue(background.size() <= BACKGROUND, what);
    }

    /**
     * The flow key of an IP packet (null for ARP): family, protocol, outer VLAN id, and the two (address, port) ends
     * in a canonical order; a later fragment takes the ends its datagram's first fragment had (from
     * {@code datagrams}, by addresses and IP id) with its own VLAN id, as {@code weir flows} attributes it.
     */
    static String flowKey(GeneratedPacket p, Map<String, String> datagrams) {
        byte[] b = p.l3;
        int proto;
        int l4;
        String src;
        String dst;
        boolean later;
        long id = -1;
        if (p.etherType == 0x0800) {
            proto = b[9] & 0xff;
            l4 = (b[0] & 0x0f) * 4;
            src = Arrays.toString(Arrays.copyOfRange(b, 12, 16));
            dst = Arrays.toString(Arrays.copyOfRange(b, 16, 20));
            int frag = u16(b, 6);
            later = (frag & 0x1fff) != 0;
            id = (frag & 0x3fff) != 0 ? u16(b, 4) : -1;
        } else if (p.etherType == 0x86dd) {
            src = Arrays.toString(Arrays.copyOfRange(b, 8, 24));
            dst = Arrays.toString(Arrays.copyOfRange(b, 24, 40));
            proto = b[6] & 0xff;
            l4 = 40;
            later = false;
            while (proto == 0 || proto == 60 || proto == 44) {   // the generator's extension headers
                if (proto == 44) {
                    later = (u16(b, l4 + 2) & 0xfff8) != 0;
                    id = (long) u16(b, l4 + 4) << 16 | u16(b, l4 + 6);
                }
                int len = proto == 44 ? 8 : ((b[l4 + 1] & 0xff) + 1) * 8;
                proto = b[l4] & 0xff;
                l4 += len;
            }
        } else {
            return null;
        }
        String datagram = id < 0 ? null : p.etherType + "/" + proto + "/" + src + "/" + dst + "/" + id;
        int vlan = p.vlanCount == 0 ? 0 : p.vlanTci[0] & 0xfff;
        String prefix = p.etherType + "/" + proto + "/" + vlan + "/";
        if (later) {
            return prefix + datagrams.get(datagram);
        }
        boolean ports = proto == 6 || proto == 17;
        String a = src + (ports ? ":" + u16(b, l4) : "");
        String z = dst + (ports ? ":" + u16(b, l4 + 2) : "");
        String ends = a.compareTo(z) < 0 ? a + "-" + z : z + "-" + a;
        if (datagram != null) {
            datagrams.put(datagram, ends);
        }
        return prefix + ends;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
