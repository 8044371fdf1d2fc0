package io.weir.compiler;

import java.util.List;
import java.util.Random;

/**
 * Random expressions drawn from the productions of libpcap's {@code grammar.y} (read there, written here from
 * scratch): {@code head id} with every protocol, direction and address qualifier, shorthand id lists and
 * parenthesized id lists, {@code net N mask M} and {@code N/len}, names and escaped names, {@code other}
 * primitives ({@code less}, {@code broadcast} with a protocol, {@code vlan}/{@code mpls}/{@code pppoes}
 * stacks, 802.11 {@code type}/{@code subtype}/{@code dir} after a protocol, {@code llc}), arithmetic with every
 * operator and relation, and {@code not}/{@code !}/{@code and}/{@code &&}/{@code or}/{@code ||} with
 * parentheses. Many are ill-formed on purpose (a qualifier that does not fit its protocol, a value of the wrong
 * kind): the point is to compare accept/reject with libpcap, not only verdicts. Deterministic for a seed.
 */
final class GrammarGenerator {
    /** libpcap's {@code pname} tokens (and the scanner's aliases of {@code link}). */
    static final List<String> PNAMES = List.of("ether", "link", "fddi", "tr", "wlan", "ppp", "slip", "ip", "ip6",
            "arp", "rarp", "tcp", "udp", "sctp", "icmp", "icmp6", "igmp", "igrp", "pim", "vrrp", "carp", "atalk",
            "aarp", "decnet", "lat", "sca", "moprc", "mopdl", "ah", "esp", "iso", "esis", "isis", "l1", "l2", "iih",
            "lsp", "snp", "csnp", "psnp", "clnp", "stp", "ipx", "netbeui");
    /** The protocols most expressions use, drawn more often. */
    private static final List<String> COMMON = List.of("ether", "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp",
            "icmp", "wlan", "decnet", "atalk", "ppp");
    private static final List<String> DQUALS = List.of("src", "dst", "src or dst", "dst or src", "src and dst",
            "dst and src", "addr1", "addr2", "addr3", "addr4", "ra", "ta", "src || dst", "dst && src");
    private static final List<String> AQUALS = List.of("host", "net", "port", "portrange", "proto", "protochain",
            "gateway");
    private static final List<String> IDS = List.of("1.2.3.4", "10.0.0.1", "192.168.1.1", "10.0.0.0/8", "10.1",
            "172.16", "10", "10.0.0.0 mask 255.0.0.0", "10.0.0.0 mask 255.255.0.0", "192.168.0.0/16", "0.0.0.0/0",
            "::1", "fe80::/10", "2001:db8::1", "ff02::1", "00:11:22:33:44:55", "ff:ff:ff:ff:ff:ff", "0:1:2:3:4:5",
            "80", "53", "443", "0", "17", "6", "65535", "0x800", "0x86dd", "255.255.255.255", "1.2.3.4/32",
            "10.0.0.1/8", "1.2.3", "00-11-22-33-44-55", "0011.2233.4455", "001122334455", "256", "1.2.3.4/33",
            "fe80::/129");
    /**
     * Names, only where libpcap looks them up locally (services, protocols): a name where a host is meant
     * makes libpcap ask DNS, which takes seconds to time out on a machine without a network.
     */
    private static final List<String> NAMES = List.of("ftp", "http", "domain", "ssh", "1-1024", "8000-9000",
            "80-80", "ftp-http", "\\tcp", "\\udp", "\\icmp", "\\ip", "\\arp", "\\ip6", "\\sctp", "\\rarp",
            "\\atalk", "\\decnet", "\\netbeui", "\\stp");
    private static final List<String> ARITH_OPS = List.of("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>");
    private static final List<String> RELOPS = List.of("=", "==", "!=", "<", "<=", ">", ">=");
    private static final List<String> OTHERS = List.of("less 100", "greater 200", "less 0", "broadcast",
            "multicast", "vlan", "vlan 10", "vlan 0", "mpls", "mpls 100", "pppoed", "pppoes", "pppoes 5", "geneve",
            "geneve 7", "inbound", "outbound", "ifindex 2", "llc", "llc i", "llc s", "llc u", "llc rr", "llc ui",
            "llc sabme", "type data", "type mgt", "type ctl subtype ack", "subtype beacon", "type mgt subtype probe-req",
            "dir tods", "dir 3", "type 2", "subtype qos-data", "byte 3 = 4", "byte 0 < 10", "byte 1 > 8",
            "vlan (10)", "mpls ((3))", "ip broadcast", "ip6 multicast", "ether broadcast", "ether multicast",
            "ip multicast", "tcp broadcast", "arp multicast", "wlan type data", "ip type data", "ether dir nods",
            "link subtype beacon", "tr type mgt", "ip6 broadcast", "wlan broadcast", "fddi multicast");

