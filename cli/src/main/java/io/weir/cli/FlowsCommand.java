package io.weir.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.weir.capture.CaptureFormatException;
import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.compiler.FilterSyntaxException;
import io.weir.engine.Engine;
import io.weir.flow.Aggregation;
import io.weir.flow.FlowCounter;
import io.weir.flow.FlowCounter.Tally;
import io.weir.flow.FlowRecord;
import io.weir.flow.FlowTable;
import io.weir.flow.FlowWorkers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * {@code weir flows -r FILE [EXPR]}: per-flow counters of the packets that match {@code EXPR}, counted by a
 * generated eBPF program in a BPF hash map ({@link FlowCounter}), then printed as a table of the top flows with
 * a header line and a totals line, or as CSV ({@code --csv}) or NDJSON ({@code --json}) with Zeek's conn.log
 * names. See the README's "Flows" section for the columns.
 *
 * <p>Options: {@code --by 5tuple|src|dst|host-pair|port|proto|vlan} (default 5tuple), {@code --top N} (20; 0 =
 * all), {@code --sort packets|bytes|duration|rate}, {@code --unidirectional}, {@code --max-flows N} (flows
 * tracked at once; the flows idle longest are evicted), {@code --export FILE} (evicted flows as CSV with a header
 * line and a totals line), {@code --engine auto|jit|interpreter}, {@code --threads N} (1: N counting threads fed
 * by the reading one, packets partitioned by flow hash; exact counts whatever N). Live capture: {@code -i IFACE}
 * with {@code --interval S} and {@code -c N} ({@link FlowsLive}).
 *
 * <p>Exit status: 0 on success, 1 on a read or expression error, 2 on a usage error.
 */
public final class FlowsCommand {
    private static final String USAGE = "usage: weir flows -r FILE | -i IFACE [--interval S] [-c N] [--by 5tuple|src|dst|host-pair|port|proto|vlan]"
            + " [--top N] [--sort packets|bytes|duration|rate] [--csv|--json] [--unidirectional] [--max-flows N]"
            + " [--export FILE] [--engine auto|jit|interpreter] [--threads N] [EXPR]";
    static final String[] COLUMNS = {"ts", "duration", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
        "vlan", "orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes", "orig_wire_bytes", "resp_wire_bytes",
        "tcp_flags", "orig_tcp_flags", "resp_tcp_flags", "community_id"};

    private FlowsCommand() {}

