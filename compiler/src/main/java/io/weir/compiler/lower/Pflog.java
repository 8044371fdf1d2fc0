package io.weir.compiler.lower;

import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.ForeignKeywords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * OpenBSD's pflog link type (DLT_PFLOG, 117) as libpcap 1.10 filters it. The pflog header says its own length in
 * its first byte; the network layer starts there, rounded up to a multiple of 4 ({@link VarOffsets} computes that
 * into a scratch word, as libpcap's {@code gen_load_pflog_llprefixlen} does, so the network layer sits at
 * {@link LinkTypes#VAR_PL}). {@code ip} and {@code ip6} test the header's address family byte (AF_INET, and
 * Linux's AF_INET6 as libpcap compiled on Linux does); every other protocol is false.
 *
 * <p>The pf keywords test fixed fields of the header: {@code on}/{@code ifname NAME} and {@code rset}/{@code
 * ruleset NAME} are prefix compares of the 16-byte name fields (libpcap's {@code gen_bcmp}: last 4-byte word first),
 * {@code rnr}/{@code rulenum N} and {@code srnr}/{@code subrulenum N} the 32-bit rule numbers, {@code reason} and
 * {@code action} one byte each, by number or by libpcap's names. On other link types they are libpcap's errors.
 * {@code inbound}/{@code outbound} read the header's direction byte, for savefiles too ({@link Direction}).
 */
final class Pflog {
    /** DLT_PFLOG. */
    static final int DLT = 117;
    private static final int AF_INET = 2;
    private static final int AF_INET6_LINUX = 10;

    /** Offsets in struct pfloghdr. */
    private static final int OFF_AF = 1;
    private static final int OFF_ACTION = 2;
    private static final int OFF_REASON = 3;
    private static final int OFF_IFNAME = 4;
    private static final int OFF_RULESET = 20;
    private static final int OFF_RULENR = 36;
    private static final int OFF_SUBRULENR = 40;
    private static final int OFF_DIR = 60;
    private static final int NAME_FIELD = 16;

    /** pf's reason codes, in order (libpcap's PFRES_NAMES). */
    private static final List<String> REASONS = List.of("match", "bad-offset", "fragment", "short", "normalize",
            "memory", "bad-timestamp", "congestion", "ip-option", "proto-cksum", "state-mismatch", "state-insert",
            "state-limit", "src-limit", "synproxy");

    private Pflog() {
    }

    /** libpcap's {@code gen_linktype} on pflog: the address family byte. */
    static Pred linktype(LinkLayer ll, int etherType) {
        if (etherType == LinkLayer.ETHERTYPE_IP) {
            return LinkLayer.cmp(1, ll.offLinkHdr() + OFF_AF, AF_INET);
        }
        if (etherType == LinkLayer.ETHERTYPE_IPV6) {
            return LinkLayer.cmp(1, ll.offLinkHdr() + OFF_AF, AF_INET6_LINUX);
        }
        return Pred.FALSE;
    }

    /**
     * A pf keyword primitive: {@code o.kind()} is {@code "pf "} and the keyword, {@code o.proto()} its name operand
     * (null for a number, in {@code o.num()}). Names are checked before the link type, as libpcap does.
     */
    static Pred lower(LinkLayer ll, Ast.Other o) throws LowerException {
        String word = o.kind().substring(3);
        int reason = -1;
        int action = -1;
        if (word.equals("reason") && o.proto() != null) {
            reason = REASONS.indexOf(o.proto().toLowerCase(Locale.ROOT));
            if (reason < 0) {
                throw new LowerException("unknown PF reason \"" + o.proto() + "\"");
            }
        } else if (word.equals("action")) {
            action = action(o.proto());
        }
        if (ll.type().dlt() != DLT) {
            throw new LowerException(ForeignKeywords.message(word));
        }
        int hdr = ll.offLinkHdr();
        switch (word) {
            case "on": case "ifname":
                return name(hdr + OFF_IFNAME, o.proto(), "ifname interface names can only be ");
            case "rset": case "ruleset":
                return name(hdr + OFF_RULESET, o.proto(), "ruleset names can only be ");
            case "rnr": case "rulenum":
                return LinkLayer.cmp(4, hdr + OFF_RULENR, o.num().intValue());
            case "srnr": case "subrulenum":
                return LinkLayer.cmp(4, hdr + OFF_SUBRULENR, o.num().intValue());
            case "reason":
                return LinkLayer.cmp(1, hdr + OFF_REASON, reason >= 0 ? reason : o.num().intValue());
            default:
                return LinkLayer.cmp(1, hdr + OFF_ACTION, action);
        }
    }

    /** {@code inbound}/{@code outbound}: the header's direction byte, PF_IN (1) or PF_OUT (2), savefile or not. */
    static Pred direction(LinkLayer ll, boolean out) {
        return LinkLayer.cmp(1, ll.offLinkHdr() + OFF_DIR, out ? 2 : 1);
    }

    /** pf's actions in number order (libpcap's {@code pfaction_to_num}); "accept" and "drop" are aliases. */
    private static final List<String> ACTIONS = List.of("pass", "block", "scrub", "noscrub", "nat", "nonat", "binat",
            "nobinat", "rdr", "nordr", "synproxy-drop");

    /** The action number of a name (case-insensitive). */
    private static int action(String name) throws LowerException {
        String n = name.toLowerCase(Locale.ROOT);
        int a = ACTIONS.indexOf(n.equals("accept") ? "pass" : n.equals("drop") ? "block" : n);
        if (a < 0) {
            throw new LowerException("unknown PF action \"" + name + "\"");
        }
        return a;
    }

    /** A prefix compare of a NUL-padded name field, in libpcap's order: 4-byte words from the end, then 2, then 1. */
    private static Pred name(int off, String name, String tooLong) throws LowerException {
        byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length >= NAME_FIELD) {
            throw new LowerException(tooLong + (NAME_FIELD - 1) + " characters");
        }
        Pred p = null;
        int size = b.length;
        while (size >= 4) {
            p = Pred.and(p, LinkLayer.cmp(4, off + size - 4, word(b, size - 4, 4)));
            size -= 4;
        }
        while (size >= 2) {
            p = Pred.and(p, LinkLayer.cmp(2, off + size - 2, word(b, size - 2, 2)));
            size -= 2;
        }
        if (size > 0) {
            p = Pred.and(p, LinkLayer.cmp(1, off, b[0] & 0xff));
        }
        return p == null ? Pred.TRUE : p;
    }

    private static int word(byte[] b, int from, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (b[from + i] & 0xff);
        }
        return v;
    }
}
