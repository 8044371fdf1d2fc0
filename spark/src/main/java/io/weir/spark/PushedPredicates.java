package io.weir.spark;

import io.weir.capture.LinkType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * SQL predicates the reader applies before Spark sees a row: equality and {@code IN} on {@code src_ip},
 * {@code dst_ip}, {@code src_port}, {@code dst_port} and {@code ip_proto} become a BPF expression that joins the
 * user's {@code bpf}; comparisons on {@code ts} and {@code ts_ns} become a time range that skips packets (and
 * files, through the index).
 *
 * <p><b>A superset, never a subset.</b> tcpdump's primitives and the decoded columns differ where tcpdump looks
 * less deep: {@code dst port 443} does not look inside VLAN tags or past IPv6 extension headers, while the
 * {@code dst_port} column does. So the BPF form is {@code (translation) or (escape)}, where the escape accepts
 * every packet on which the two could differ: VLAN-tagged frames (EN10MB) and IPv6 packets whose next header is
 * an extension header {@link io.weir.spark.decode.PacketDecoder} follows. Every packet the SQL predicate keeps
 * passes the BPF program; Spark re-checks all predicates ({@code pushPredicates} returns them all), so the
 * result is exact whatever the translation lets through.
 */
final class PushedPredicates implements Serializable {
    private static final long serialVersionUID = 1L;

    /** IPv6 packets whose ports and protocol tcpdump reads at a different place than the decoder. */
    private static final String IPV6_EXTENSIONS = "ip6 and (ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 44"
            + " or ip6[6] == 60 or ip6[6] == 51 or ip6[6] == 135 or ip6[6] == 139 or ip6[6] == 140)";

    private final List<String> bpf = new ArrayList<>();
    private final List<String> described = new ArrayList<>();
    /** {@code weir.bpf(data, 'expr' [, linktype])} calls taken: exact, so Spark does not re-check them. */
    private final List<BpfCall> calls = new ArrayList<>();
    private long fromNanos = Long.MIN_VALUE;
    private long untilNanos = Long.MAX_VALUE;

    /**
     * Takes what it can of {@code predicates} (a conjunction, as Spark pushes them) and returns the ones used.
     */
    List<Predicate> add(Predicate[] predicates) {
        List<Predicate> used = new ArrayList<>();
        for (Predicate p : predicates) {
            boolean took = false;
            if (time(p)) {
                took = true;
            } else {
                String t = translate(p);
                if (t != null) {
                    bpf.add(t);
                    took = true;
                }
            }
            if (took) {
                used.add(p);
                described.add(p.toString());
            }
        }
        return used;
    }

    /**
     * Takes {@code p} if it is a {@code weir.bpf} call the reader can run exactly (see {@link BpfCall#of}).
     *
     * @throws IllegalArgumentException the call's expression does not compile (the located error)
     */
    boolean addCall(Predicate p) {
        BpfCall c = BpfCall.of(p);
        if (c == null) {
            return false;
        }
        calls.add(c);
        described.add(c.toString());
        return true;
    }

    /** The {@code weir.bpf} calls taken, in the order given. */
    List<BpfCall> calls() {
        return calls;
    }

    /** Whether nothing was pushed. */
    boolean isEmpty() {
        return bpf.isEmpty() && calls.isEmpty() && !hasTimeRange();
    }

    /** Whether a time range was pushed. */
    boolean hasTimeRange() {
        return fromNanos != Long.MIN_VALUE || untilNanos != Long.MAX_VALUE;
    }

    /** First nanosecond a packet may have. */
    long fromNanos() {
        return fromNanos;
    }

    /** One past the last nanosecond a packet may have ({@link Long#MAX_VALUE}: no bound). */
    long untilNanos() {
        return untilNanos;
    }

    /** Whether a packet time is within the pushed range. */
    boolean inRange(long nanos) {
        return nanos >= fromNanos && nanos < untilNanos;
    }

    /** The BPF expression for packets of {@code linkType} ({@code null}: nothing to add). */
    String bpfFor(int linkType) {
        if (bpf.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < bpf.size(); i++) {
            s.append(i == 0 ? "(" : " and (").append(bpf.get(i)).append(')');
        }
        s.append(") or (").append(IPV6_EXTENSIONS).append(')');
        if (linkType == LinkType.ETHERNET) {
            s.append(" or vlan");
        }
        return s.toString();
    }

    /** For explain: the predicates taken. */
    String describe() {
        return String.join(" AND ", described);
    }

    // ---- translation ----

