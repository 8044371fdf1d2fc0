package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Span;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.Map;

/**
 * The protocol keywords beyond IP and ARP, with libpcap's meaning ({@code gen_proto_abbrev}, {@code gen_proto}
 * and {@code gen_host}'s per-protocol errors): DEC protocols, AppleTalk, the OSI family (ISO, ES-IS, IS-IS and
 * its PDU types, CLNP) behind 802.2 LLC, STP, IPX, NetBEUI, and the IP protocols VRRP, CARP, PIM, IGRP, AH and
 * ESP.
 *
 * <p>The OSI protocols sit behind a 3-byte LLC header without SNAP, so their "network layer" starts at
 * libpcap's {@code off_nl_nosnap}: 3 bytes after the link-layer payload on Ethernet and Linux cooked v1, at the
 * payload itself on Linux cooked v2 (whose protocol field already names the SAP).
 */
public final class Protocols {
    static final int ETHERTYPE_DN = 0x6003;
    static final int ETHERTYPE_ATALK = 0x809b;
    static final int ETHERTYPE_AARP = 0x80f3;
    static final int LLCSAP_ISONS = 0xfe;
    static final int LLCSAP_8021D = 0x42;
    static final int LLCSAP_IPX = 0xe0;
    static final int LLCSAP_NETBEUI = 0xf0;
    static final int ISO8473_CLNP = 0x81;
    static final int ISO9542_ESIS = 0x82;
    static final int ISO10589_ISIS = 0x83;

    /** Protocols that are only an Ethernet type (or LLC SAP) test. */
    private static final Map<String, Integer> LINK_PROTOCOLS = Map.ofEntries(
            Map.entry("atalk", ETHERTYPE_ATALK), Map.entry("aarp", ETHERTYPE_AARP),
            Map.entry("decnet", ETHERTYPE_DN), Map.entry("lat", 0x6004), Map.entry("sca", 0x6007),
            Map.entry("moprc", 0x6002), Map.entry("mopdl", 0x6001), Map.entry("iso", LLCSAP_ISONS),
            Map.entry("stp", LLCSAP_8021D), Map.entry("ipx", LLCSAP_IPX), Map.entry("netbeui", LLCSAP_NETBEUI));

    /** IS-IS PDU types for each PDU keyword (ISO 10589 section 9). */
    private static final Map<String, int[]> ISIS_PDUS = Map.of(
            "l1", new int[] {26, 24, 18, 15, 17},
            "l2", new int[] {27, 25, 20, 16, 17},
            "iih", new int[] {17, 15, 16},
            "lsp", new int[] {18, 20},
            "snp", new int[] {24, 25, 26, 27},
            "csnp", new int[] {24, 25},
            "psnp", new int[] {26, 27});

    /** gen_host's own words for protocols that have no host addresses in libpcap. */
    private static final Map<String, String> HOST_ERRORS = Map.of(
            "atalk", "AppleTalk host filtering not implemented", "aarp", "AARP host filtering not implemented",
            "lat", "LAT host filtering not implemented", "sca", "SCA host filtering not implemented",
            "moprc", "MOPRC host filtering not implemented", "mopdl", "MOPDL host filtering not implemented",
            "iso", "ISO host filtering not implemented", "ipx", "IPX host filtering not implemented");

    private Protocols() {
    }

    /** Whether {@code proto} is one of the protocols this class lowers. */
    public static boolean handles(String proto) {
        return LINK_PROTOCOLS.containsKey(proto) || ISIS_PDUS.containsKey(proto) || ipProtocol(proto) >= 0
                || proto.equals("esis") || proto.equals("isis") || proto.equals("clnp");
    }

    /** The IP protocol a keyword abbreviates, or -1. */
    static int ipProtocol(String proto) {
        switch (proto) {
            case "vrrp": case "carp": return 112;
            case "igrp": return 9;
            case "pim": return 103;
            case "ah": return 51;
            case "esp": return 50;
            default: return -1;
        }
    }

