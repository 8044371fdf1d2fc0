package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Addresses;
import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.Ast.Dir;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.Qual;
import io.weir.compiler.parse.Ast.Type;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lowers set primitives ({@code [proto] [dir] host|net|port in SET}). A set means what the libpcap expression
 * with its entries joined by {@code or} means ({@code host in {a, b}} is {@code host (a or b)}), except that
 * {@code src and dst} means both ends are in the set. Small sets are lowered as exactly that expression; large
 * ones as lookup tests of one {@link SetLookup} per kind of value (see {@link SetTable}): the same protocol
 * checks as the primitive, with each address or port comparison replaced by one lookup of the field.
 */
final class Sets {
    private static final int UNDEF = -1;

    private final Lowering lw;
    private final SetTable table;
    private final Ast.SetPrim s;
    private final SetEntries entries;

    private Sets(Lowering lw, SetTable table, Ast.SetPrim s, SetEntries entries) {
        this.lw = lw;
        this.table = table;
        this.s = s;
        this.entries = entries;
    }

    static Pred lower(Lowering lw, SetTable table, Ast.SetPrim s) throws FilterSyntaxException, LowerException {
        Type type = s.q().type();
        if (type == Type.PROTO || type == Type.PORTRANGE) {
            throw lw.error("'" + type.name().toLowerCase() + " in' is not supported: sets hold hosts, networks or "
                    + "ports", s.q().typeSpan());
        }
        SetEntries entries = SetEntries.of(lw, s, table.baseDir());
        if (entries.size() == 0) {
            throw lw.error("the set " + entries.origin() + " is empty", s.setSpan());
        }
        Sets sets = new Sets(lw, table, s, entries);
        if (entries.size() <= table.maxChain()) {
            return sets.chain();
        }
        if (!table.lookupsAllowed()) {
            throw lw.error("the set " + entries.origin() + " has " + entries.size() + " entries: classic BPF holds "
                    + "sets of up to " + SetTable.CLASSIC_MAX + " (as comparisons); larger sets need the eBPF path "
                    + "(map lookups)", s.setSpan());
        }
        return type == Type.PORT ? sets.portLookups() : sets.addressLookups(type == Type.NET);
    }

    private Qual qual(Dir dir) {
        Qual q = s.q();
        Type type = q.type() == Type.DEFAULT ? Type.HOST : q.type();
        return new Qual(q.proto(), q.protoSpan(), dir, q.dirSpan(), type, q.typeSpan());
    }

    // ---- small sets: the libpcap expression ----

    private Pred chain() throws FilterSyntaxException, LowerException {
        if (s.q().dir() == Dir.SRC_AND_DST) {
            return Pred.and(chain(Dir.SRC), chain(Dir.DST));
        }
        return chain(s.q().dir());
    }

    private Pred chain(Dir dir) throws FilterSyntaxException, LowerException {
        Qual q = qual(dir);
        Pred p = null;
        for (SetEntries.Entry e : entries.entries()) {
            try {
                p = Pred.or(p, lw.prim(new Ast.Prim(q, e.id(), s.span())));
            } catch (FilterSyntaxException x) {
                throw entries.relocate(lw, e, x);
            }
        }
        return p;
    }

    // ---- large sets: lookups ----

    private Pred.Test lookup(List<ClassicInsn> stmts, int index) {
        return new Pred.Test(stmts, SetTable.LOOKUP, index);
    }

    /**
     * A lookup of the address at {@code off} in table {@code index}: its first {@link SetLookup#loadedWords()}
     * words loaded, all but the last stored to M[12..14], the last left in A; no test at all when every address
     * is in the set (a /0 entry: libpcap's masked comparison then loads nothing either).
     */
    private Pred address(int off, int index) {
        SetLookup t = table.tables().get(index);
        if (t.matchesAll()) {
            return Pred.TRUE;
        }
        int n = t.loadedWords();
        List<ClassicInsn> stmts = new java.util.ArrayList<>();
        for (int w = 0; w < n; w++) {
            stmts.add(LinkLayer.load(4, off + 4 * w));
            if (w < n - 1) {
                stmts.add(ClassicInsn.stmt(Codes.ST, SetTable.KEY_SCRATCH + w));
            }
        }
        return lookup(stmts, index);
    }