    private static String translate(Predicate p) {
        String op = p.name();
        Expression[] c = p.children();
        switch (op) {
            case "AND": {
                String a = sub(c[0]);
                String b = sub(c[1]);
                // A part of a conjunction may be left out: the rest is still a superset.
                return a == null ? b : b == null ? a : "(" + a + ") and (" + b + ")";
            }
            case "OR": {
                String a = sub(c[0]);
                String b = sub(c[1]);
                return a == null || b == null ? null : "(" + a + ") or (" + b + ")";
            }
            case "=":
            case "<=>":
                if (c.length == 2 && c[0] instanceof NamedReference r && c[1] instanceof Literal<?> l) {
                    return primitive(column(r), l.value());
                }
                if (c.length == 2 && c[1] instanceof NamedReference r && c[0] instanceof Literal<?> l) {
                    return primitive(column(r), l.value());
                }
                return null;
            case "IN": {
                if (c.length < 2 || !(c[0] instanceof NamedReference r)) {
                    return null;
                }
                StringBuilder s = new StringBuilder();
                for (int i = 1; i < c.length; i++) {
                    if (!(c[i] instanceof Literal<?> l)) {
                        return null;
                    }
                    String one = primitive(column(r), l.value());
                    if (one == null) {
                        return null;
                    }
                    s.append(i == 1 ? "(" : " or (").append(one).append(')');
                }
                return s.toString();
            }
            default:
                return null;
        }
    }

    private static String sub(Expression e) {
        return e instanceof Predicate p ? translate(p) : null;
    }

    private static String column(NamedReference r) {
        String[] names = r.fieldNames();
        return names.length == 1 ? names[0].toLowerCase(Locale.ROOT) : "";
    }

    /** The BPF primitive of {@code column = value}, or {@code null} if it has none. */
    private static String primitive(String column, Object value) {
        if (value == null) {
            return null;
        }
        switch (column) {
            case "src_ip":
            case "dst_ip": {
                String a = value.toString();
                if (!isAddress(a)) {
                    return null;
                }
                return (column.equals("src_ip") ? "src host " : "dst host ") + a;
            }
            case "src_port":
            case "dst_port": {
                if (!(value instanceof Integer n) || n < 0 || n > 65535) {
                    return null;
                }
                return (column.equals("src_port") ? "src port " : "dst port ") + n;
            }
            case "ip_proto": {
                if (!(value instanceof Integer n) || n < 0 || n > 255) {
                    return null;
                }
                return "ip proto " + n + " or ip6 proto " + n;
            }
            default:
                return null;
        }
    }

    /** A literal IPv4 or IPv6 address (what the compiler takes after {@code host}), checked without DNS. */
    static boolean isAddress(String a) {
        if (a.indexOf(':') >= 0) {
            for (int i = 0; i < a.length(); i++) {
                char ch = a.charAt(i);
                if (!(Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.')) {
                    return false;
                }
            }
            try {
                return java.net.InetAddress.getByName(a) != null;   // a literal: parsed, never looked up
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        String[] parts = a.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (!Character.isDigit(part.charAt(i))) {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    // ---- time ----

    /** Takes a comparison of {@code ts} (microseconds) or {@code ts_ns} with a literal into the time range. */
    private boolean time(Predicate p) {
        Expression[] c = p.children();
        if (c.length != 2) {
            return false;
        }
        String op = p.name();
        NamedReference ref;
        Literal<?> lit;
        if (c[0] instanceof NamedReference r && c[1] instanceof Literal<?> l) {
            ref = r;
            lit = l;
        } else if (c[1] instanceof NamedReference r && c[0] instanceof Literal<?> l) {
            ref = r;
            lit = l;
            op = flip(op);
        } else {
            return false;
        }
        String col = column(ref);
        if (!(lit.value() instanceof Long v) || op == null) {
            return false;
        }
        long lo;
        long hi;
        if (col.equals("ts")) {
            // ts is floor(ns / 1000): ts >= M <=> ns >= M * 1000, ts < M <=> ns < M * 1000.
            long at = mul(v, 1000);
            long next = mul(v + 1, 1000);
            switch (op) {
                case ">" -> { lo = next; hi = Long.MAX_VALUE; }
                case ">=" -> { lo = at; hi = Long.MAX_VALUE; }
                case "<" -> { lo = Long.MIN_VALUE; hi = at; }
                case "<=" -> { lo = Long.MIN_VALUE; hi = next; }
                case "=", "<=>" -> { lo = at; hi = next; }
                default -> { return false; }
            }
        } else if (col.equals("ts_ns")) {
            switch (op) {
                case ">" -> { lo = v == Long.MAX_VALUE ? Long.MAX_VALUE : v + 1; hi = Long.MAX_VALUE; }
                case ">=" -> { lo = v; hi = Long.MAX_VALUE; }
                case "<" -> { lo = Long.MIN_VALUE; hi = v; }
                case "<=" -> { lo = Long.MIN_VALUE; hi = v == Long.MAX_VALUE ? Long.MAX_VALUE : v + 1; }
                case "=", "<=>" -> { lo = v; hi = v == Long.MAX_VALUE ? Long.MAX_VALUE : v + 1; }
                default -> { return false; }
            }
        } else {
            return false;
        }
        fromNanos = Math.max(fromNanos, lo);
        untilNanos = Math.min(untilNanos, hi);
        return true;
    }

    private static String flip(String op) {
        return switch (op) {
            case ">" -> "<";
            case ">=" -> "<=";
            case "<" -> ">";
            case "<=" -> ">=";
            case "=", "<=>" -> op;
            default -> null;
        };
    }

    /** {@code a * b}, saturated at the long range. */
    private static long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return hi < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
}