    /** A protocol keyword on its own ({@code ipx}, {@code pim}, {@code l1}...): libpcap's gen_proto_abbrev. */
    static Pred abbrev(Lowering lw, String proto) throws LowerException {
        LinkLayer ll = lw.link();
        Integer lt = LINK_PROTOCOLS.get(proto);
        if (lt != null) {
            return ll.linktype(lt);
        }
        switch (proto) {
            case "vrrp": case "carp": case "igrp":
                // IPv4 only in libpcap.
                return lw.ipProto(ipProtocol(proto));
            case "pim": case "ah": case "esp":
                return Pred.or(lw.ipProto(ipProtocol(proto)), lw.ip6Proto(ipProtocol(proto)));
            case "clnp": return iso(ll, ISO8473_CLNP);
            case "esis": return iso(ll, ISO9542_ESIS);
            case "isis": return iso(ll, ISO10589_ISIS);
            default: {
                int[] types = ISIS_PDUS.get(proto);
                Pred any = null;
                for (int t : types) {
                    any = Pred.or(any, isisPdu(ll, t));
                }
                return Pred.and(iso(ll, ISO10589_ISIS), any);
            }
        }
    }

    /** {@code PROTO proto N} for these protocols: what libpcap's gen_proto accepts, and its errors. */
    static Pred proto(Lowering lw, String proto, int v, Span protoSpan) throws LowerException, FilterSyntaxException {
        LinkLayer ll = lw.link();
        switch (proto) {
            case "iso":
                return iso(ll, v);
            case "isis":
                return Pred.and(iso(ll, ISO10589_ISIS), isisPdu(ll, v));
            case "clnp":
                throw lw.error("'clnp proto' is not supported", protoSpan);
            case "decnet":
                throw lw.error("DECNET encapsulation is not specifiable", protoSpan);
            case "atalk":
                throw lw.error("AppleTalk encapsulation is not specifiable", protoSpan);
            case "lat": case "sca": case "moprc": case "mopdl":
                throw lw.error(proto.toUpperCase() + " does not encapsulate another protocol", protoSpan);
            default:
                throw lw.error("'" + proto + " proto' is bogus", protoSpan);
        }
    }

    /** libpcap's error for {@code PROTO host/net} with an IPv4 address or number, or null for the generic one. */
    public static String hostError(String proto) {
        return HOST_ERRORS.get(proto);
    }

    /** libpcap's error for {@code PROTO host} with an IPv6 address, or null for the generic one. */
    public static String host6Error(String proto) {
        return proto.equals("atalk") ? "AppleTalk modifier applied to ip6 host" : null;
    }

    /**
     * Where the OSI network layer starts (libpcap's off_nl_nosnap): after the 3-byte LLC header on Ethernet; at
     * the link payload itself on Linux cooked v1 (where libpcap then reads the DSAP, so {@code esis} never
     * matches there) and v2.
     */
    static int isoOffset(LinkLayer ll) {
        return ll.isEthernet() ? ll.offNl() + 3 : ll.offNl();
    }

    /**
     * libpcap's error for {@code PROTO proto NAME} when the qualifier takes no protocol names (lookup_proto):
     * only ether/link, ip, ip6, iso and no qualifier do; null otherwise, or for an unknown OSI name.
     */
    public static String nameError(String proto, String name) {
        switch (proto) {
            case "": case "ether": case "ip": case "ip6":
                return null;
            case "iso":
                return osiProtocol(name) < 0 ? "unknown osi proto '" + name + "'" : null;
            default:
                return "unknown protocol: " + name;
        }
    }

    /** The NLPID of an OSI protocol name (pcap_nametoosiproto), or -1. */
    public static int osiProtocol(String name) {
        switch (name) {
            case "clnp": return ISO8473_CLNP;
            case "esis": return ISO9542_ESIS;
            case "isis": return ISO10589_ISIS;
            default: return -1;
        }
    }

    /**
     * An ISO packet whose network-layer protocol identifier is {@code nlpid}. Cisco HDLC stuffs a fudge byte
     * before the NLPID (libpcap's gen_proto reads it one byte later there; the IS-IS PDU type is not moved).
     */
    private static Pred iso(LinkLayer ll, int nlpid) throws LowerException {
        int fudge = ll.family() == LinkTypes.Family.CHDLC ? 1 : 0;
        return Pred.and(ll.linktype(LLCSAP_ISONS), LinkLayer.cmp(1, isoOffset(ll) + fudge, nlpid));
    }

    /** The IS-IS PDU type (the fifth byte of the common header, reserved bits included as libpcap does). */
    private static Pred isisPdu(LinkLayer ll, int type) {
        return LinkLayer.test(Codes.JEQ_K, type, LinkLayer.load(1, isoOffset(ll) + 4));
    }
}
