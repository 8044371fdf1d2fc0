package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.Ast.Dir;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.IdKind;
import io.weir.compiler.parse.Ast.Qual;
import io.weir.compiler.parse.Span;
import java.util.Locale;

/**
 * Readable TCP flags, Weir's extension: {@code tcp flags NAME} holds when that flag is set. Names (any case):
 * FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, and AE (RFC 9293's accurate-ECN bit, formerly NS: bit 0x100 of the
 * 16-bit word at offset 12, also accepted as {@code NS}). Flags combine with the usual operators, and a bare
 * name after {@code and}/{@code or} keeps the {@code tcp flags} qualifier as libpcap's ids do:
 * {@code tcp flags SYN and not ACK}, {@code tcp flags (SYN or FIN)}, {@code tcp flags (SYN|ACK)} (any of them).
 *
 * <p>Each flag is exactly {@code tcp[13] & BIT != 0} ({@code tcp[12] & 1 != 0} for AE) and compiles as that
 * relation does, except that it always covers IPv6 too, after extension headers ({@link Ip6Transport}), as
 * {@code --ip6-transport} makes {@code tcp[...]} do: a readable flag test has no libpcap meaning to keep.
 */
final class TcpFlags {
    private static final String[] NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"};

    private TcpFlags() {
    }

    /** The 9-bit value of flag {@code name} in the 16-bit word at TCP offset 12, or -1. */
    static int bit(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.equals("NS")) {
            n = "AE";
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(n)) {
                return 1 << i;
            }
        }
        return -1;
    }

    static Pred flag(Lowering lw, Qual q, Id id) throws LowerException, FilterSyntaxException {
        if (q.dir() != Dir.DEFAULT) {
            throw lw.error("'flags' takes no direction", q.dirSpan());
        }
        int bit = id.kind() == IdKind.NAME ? bit(id.text()) : -1;
        if (bit < 0) {
            throw lw.error("unknown TCP flag '" + id.text() + "' (FIN SYN RST PSH ACK URG ECE CWR AE)", id.span());
        }
        Span s = id.span();
        int offset = bit > 0xff ? 12 : 13;
        int mask = bit > 0xff ? bit >> 8 : bit;
        Ast.Arith load = new Ast.Load("tcp", s, new Ast.Num(offset, s), 1, s);
        Ast.Rel rel = new Ast.Rel(new Ast.Bin("&", load, new Ast.Num(mask, s), s), "!=", new Ast.Num(0, s), s);
        boolean saved = lw.ip6Transport;
        lw.ip6Transport = true;
        try {
            return lw.relation(rel);
        } finally {
            lw.ip6Transport = saved;
        }
    }
}
