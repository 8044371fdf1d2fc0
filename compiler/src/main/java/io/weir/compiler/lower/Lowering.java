package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Addresses;
import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.Ast.Dir;
import io.weir.compiler.parse.Ast.Expr;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.IdKind;
import io.weir.compiler.parse.Ast.Qual;
import io.weir.compiler.parse.Ast.Type;
import io.weir.compiler.parse.Span;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;

/**
 * Lowers a syntax tree to a {@link Pred} of self-contained tests, with libpcap's semantics for each primitive
 * ({@code gencode.c}'s meaning, not its structure) and libpcap's error texts, located at the primitive.
 *
 * <p>The tree is walked left to right because {@code vlan} and {@code mpls} change the offsets of everything
 * written after them, as in libpcap.
 */
public final class Lowering {
    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_IGMP = 2;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_FRAGMENT = 44;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPPROTO_SCTP = 132;
    /** "No netmask": {@code ip broadcast} is then an error, as with libpcap's PCAP_NETMASK_UNKNOWN. */
    public static final long NETMASK_UNKNOWN = 0xFFFFFFFFL;

    private final String src;
    /** Not final: a tunnel scope ({@link Tunnels}) lowers its inner packet with the inner link layer. */
    private LinkLayer ll;
    private final long netmask;
    private final ArithLowering arith;
    private final SetTable sets;
    /** The tunnel frame primitives are moved onto ({@code vxlan}, {@code inner (...)}); null: the packet. */
    private Frame scope;
    /** {@code --ip6-transport}: transport-header loads over IPv6 too ({@link Ip6Transport}). */
    boolean ip6Transport;
    /** Set by {@code geneve} where its payload is not compiled (inside a tunnel scope, 802.11, MPLS; {@link Geneve}). */
    private boolean afterGeneve;

    /** The link type's payload is at a variable offset (radiotap, PPI...): still so after pppoes/vlan/mpls. */
    final boolean variableLink;

    private Lowering(String src, LinkLayer ll, long netmask, SetTable sets) {
        this.src = src;
        this.ll = ll;
        this.variableLink = VarOffsets.variable(ll);
        this.netmask = netmask;
        this.arith = new ArithLowering(this, src);
        this.sets = sets;
    }

    /**
     * Lowers {@code e} (parsed from {@code src}) for link layer {@code ll}; {@code netmask} serves
     * {@code ip broadcast} ({@link #NETMASK_UNKNOWN} if not known).
     */
    public static Pred lower(Expr e, String src, LinkLayer ll, long netmask) throws FilterSyntaxException {
        return lower(e, src, ll, netmask, SetTable.classic());
    }

    /** The same, with sets ({@code host in @FILE}) compiled as {@code sets} says (chains or lookups). */
    public static Pred lower(Expr e, String src, LinkLayer ll, long netmask, SetTable sets)
            throws FilterSyntaxException {
        return lower(e, src, ll, netmask, sets, false);
    }

    /** The same, with {@code --ip6-transport} on or off (see {@link io.weir.compiler.CompileOptions}). */
    public static Pred lower(Expr e, String src, LinkLayer ll, long netmask, SetTable sets, boolean ip6Transport)
            throws FilterSyntaxException {
        Lowering lw = new Lowering(src, ll, netmask, sets);
        lw.ip6Transport = ip6Transport;
        return lw.expr(e);
    }

    /** A comparison lowered as {@code proto[i] > 5} is ({@link TcpFlags} builds them). */
    Pred relation(Ast.Rel r) throws LowerException, FilterSyntaxException {
        return arith.relation(r);
    }

    /** The current tunnel frame, or null. */
    Frame scope() {
        return scope;
    }

    /** Continues in {@code frame} (null: the packet itself), whose link layer is {@code link}. */
    void enter(LinkLayer link, Frame frame) {
        this.ll = link;
        this.scope = frame;
    }

    LinkLayer link() {
        return ll;
    }

    FilterSyntaxException error(String msg, Span s) {
        return new FilterSyntaxException(msg, src, s.start(), s.end());
    }

    /** Lowers {@code e}; inside a tunnel frame, its primitives are moved onto the frame. */
    Pred expr(Expr e) throws FilterSyntaxException {
        Frame f = scope;
        Pred p = node(e);
        if (f == null || !Frame.isLeaf(e)) {
            return p;
        }
        try {
            return f.apply(p);
        } catch (LowerException le) {
            throw error(le.getMessage(), e.span());
        }
    }