    static final class Options {
        String read;
        String device;
        double interval = 1.0;
        long stopAfter;
        List<String> expr = new ArrayList<>();
        Aggregation by = Aggregation.FIVE_TUPLE;
        int top = 20;
        FlowRecord.Order sort = FlowRecord.Order.PACKETS;
        boolean csv;
        boolean json;
        boolean unidirectional;
        int maxFlows = FlowCounter.DEFAULT_MAX_FLOWS;
        String export;
        Engine engine = Engine.AUTO;
        int threads = 1;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-r" -> o.read = value(args, ++i, a);
                    case "-i" -> o.device = value(args, ++i, a);
                    case "--interval" -> o.interval = seconds(value(args, ++i, a), a);
                    case "-c" -> o.stopAfter = number(value(args, ++i, a), a, 1);
                    case "--by" -> o.by = Aggregation.fromLabel(value(args, ++i, a));
                    case "--top" -> o.top = number(value(args, ++i, a), a, 0);
                    case "--sort" -> o.sort = FlowRecord.Order.fromLabel(value(args, ++i, a));
                    case "--csv" -> o.csv = true;
                    case "--json" -> o.json = true;
                    case "--unidirectional" -> o.unidirectional = true;
                    case "--max-flows" -> o.maxFlows = number(value(args, ++i, a), a, 1);
                    case "--export" -> o.export = value(args, ++i, a);
                    case "--engine" -> o.engine = Engine.fromLabel(value(args, ++i, a));
                    case "--threads" -> o.threads = number(value(args, ++i, a), a, 1);
                    case "-h", "--help" -> o.help = true;
                    default -> {
                        if (a.startsWith("-") && a.length() > 1 && o.expr.isEmpty()) {
                            throw new IllegalArgumentException("unknown option '" + a + "'");
                        }
                        o.expr.add(a);
                    }
                }
            }
            if (o.csv && o.json) {
                throw new IllegalArgumentException("--csv and --json are exclusive");
            }
            if (!o.help && (o.read == null) == (o.device == null)) {
                throw new IllegalArgumentException(o.read == null ? "missing -r FILE or -i IFACE"
                        : "-r and -i are exclusive");
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException("option '" + option + "' needs a value");
            }
            return args[i];
        }

        private static double seconds(String s, String option) {
            try {
                double d = Double.parseDouble(s);
                if (d >= 0.05 && d <= 86400) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("option '" + option + "' needs seconds between 0.05 and 86400, not '"
                    + s + "'");
        }

        private static int number(String s, String option, int min) {
            try {
                int n = Integer.parseInt(s);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("option '" + option + "' needs a number of at least " + min
                    + ", not '" + s + "'");
        }
    }

    /** Entry for scripts until {@code weir flows} is dispatched by {@code WeirCommand}: exits with the status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command with these arguments (those after {@code flows}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("weir flows: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        if (o.help) {
            out.println(USAGE);
            return 0;
        }
        if (o.device != null) {
            return FlowsLive.run(o, out, err);
        }
        try {
            return execute(o, out, err);
        } catch (FilterSyntaxException e) {
            err.println(e.render());
            return 1;
        } catch (CaptureFormatException e) {
            err.println("weir flows: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("weir flows: " + OfflineRun.ioMessage(o.read, e));
            return 1;
        } catch (UncheckedIOException e) {
            err.println("weir flows: " + e.getCause().getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("weir flows: " + e.getMessage());
            return 1;
        }
    }

    private static int execute(Options o, PrintStream out, PrintStream err) throws IOException,
            FilterSyntaxException {
        String expr = String.join(" ", o.expr);
        try (PcapReader reader = PcapReader.open(Path.of(o.read));
                Writer export = o.export == null ? null
                        : Files.newBufferedWriter(Path.of(o.export), StandardCharsets.UTF_8)) {
            int lt = reader.linkType();
            if (export != null) {
                export.write(String.join(",", COLUMNS) + "\n");
            }
            FlowCounter.Builder builder = FlowCounter.builder().expression(expr).linkType(lt).snaplen(262144).by(o.by)
                    .bidirectional(!o.unidirectional).maxFlows(o.maxFlows).engine(o.engine)
                    .onEvict(export == null ? null : r -> {
                        synchronized (export) {   // worker threads evict too
                            try {
                                export.write(csvLine(r) + "\n");
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                    });
            long otherLink = 0;
            try (FlowWorkers c = o.threads > 1 ? builder.buildWorkers(o.threads) : null;
                    FlowCounter one = c == null ? builder.build() : null) {
                while (reader.next()) {
                    Packet p = reader.packet();
                    if (p.linkType() != lt) {
                        otherLink++;   // a pcapng interface of another link type: the program parses one
                        continue;
                    }
                    if (one != null) {
                        one.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
                    } else {
                        c.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
                    }
                }
                if (c != null) {
                    c.finish();
                }
                ToLongFunction<Tally> tally = one != null ? one::tally : c::tally;
                String totals = report(o, one != null ? one.table() : c.table(), tally, otherLink, out, err);
                if (export != null) {
                    export.write("# " + totals + "\n");
                }
            }
        }
        return 0;
    }

    /** Prints the top flows in the chosen format with the totals line; returns that line. */
    static String report(Options o, FlowTable table, ToLongFunction<Tally> tally, long otherLink, PrintStream out,
            PrintStream err) throws IOException {
        List<FlowRecord> shown;
        if (o.top == 0) {
            shown = table.snapshot();
            shown.sort(o.sort.comparator());
        } else {
            shown = table.top(o.top, o.sort);
        }
        String totals = totals(tally, table.size(), shown, otherLink);
        if (o.json) {
            printJson(out, shown);
            err.println(totals);
        } else if (o.csv) {
            out.println(String.join(",", COLUMNS));
            for (FlowRecord r : shown) {
                out.println(csvLine(r));
            }
            out.println("# " + totals);
        } else {
            printTable(out, shown, o.by);
            out.println(totals);
        }
        return totals;
    }

    static String totals(ToLongFunction<Tally> c, int flows, List<FlowRecord> shown, long otherLink) {
        long shownPkts = 0;
        for (FlowRecord r : shown) {
            shownPkts += r.packets();
        }
        long counted = c.applyAsLong(Tally.COUNTED);
        String share = counted == 0 ? "0.0" : String.format(Locale.ROOT, "%.1f", 100.0 * shownPkts / counted);
        return String.format(Locale.ROOT, "totals: seen %d packets (%d bytes), matched %d (%d bytes), counted %d"
                + " (%d bytes), not IP %d, flows %d, evicted %d, lost %d, shown %d flows with %s%% of counted packets%s",
                c.applyAsLong(Tally.SEEN), c.applyAsLong(Tally.SEEN_BYTES), c.applyAsLong(Tally.MATCHED),
                c.applyAsLong(Tally.MATCHED_BYTES), counted, c.applyAsLong(Tally.COUNTED_BYTES),
                c.applyAsLong(Tally.NOT_IP), flows, c.applyAsLong(Tally.EVICTED),
                c.applyAsLong(Tally.LOST), shown.size(), share,
                otherLink == 0 ? "" : ", skipped " + otherLink + " of another link type");
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%d.%06d", Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L) / 1000);
    }

    private static String flagsOrDash(int f) {
        String s = FlowRecord.flagLetters(f);
        return s.isEmpty() ? "-" : s;
    }

    static String csvLine(FlowRecord r) {
        boolean hosts = r.origAddr().length > 0;
        return String.join(",", seconds(r.firstNanos()), seconds(r.durationNanos()), r.origHost(),
                Integer.toString(r.origPort()), r.respHost(), Integer.toString(r.respPort()), r.protoName(),
                Integer.toString(r.vlan()), Long.toString(r.origPkts()), Long.toString(r.respPkts()),
                Long.toString(r.origIpBytes()), Long.toString(r.respIpBytes()), Long.toString(r.origWire()),
                Long.toString(r.respWire()), FlowRecord.flagLetters(r.tcpFlags()),
                FlowRecord.flagLetters(r.origFlags()), FlowRecord.flagLetters(r.respFlags()),
                hosts ? r.communityId() : "");
    }

    private static void printJson(PrintStream out, List<FlowRecord> flows) throws IOException {
        JsonFactory f = new JsonFactory();
        for (FlowRecord r : flows) {
            StringWriter w = new StringWriter();
            try (JsonGenerator g = f.createGenerator(w)) {
                g.writeStartObject();
                g.writeFieldName("ts");
                g.writeRawValue(seconds(r.firstNanos()));
                g.writeFieldName("duration");
                g.writeRawValue(seconds(r.durationNanos()));
                if (r.origAddr().length > 0) {
                    g.writeStringField("id.orig_h", r.origHost());
                }
                g.writeNumberField("id.orig_p", r.origPort());
                if (r.respAddr().length > 0) {
                    g.writeStringField("id.resp_h", r.respHost());
                }
                g.writeNumberField("id.resp_p", r.respPort());
                g.writeStringField("proto", r.protoName());
                g.writeNumberField("vlan", r.vlan());
                g.writeNumberField("orig_pkts", r.origPkts());
                g.writeNumberField("resp_pkts", r.respPkts());
                g.writeNumberField("orig_ip_bytes", r.origIpBytes());
                g.writeNumberField("resp_ip_bytes", r.respIpBytes());
                g.writeNumberField("orig_wire_bytes", r.origWire());
                g.writeNumberField("resp_wire_bytes", r.respWire());
                g.writeStringField("tcp_flags", FlowRecord.flagLetters(r.tcpFlags()));
                g.writeStringField("orig_tcp_flags", FlowRecord.flagLetters(r.origFlags()));
                g.writeStringField("resp_tcp_flags", FlowRecord.flagLetters(r.respFlags()));
                if (r.origAddr().length > 0 && r.respAddr().length > 0) {
                    g.writeStringField("community_id", r.communityId());
                }
                g.writeEndObject();
            }
            out.println(w);
        }
    }

    private static String endpoint(String host, int port, boolean v6) {
        return (v6 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The table's protocol label: Zeek's names, but ICMPv6 apart from ICMP (Zeek calls both "icmp"). */
    private static String tableProto(FlowRecord r) {
        return r.proto() == 58 ? "icmp6" : r.protoName();
    }

    static String describe(FlowRecord r, Aggregation by) {
        boolean v6 = r.family() == 6;
        return switch (by) {
            case FIVE_TUPLE -> tableProto(r) + " " + (r.hasPorts()
                    ? endpoint(r.origHost(), r.origPort(), v6) + " > " + endpoint(r.respHost(), r.respPort(), v6)
                    : r.origHost() + " > " + r.respHost());
            case HOST_PAIR -> r.origHost() + " <> " + r.respHost();
            case SRC, DST -> r.origHost();
            case PORT -> tableProto(r) + "/" + r.origPort();
            case PROTO -> tableProto(r);
            case VLAN -> "vlan " + r.vlan();
        };
    }

    private static void printTable(PrintStream out, List<FlowRecord> flows, Aggregation by) {
        int width = "FLOW".length();
        List<String> names = new ArrayList<>();
        for (FlowRecord r : flows) {
            String d = describe(r, by) + (by == Aggregation.FIVE_TUPLE && r.vlan() != 0 ? " vlan " + r.vlan() : "");
            names.add(d);
            width = Math.max(width, d.length());
        }
        String fmt = "%-" + width + "s %10s %10s %10s %12s %12s %12s %6s%n";
        out.printf(Locale.ROOT, fmt, "FLOW", "PACKETS", "ORIG_PKTS", "RESP_PKTS", "IP_BYTES", "WIRE_BYTES",
                "DURATION", "FLAGS");
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord r = flows.get(i);
            out.printf(Locale.ROOT, fmt, names.get(i), r.packets(), r.origPkts(), r.respPkts(), r.ipBytes(),
                    r.wireBytes(), String.format(Locale.ROOT, "%.6f", r.durationNanos() / 1e9),
                    flagsOrDash(r.tcpFlags()));
        }
    }
}