    private final Random rnd;

    GrammarGenerator(long seed) {
        this.rnd = new Random(seed);
    }

    private <T> T pick(List<T> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    /** One expression: terms joined by and/or at libpcap's equal precedence, with shorthand ids between. */
    String expr(int depth) {
        StringBuilder s = new StringBuilder(term(depth));
        int n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            s.append(' ').append(pick(List.of("and", "or", "&&", "||"))).append(' ');
            // expr and id: a bare id inherits the qualifiers of the primitive before it.
            s.append(rnd.nextInt(4) == 0 ? id(false) : term(depth - 1));
        }
        return s.toString();
    }

    private String term(int depth) {
        int k = rnd.nextInt(12);
        if (k == 0 && depth > 0) {
            return pick(List.of("not ", "! ", "!")) + term(depth - 1);
        }
        if (k == 1 && depth > 0) {
            return "(" + expr(depth - 1) + ")";
        }
        if (k == 2) {
            return relation();
        }
        if (k == 3) {
            return pick(OTHERS);
        }
        if (k == 4) {
            return pick(rnd.nextBoolean() ? COMMON : PNAMES);
        }
        if (k == 5) {
            return pick(List.of("vlan", "vlan 5", "mpls", "pppoes", "pppoes 1")) + " and "
                    + pick(List.of("vlan", "mpls 20", "ip", "tcp port 80", "ip6", "host 10.0.0.1", "pppoes"));
        }
        String head = head();
        boolean names = head.endsWith("port") || head.endsWith("portrange") || head.endsWith("proto")
                || head.endsWith("protochain");
        return head + " " + idList(names);
    }

    /** pqual dqual aqual (each part optional, as far as the grammar allows) or pqual PROTO/PROTOCHAIN. */
    private String head() {
        StringBuilder s = new StringBuilder();
        if (rnd.nextInt(3) > 0) {
            s.append(pick(rnd.nextBoolean() ? COMMON : PNAMES)).append(' ');
        }
        if (rnd.nextInt(3) == 0) {
            s.append(pick(DQUALS)).append(' ');
        }
        if (rnd.nextInt(4) > 0 || s.length() == 0) {
            s.append(pick(AQUALS)).append(' ');
        }
        return s.toString().strip();
    }

    /** id: a single id, {@code not id}, or a parenthesized list {@code (id or id ...)}. */
    private String idList(boolean names) {
        int k = rnd.nextInt(8);
        if (k == 0) {
            return "(" + id(names) + " " + pick(List.of("or", "and")) + " " + id(names) + ")";
        }
        if (k == 1) {
            return "not " + id(names);
        }
        if (k == 2) {
            return id(names) + " or " + id(names);
        }
        return id(names);
    }

    private String id(boolean names) {
        String id = names && rnd.nextInt(3) == 0 ? pick(NAMES) : pick(IDS);
        return rnd.nextInt(20) == 0 ? "(" + id + ")" : id;
    }

    /** arth relop arth. */
    String relation() {
        return arith(2) + " " + pick(RELOPS) + " " + arith(2);
    }

    private String arith(int depth) {
        int k = rnd.nextInt(depth > 0 ? 9 : 4);
        switch (k) {
            case 0: return Integer.toString(pick(List.of(0, 1, 2, 3, 4, 6, 8, 14, 20, 255, 0x800, 65535)));
            case 1: return "len";
            case 2: case 3: return load(depth);
            case 4: return "-" + arith(depth - 1);
            case 5: return "(" + arith(depth - 1) + ")";
            default: return arith(depth - 1) + " " + pick(ARITH_OPS) + " " + arith(depth - 1);
        }
    }

    private String load(int depth) {
        String proto = pick(rnd.nextInt(3) == 0 ? PNAMES : List.of("ether", "ip", "ip6", "tcp", "udp", "icmp",
                "arp", "link", "icmp6", "sctp", "igmp", "vrrp", "radio"));
        String idx = depth > 0 && rnd.nextInt(4) == 0 ? arith(depth - 1)
                : Integer.toString(pick(List.of(0, 1, 2, 6, 9, 12, 13, 20, 40)));
        String size = rnd.nextInt(3) == 0 ? ":" + pick(List.of(1, 2, 4, 3)) : "";
        return proto + "[" + idx + size + "]";
    }
}