    private Pred node(Expr e) throws FilterSyntaxException {
        if (afterGeneve && Frame.isLeaf(e) && !(e instanceof Ast.Empty) || afterGeneve && e instanceof Ast.Scope) {
            throw error("what follows 'geneve' (its payload) is not supported by Weir yet", e.span());
        }
        try {
            if (e instanceof Ast.Scope sc) {
                return Tunnels.inner(this, sc);
            }
            if (e instanceof Ast.And a) {
                Pred l = expr(a.l());
                return Pred.and(l, expr(a.r()));
            }
            if (e instanceof Ast.Or o) {
                Pred l = expr(o.l());
                return Pred.or(l, expr(o.r()));
            }
            if (e instanceof Ast.Not n) {
                return Pred.not(expr(n.e()));
            }
            if (e instanceof Ast.Empty) {
                return Pred.TRUE;
            }
            if (e instanceof Ast.Abbrev a) {
                return abbrev(a.proto(), a.span());
            }
            if (e instanceof Ast.Other o) {
                return other(o);
            }
            if (e instanceof Ast.Rel r) {
                return arith.relation(r);
            }
            if (e instanceof Ast.SetPrim s) {
                return Sets.lower(this, sets, s);
            }
            return prim((Ast.Prim) e);
        } catch (LowerException le) {
            throw error(le.getMessage(), e.span());
        }
    }

    // ---- protocols ----

    /** A protocol name on its own ({@code tcp}, {@code ip6}...), libpcap's {@code gen_proto_abbrev}. */
    Pred abbrev(String proto, Span span) throws LowerException, FilterSyntaxException {
        switch (proto) {
            case "ip": return ll.linktype(LinkLayer.ETHERTYPE_IP);
            case "ip6": return ll.linktype(LinkLayer.ETHERTYPE_IPV6);
            case "arp": return ll.linktype(LinkLayer.ETHERTYPE_ARP);
            case "rarp": return ll.linktype(LinkLayer.ETHERTYPE_REVARP);
            case "tcp": return Pred.or(ipProto(IPPROTO_TCP), ip6Proto(IPPROTO_TCP));
            case "udp": return Pred.or(ipProto(IPPROTO_UDP), ip6Proto(IPPROTO_UDP));
            case "sctp": return Pred.or(ipProto(IPPROTO_SCTP), ip6Proto(IPPROTO_SCTP));
            case "icmp": return ipProto(IPPROTO_ICMP);
            case "igmp": return ipProto(IPPROTO_IGMP);
            case "icmp6": return ip6Proto(IPPROTO_ICMPV6);
            case "gre": case "ipip": return Tunnels.abbrev(this, proto);
            case "radio": throw error("'radio' is not a valid protocol type", span);
            default:
                if (Protocols.handles(proto)) {
                    return Protocols.abbrev(this, proto);
                }
                throw error("link layer applied in wrong context", span);
        }
    }