    private Pred addressLookups(boolean net) throws FilterSyntaxException, LowerException {
        SetLookup v4 = new SetLookup(SetLookup.Kind.IPV4, entries.origin());
        SetLookup v6 = new SetLookup(SetLookup.Kind.IPV6, entries.origin());
        for (SetEntries.Entry e : entries.entries()) {
            addAddress(e, net, v4, v6);
        }
        Qual q = s.q();
        String typestr = net ? "net" : "host";
        LinkLayer ll = lw.link();
        int nl = ll.offNl();
        Pred p = null;
        if (v4.size() > 0) {
            lw.checkIpv4Proto(q, typestr);
            int i = table.add(v4);
            String proto = q.proto();
            if (proto == null || proto.equals("ip")) {
                p = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP), Lowering.dirop(q.dir(), address(nl + 12, i),
                        address(nl + 16, i)));
            }
            // As libpcap's host: ARP and RARP addresses too, outside MPLS.
            boolean arpToo = ll.mplsDepth() == 0;
            if ((proto == null && arpToo) || "arp".equals(proto)) {
                p = Pred.or(p, Pred.and(ll.linktype(LinkLayer.ETHERTYPE_ARP),
                        Lowering.dirop(q.dir(), address(nl + 14, i), address(nl + 24, i))));
            }
            if ((proto == null && arpToo) || "rarp".equals(proto)) {
                p = Pred.or(p, Pred.and(ll.linktype(LinkLayer.ETHERTYPE_REVARP),
                        Lowering.dirop(q.dir(), address(nl + 14, i), address(nl + 24, i))));
            }
        }
        if (v6.size() > 0) {
            if (q.proto() != null && !q.proto().equals("ip6")) {
                throw lw.error("'" + q.proto() + "' modifier applied to ip6 " + typestr, q.protoSpan());
            }
            int i = table.add(v6);
            p = Pred.or(p, Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6),
                    Lowering.dirop(q.dir(), address(nl + 8, i), address(nl + 24, i))));
        }
        return p == null ? Pred.FALSE : p;
    }

    /** Resolves one address entry as libpcap's host/net would, and adds it to the table of its family. */
    private void addAddress(SetEntries.Entry e, boolean net, SetLookup v4, SetLookup v6) throws FilterSyntaxException {
        Id id = e.id();
        switch (id.kind()) {
            case NUM: {
                long v = id.num();
                int len = 32;
                while (net && v != 0 && (v & 0xff000000L) == 0) {
                    v <<= 8;
                    len -= 8;
                }
                v4.add(len, new int[] {(int) v});
                return;
            }
            case HID: {
                int[] parts = parts(e, id.text());
                v4.add(8 * parts.length, new int[] {(int) (pack(parts) << (32 - 8 * parts.length))});
                return;
            }
            case HID_LEN:
            case HID_MASK: {
                int[] parts = parts(e, id.text());
                long v = (pack(parts) << (32 - 8 * parts.length)) & 0xFFFFFFFFL;
                long m;
                String shown;
                if (id.kind() == Ast.IdKind.HID_MASK) {
                    int[] mp = parts(e, id.mask());
                    m = (pack(mp) << (32 - 8 * mp.length)) & 0xFFFFFFFFL;
                    shown = id.text() + " mask " + id.mask();
                } else {
                    if (id.num() > 32) {
                        throw entries.error(lw, e, "mask length must be <= 32");
                    }
                    m = SetLookup.mask((int) id.num()) & 0xFFFFFFFFL;
                    shown = id.text() + "/" + id.num();
                }
                if ((v & ~m) != 0) {
                    throw entries.error(lw, e, "non-network bits set in \"" + shown + "\"");
                }
                if (!net) {
                    throw entries.error(lw, e, "Mask syntax for networks only");
                }
                int len = Long.bitCount(m);
                if (m != (SetLookup.mask(len) & 0xFFFFFFFFL)) {
                    throw entries.error(lw, e, "a set holds prefixes: mask " + id.mask() + " is not one");
                }
                v4.add(len, new int[] {(int) v});
                return;
            }
            case HID6:
            case HID6_LEN: {
                byte[] a = Addresses.parseIpv6(id.text());
                if (a == null) {
                    throw entries.error(lw, e, "invalid IPv6 address '" + id.text() + "'");
                }
                int len = 128;
                if (id.kind() == Ast.IdKind.HID6_LEN) {
                    if (id.num() > 128) {
                        throw entries.error(lw, e, "mask length must be <= 128");
                    }
                    len = (int) id.num();
                }
                int[] words = new int[4];
                boolean bad = false;
                for (int i = 0; i < 4; i++) {
                    words[i] = ((a[4 * i] & 0xff) << 24) | ((a[4 * i + 1] & 0xff) << 16)
                            | ((a[4 * i + 2] & 0xff) << 8) | (a[4 * i + 3] & 0xff);
                    bad |= (words[i] & ~SetLookup.mask(Math.max(0, Math.min(32, len - 32 * i)))) != 0;
                }
                if (bad) {
                    throw entries.error(lw, e, "non-network bits set in \"" + id.text() + "/" + len + "\"");
                }
                if (id.kind() == Ast.IdKind.HID6_LEN && !net) {
                    throw entries.error(lw, e, "Mask syntax for networks only");
                }
                v6.add(len, words);
                return;
            }
            case EID:
                throw entries.error(lw, e, "ethernet address used in non-ether expression");
            default:
                throw entries.error(lw, e, "Weir does not resolve host names: '" + id.text()
                        + "' (use a numeric address)");
        }
    }

    private int[] parts(SetEntries.Entry e, String text) throws FilterSyntaxException {
        int[] parts = Addresses.parseIpv4Parts(text);
        if (parts == null) {
            throw entries.error(lw, e, "invalid IPv4 address '" + text + "'");
        }
        return parts;
    }

    private static long pack(int[] parts) {
        long v = 0;
        for (int p : parts) {
            v = (v << 8) | p;
        }
        return v;
    }

    private Pred portLookups() throws FilterSyntaxException, LowerException {
        Qual q = s.q();
        int proto;
        if (q.proto() == null) {
            proto = UNDEF;
        } else if (q.proto().equals("tcp")) {
            proto = Lowering.IPPROTO_TCP;
        } else if (q.proto().equals("udp")) {
            proto = Lowering.IPPROTO_UDP;
        } else if (q.proto().equals("sctp")) {
            proto = Lowering.IPPROTO_SCTP;
        } else {
            throw lw.error("'port' is not a valid qualifier for '" + q.proto() + "'", q.typeSpan());
        }
        // A service name may narrow the protocol (port 'bgp' is TCP only): one table per protocol, as the
        // libpcap expression would check each name with its own protocol.
        Map<Integer, SetLookup> byProto = new TreeMap<>();
        for (SetEntries.Entry e : entries.entries()) {
            Id id = e.id();
            int[] r;
            try {
                if (id.kind() != Ast.IdKind.NUM && id.kind() != Ast.IdKind.NAME) {
                    throw lw.error("illegal port '" + id.text() + "'", id.span());
                }
                r = Ports.resolve(lw, id, id.kind() == Ast.IdKind.NUM ? null : id.text(), proto);
            } catch (FilterSyntaxException x) {
                throw entries.relocate(lw, e, x);
            }
            SetLookup t = byProto.get(r[1]);
            if (t == null) {
                t = new SetLookup(SetLookup.Kind.PORT, entries.origin());
                byProto.put(r[1], t);
            }
            t.add(32, new int[] {r[0]});
        }
        Pred p = null;
        for (Map.Entry<Integer, SetLookup> g : byProto.entrySet()) {
            int i = table.add(g.getValue());
            p = Pred.or(p, Pred.or(port4(g.getKey(), i, q.dir()), port6(g.getKey(), i, q.dir())));
        }
        return p;
    }

    private Pred port4(int proto, int index, Dir dir) throws LowerException {
        LinkLayer ll = lw.link();
        int nl = ll.offNl();
        Pred.Test sport = lookup(List.of(ClassicInsn.stmt(Codes.LDX_MSH, nl), ClassicInsn.stmt(Codes.LDH_IND, nl)),
                index);
        Pred.Test dport = lookup(List.of(ClassicInsn.stmt(Codes.LDX_MSH, nl), ClassicInsn.stmt(Codes.LDH_IND,
                nl + 2)), index);
        return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP), Pred.and(Ports.protoIs(nl + 9, proto),
                Pred.and(lw.notFragment(), Lowering.dirop(dir, sport, dport))));
    }

    private Pred port6(int proto, int index, Dir dir) throws LowerException {
        LinkLayer ll = lw.link();
        int nl = ll.offNl();
        Pred.Test sport = lookup(List.of(LinkLayer.load(2, nl + 40)), index);
        Pred.Test dport = lookup(List.of(LinkLayer.load(2, nl + 42)), index);
        return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), Pred.and(Ports.protoIs(nl + 6, proto),
                Lowering.dirop(dir, sport, dport)));
    }
}