    /** IPv4 with protocol {@code p}. */
    Pred ipProto(int p) throws LowerException {
        return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP), LinkLayer.cmp(1, ll.offNl() + 9, p));
    }

    /** IPv6 with next header {@code p}, directly or after a fragment header. */
    Pred ip6Proto(int p) throws LowerException {
        int nl = ll.offNl();
        Pred nh = Pred.or(LinkLayer.cmp(1, nl + 6, p),
                Pred.and(LinkLayer.cmp(1, nl + 6, IPPROTO_FRAGMENT), LinkLayer.cmp(1, nl + 40, p)));
        return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), nh);
    }

    /** Not a non-first IPv4 fragment (fragment offset zero). */
    Pred notFragment() {
        return Pred.not(LinkLayer.test(Codes.JSET_K, 0x1fff, LinkLayer.load(2, ll.offNl() + 6)));
    }

    // ---- keyword primitives ----

    private Pred other(Ast.Other o) throws LowerException, FilterSyntaxException {
        switch (o.kind()) {
            case "less":
                return Pred.not(LinkLayer.test(Codes.JGT_K, o.num().intValue(), ClassicInsn.stmt(Codes.LD_LEN, 0)));
            case "greater":
                return LinkLayer.test(Codes.JGE_K, o.num().intValue(), ClassicInsn.stmt(Codes.LD_LEN, 0));
            case "vlan":
                return ll.vlan(o.num());
            case "mpls":
                return ll.mpls(o.num());
            case "vxlan":
                return Tunnels.vxlan(this, o.num());
            case "geneve": {
                Pred p = Geneve.geneve(this, o.num());
                afterGeneve = !Geneve.enterPayload(this);
                return p;
            }
            case "broadcast":
                return broadcast(o.proto());
            case "multicast":
                return multicast(o.proto());
            case "llc":
                return Llc.llc(ll, o.proto());
            case "pppoed":
                return ll.linktype(0x8863);
            case "pppoes":
                return Pppoe.session(this, o.num());
            case "inbound":
            case "outbound":
            case "ifindex":
                return Direction.of(ll, o.kind(), o.num());
            case "wlan type":
                return Wlan.frameControl(ll, o.num());
            case "wlan dir":
                return Wlan.direction(ll, o.num());
            default:
                // The keywords of particular link types (ForeignKeywords): pflog, raw ATM, MTP2/SS7.
                if (o.kind().startsWith("pf ")) {
                    return Pflog.lower(ll, o);
                }
                if (o.kind().startsWith("atm ")) {
                    return SunAtm.lower(this, o);
                }
                if (o.kind().startsWith("mtp ")) {
                    return Mtp.lower(ll, o);
                }
                throw new IllegalStateException(o.kind());
        }
    }

    private Pred broadcast(String proto) throws LowerException {
        if (proto == null || proto.equals("ether")) {
            return Geneve.macCheck(this, ll.macBroadcast());
        }
        if (proto.equals("ip")) {
            if (netmask == NETMASK_UNKNOWN) {
                throw new LowerException("netmask not known, so 'ip broadcast' not supported");
            }
            int hostmask = (int) ~netmask;
            int off = ll.offNl() + 16;
            return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP),
                    Pred.or(LinkLayer.mcmp(4, off, hostmask, 0), LinkLayer.mcmp(4, off, hostmask, hostmask)));
        }
        throw new LowerException("only link-layer/IP broadcast filters supported");
    }

    private Pred multicast(String proto) throws LowerException {
        if (proto == null || proto.equals("ether")) {
            return Geneve.macCheck(this, ll.macMulticast());
        }
        if (proto.equals("ip")) {
            return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP),
                    LinkLayer.test(Codes.JGE_K, 224, LinkLayer.load(1, ll.offNl() + 16)));
        }
        if (proto.equals("ip6")) {
            return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), LinkLayer.cmp(1, ll.offNl() + 24, 255));
        }
        throw new LowerException("link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/"
                + "802.11/ATM LANE/Fibre Channel");
    }

    // ---- qualified ids ----

    Pred prim(Ast.Prim p) throws LowerException, FilterSyntaxException {
        Qual q = p.q();
        Id id = p.id();
        Wlan.checkQualifier(q, id);
        switch (q.type()) {
            case PROTO:
                return protoPrim(q, id);
            case PROTOCHAIN:
                return Protochain.protochain(this, q, id);
            case GATEWAY:
                throw error(id.kind() == IdKind.NAME ? "'gateway' not supported in this configuration"
                        : "'gateway' requires a name", id.span());
            case PORT:
            case PORTRANGE:
                return Ports.port(this, q, id);
            case FLAGS:
                return TcpFlags.flag(this, q, id);
            default:
                return address(q, id);
        }
    }

    private Pred protoPrim(Qual q, Id id) throws LowerException, FilterSyntaxException {
        String proto = q.proto() == null ? "" : q.proto();
        long v;
        if (id.kind() == IdKind.NUM) {
            v = id.num();
        } else if (id.kind() == IdKind.NAME) {
            if (Protocols.nameError(proto, id.text()) != null) {
                throw error(Protocols.nameError(proto, id.text()), id.span());
            }
            if (proto.equals("iso")) {
                v = Protocols.osiProtocol(id.text());
            } else if (proto.equals("ether")) {
                v = Names.etherType(id.text());
                if (v < 0) {
                    throw error("unknown ether proto '" + id.text() + "'", id.span());
                }
            } else {
                v = Names.ipProtocol(id.text());
                if (v < 0) {
                    throw error("unknown ip proto '" + id.text() + "'", id.span());
                }
            }
        } else {
            throw error("syntax error at '" + id.text() + "'", id.span());
        }
        int k = (int) v;
        switch (proto) {
            case "ether": return ll.linktype(k);
            case "ip": return ipProto(k);
            case "ip6": return ip6Proto(k);
            case "": return Pred.or(ipProto(k), ip6Proto(k));
            case "arp": case "rarp":
                throw error(proto + " does not encapsulate another protocol", q.protoSpan());
            default:
                if (Protocols.handles(proto)) {
                    return Protocols.proto(this, proto, k, q.protoSpan());
                }
                throw error("'" + proto + " proto' is bogus", q.protoSpan());
        }
    }

    private Pred address(Qual q, Id id) throws LowerException, FilterSyntaxException {
        if ("decnet".equals(q.proto())) {
            return Decnet.host(this, q, id);
        }
        boolean net = q.type() == Type.NET;
        String typestr = net ? "net" : "host";
        switch (id.kind()) {
            case NUM: {
                long v = id.num();
                long mask = 0xFFFFFFFFL;
                if (net) {
                    while (v != 0 && (v & 0xff000000L) == 0) {
                        v <<= 8;
                        mask = (mask << 8) & 0xFFFFFFFFL;
                    }
                }
                checkIpv4Proto(q, typestr);
                return host4((int) v, (int) mask, q);
            }
            case HID: {
                int[] parts = Addresses.parseIpv4Parts(id.text());
                if (parts == null) {
                    throw error("invalid IPv4 address '" + id.text() + "'", id.span());
                }
                int shift = 32 - 8 * parts.length;
                long v = pack(parts) << shift;
                long mask = (0xFFFFFFFFL << shift) & 0xFFFFFFFFL;
                checkIpv4Proto(q, typestr);
                return host4((int) v, (int) mask, q);
            }
            case HID_MASK:
            case HID_LEN: {
                int[] parts = Addresses.parseIpv4Parts(id.text());
                if (parts == null) {
                    throw error("invalid IPv4 address '" + id.text() + "'", id.span());
                }
                long v = (pack(parts) << (32 - 8 * parts.length)) & 0xFFFFFFFFL;
                long m;
                if (id.kind() == IdKind.HID_MASK) {
                    int[] mp = Addresses.parseIpv4Parts(id.mask());
                    if (mp == null) {
                        throw error("invalid IPv4 address '" + id.mask() + "'", id.span());
                    }
                    m = (pack(mp) << (32 - 8 * mp.length)) & 0xFFFFFFFFL;
                    if ((v & ~m) != 0) {
                        throw error("non-network bits set in \"" + id.text() + " mask " + id.mask() + "\"",
                                id.span());
                    }
                } else {
                    if (id.num() > 32) {
                        throw error("mask length must be <= 32", id.span());
                    }
                    m = id.num() == 0 ? 0 : (0xFFFFFFFFL << (32 - id.num())) & 0xFFFFFFFFL;
                    if ((v & ~m) != 0) {
                        throw error("non-network bits set in \"" + id.text() + "/" + id.num() + "\"", id.span());
                    }
                }
                if (!net) {
                    throw error("Mask syntax for networks only", id.span());
                }
                checkIpv4Proto(q, typestr);
                return host4((int) v, (int) m, q);
            }
            case HID6:
            case HID6_LEN: {
                byte[] a = Addresses.parseIpv6(id.text());
                if (a == null) {
                    throw error("invalid IPv6 address '" + id.text() + "'", id.span());
                }
                int len = 128;
                if (id.kind() == IdKind.HID6_LEN) {
                    if (id.num() > 128) {
                        throw error("mask length must be <= 128", id.span());
                    }
                    len = (int) id.num();
                }
                int[] words = new int[4];
                int[] masks = new int[4];
                boolean bad = false;
                for (int i = 0; i < 4; i++) {
                    words[i] = ((a[4 * i] & 0xff) << 24) | ((a[4 * i + 1] & 0xff) << 16)
                            | ((a[4 * i + 2] & 0xff) << 8) | (a[4 * i + 3] & 0xff);
                    int bits = Math.max(0, Math.min(32, len - 32 * i));
                    masks[i] = bits == 0 ? 0 : (int) ((0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL);
                    bad |= (words[i] & ~masks[i]) != 0;
                }
                if (bad) {
                    throw error("non-network bits set in \"" + id.text() + "/" + len + "\"", id.span());
                }
                if (id.kind() == IdKind.HID6_LEN && !net) {
                    throw error("Mask syntax for networks only", id.span());
                }
                if (q.proto() != null && Protocols.host6Error(q.proto()) != null) {
                    throw error(Protocols.host6Error(q.proto()), q.protoSpan());
                }
                if (q.proto() != null && !q.proto().equals("ip6")) {
                    Span s = q.protoSpan();
                    throw error("'" + q.proto() + "' modifier applied to ip6 " + typestr, s);
                }
                return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), dirop(q.dir(),
                        host6(words, masks, ll.offNl() + 8), host6(words, masks, ll.offNl() + 24)));
            }
            case EID: {
                if (!"ether".equals(q.proto()) || net) {
                    throw error("ethernet address used in non-ether expression", id.span());
                }
                if (ll.offMac() < 0 && !Wlan.is(ll)) {
                    throw error("ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/"
                            + "Fibre Channel", id.span());
                }
                byte[] mac = Addresses.parseMac(id.text());
                if (mac == null) {
                    throw error("bogus ethernet address " + id.text(), id.span());
                }
                if (Wlan.is(ll) || Wlan.addressQualifier(q.dir())) {
                    return Wlan.host(ll, mac, q.dir());
                }
                return Geneve.macCheck(this, ll.leControl(dirop(q.dir(), ehost(mac, ll.offMac() + 6),
                        ehost(mac, ll.offMac()))));
            }
            case NAME:
            default:
                throw error("Weir does not resolve host names: '" + id.text()
                        + "' (use a numeric address)", id.span());
        }
    }

    private static long pack(int[] parts) {
        long v = 0;
        for (int p : parts) {
            v = (v << 8) | p;
        }
        return v;
    }

    void checkIpv4Proto(Qual q, String typestr) throws FilterSyntaxException {
        String p = q.proto();
        if (p == null || p.equals("ip") || p.equals("arp") || p.equals("rarp")) {
            return;
        }
        if (p.equals("ether")) {
            throw error("illegal link layer address", q.protoSpan());
        }
        if (p.equals("ip6")) {
            throw error("'ip6' modifier applied to ip " + typestr, q.protoSpan());
        }
        if (Protocols.hostError(p) != null) {
            throw error(Protocols.hostError(p), q.protoSpan());
        }
        throw error("'" + p + "' modifier applied to " + typestr, q.protoSpan());
    }

    /** libpcap's {@code gen_host} for IPv4: ip, arp and rarp unless a protocol qualifier picks one. */
    private Pred host4(int addr, int mask, Qual q) throws LowerException {
        int nl = ll.offNl();
        String p = q.proto();
        Pred ip = null;
        Pred arp = null;
        Pred rarp = null;
        if (p == null || p.equals("ip")) {
            ip = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP),
                    dirop(q.dir(), LinkLayer.mcmp(4, nl + 12, mask, addr), LinkLayer.mcmp(4, nl + 16, mask, addr)));
        }
        // libpcap checks ARP and RARP addresses only outside MPLS.
        boolean arpToo = ll.mplsDepth() == 0;
        if ((p == null && arpToo) || "arp".equals(p)) {
            arp = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_ARP),
                    dirop(q.dir(), LinkLayer.mcmp(4, nl + 14, mask, addr), LinkLayer.mcmp(4, nl + 24, mask, addr)));
        }
        if ((p == null && arpToo) || "rarp".equals(p)) {
            rarp = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_REVARP),
                    dirop(q.dir(), LinkLayer.mcmp(4, nl + 14, mask, addr), LinkLayer.mcmp(4, nl + 24, mask, addr)));
        }
        return Pred.or(Pred.or(ip, arp), rarp);
    }

    private static Pred host6(int[] words, int[] masks, int off) {
        Pred p = null;
        for (int i = 0; i < 4; i++) {
            if (masks[i] != 0) {
                p = Pred.and(p, LinkLayer.mcmp(4, off + 4 * i, masks[i], words[i]));
            }
        }
        return p == null ? Pred.TRUE : p;
    }

    private static Pred ehost(byte[] mac, int off) {
        int low = ((mac[2] & 0xff) << 24) | ((mac[3] & 0xff) << 16) | ((mac[4] & 0xff) << 8) | (mac[5] & 0xff);
        int high = ((mac[0] & 0xff) << 8) | (mac[1] & 0xff);
        return Pred.and(LinkLayer.cmp(4, off + 2, low), LinkLayer.cmp(2, off, high));
    }

    /** Combines the source and destination tests as the direction qualifier says. */
    static Pred dirop(Dir dir, Pred src, Pred dst) {
        switch (dir) {
            case SRC: return src;
            case DST: return dst;
            case SRC_AND_DST: return Pred.and(src, dst);
            default: return Pred.or(src, dst);
        }
    }
}
