package io.weir.cli;

import io.weir.capture.CaptureInterface;
import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import io.weir.capture.live.LiveCaptureException;
import io.weir.capture.live.LiveInterface;
import io.weir.capture.live.LiveOptions;
import io.weir.capture.live.LiveSource;
import io.weir.capture.live.LiveStats;
import io.weir.cli.print.JsonPrinter;
import io.weir.cli.print.PrintOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The live job ({@code weir -i IFACE}): capture, keep the packets the expression matches, print them, write them
 * ({@code -w}) or count them ({@code --count}), until {@code -c N} matches, SIGINT or SIGTERM; then tcpdump's
 * statistics lines on standard error.
 *
 * <p><b>Two filters.</b> libpcap's own compile of the expression is installed as the kernel filter, so packets it
 * rejects never cross into the JVM; Weir's filter then runs on every delivered packet, so what is counted and kept
 * follows Weir's semantics. An expression libpcap cannot compile (Weir's extensions) runs with no kernel filter:
 * every packet is delivered and Weir alone decides.
 *
 * <p><b>Stopping.</b> SIGINT and SIGTERM are caught (when {@code signals} is set: the command line, not tests):
 * the handler only sets a flag and breaks libpcap's wait; the loop then ends, the output is flushed and closed,
 * the statistics are printed and the command exits 0, as tcpdump does. A shutdown hook covers every other way
 * out (SIGHUP, {@code System.exit} elsewhere): it stops the loop the same way and waits, bounded, until the output
 * is closed. Nothing already read is lost.
 */
final class LiveRun {
    /** How long a shutdown hook waits for the loop to close the output. */
    private static final long HOOK_WAIT_MILLIS = 5000;

    /**
     * Where {@code -w} goes: a file name ({@code null}: no {@code -w}; {@code -}: standard output), pcapng or not,
     * and the rotation ({@code -C}, {@code -G}, {@code -W}).
     */
    record Output(String file, boolean pcapng, Rotation rotation) {
        Output {
            rotation = rotation == null ? Rotation.NONE : rotation;
        }
    }

    private final LiveOptions options;
    private final String writeFile;
    private final Output output;
    private final long limit;
    private final boolean countOnly;
    private final PrintOptions print;
    private final PacketSelector selector;
    private final String expression;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile LiveSource source;

    LiveRun(LiveOptions options, String writeFile, long limit, boolean countOnly, PrintOptions print,
            String expression, ExtensionFlags flags, FilterFactory.Choice engine) {
        this(options, new Output(writeFile, false, null), limit, countOnly, print, expression, flags, engine);
    }

    LiveRun(LiveOptions options, Output output, long limit, boolean countOnly, PrintOptions print,
            String expression, ExtensionFlags flags, FilterFactory.Choice engine) {
        this.options = options;
        this.output = output;
        this.writeFile = output.file();
        this.limit = limit;
        this.countOnly = countOnly;
        this.print = print == null ? new PrintOptions() : print;
        this.expression = expression;
        this.selector = new PacketSelector(expression, flags, engine);
    }

    /**
     * {@code weir -i IFACE ...} from the command line's values: resolves the interface, builds the options and runs
     * with SIGINT/SIGTERM handled. Returns the exit status.
     */
    static int capture(LiveFlags f, Integer snaplen, Output output, long limit, boolean countOnly,
            PrintOptions print, String expression, ExtensionFlags flags, FilterFactory.Choice engine, PrintStream out,
            PrintStream err, ZoneId zone) {
        String device;
        try {
            device = resolveDevice(f.device);
        } catch (LiveCaptureException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        }
        LiveOptions.Builder b = LiveOptions.builder(device).promiscuous(!f.noPromiscuous).immediate(f.immediate)
                .nanos(print != null && print.nanos);
        if (snaplen != null) {
            b.snapLen(snaplen);
        }
        if (f.bufferKiB != null) {
            b.bufferBytes(f.bufferKiB * 1024);
        }
        if (f.direction != null) {
            b.direction(LiveOptions.Direction.of(f.direction));
        }
        return new LiveRun(b.build(), output, limit, countOnly, print, expression, flags, engine)
                .run(out, err, zone, true);
    }

    /** {@code weir -D}: the interfaces, one per line, as {@code tcpdump -D} prints them. */
    static int listInterfaces(PrintStream out, PrintStream err) {
        try {
            for (LiveInterface i : LiveSource.interfaces()) {
                out.println(i.tcpdumpLine());
            }
            return 0;
        } catch (LiveCaptureException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The interface {@code -i} names: a name, or a number from {@code -D}'s list (as tcpdump accepts); with no
     * {@code -i}, the first interface of the list, as tcpdump picks it.
     */
    static String resolveDevice(String asked) throws LiveCaptureException {
        if (asked != null && !(asked.chars().allMatch(Character::isDigit) && !asked.isEmpty())) {
            return asked;
        }
        List<LiveInterface> all = LiveSource.interfaces();
        if (asked == null) {
            return defaultDevice(all);
        }
        for (LiveInterface i : all) {
            if (i.name().equals(asked)) {
                return asked;
            }
        }
        int n = Integer.parseInt(asked.length() > 9 ? "0" : asked);
        if (n < 1 || n > all.size()) {
            throw new LiveCaptureException(LiveCaptureException.Kind.NO_DEVICE,
                    "Invalid adapter index " + asked + ": only " + all.size() + " interfaces found");
        }
        return all.get(n - 1).name();
    }

    /**
     * The interface a capture without {@code -i} uses: the first that is up and not a loopback, in libpcap's order
     * (which lists those first, as {@code pcap_lookupdev} picked), else the first of all.
     */
    static String defaultDevice(List<LiveInterface> all) throws LiveCaptureException {
        if (all.isEmpty()) {
            throw new LiveCaptureException(LiveCaptureException.Kind.NO_DEVICE, "no interfaces available for capture");
        }
        for (LiveInterface i : all) {
            if ((i.flags() & LiveInterface.UP) != 0 && !i.loopback() && !i.name().equals("any")) {
                return i.name();
            }
        }
        return all.get(0).name();
    }

    /** Asks the loop to stop soon, from any thread (a signal handler, a test); the loop then closes everything. */
    void stop() {
        stopRequested = true;
        LiveSource s = source;
        if (s != null) {
            s.breakLoop();
        }
    }

    /** Waits until the run has closed its output and printed its statistics; {@code false} on timeout. */
    boolean awaitDone(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Runs; returns the exit status. With {@code signals}, SIGINT and SIGTERM stop the run cleanly. */
    int run(PrintStream out, PrintStream err, ZoneId zone, boolean signals) {
        Thread hook = null;
        Object[] previous = null;
        try {
            LiveSource s;
            try {
                s = LiveSource.open(options);
            } catch (LiveCaptureException e) {
                err.println("weir: " + e.getMessage());
                return 1;
            }
            source = s;
            try (LiveSource closing = s) {
                CaptureInterface ci = s.captureInterface();
                try {
                    selector.prepare(ci);
                } catch (PacketSelector.CompileFailure e) {
                    err.println(e.syntax != null ? e.syntax.render() : "weir: error: " + e.getMessage());
                    return 1;
                } catch (FilterFactory.BackendException e) {
                    err.println("weir: error: " + e.getMessage());
                    return 1;
                }
                prefilter(s, err);
                banner(ci, err);
                if (signals) {
                    previous = LiveSignals.install(this::stop);
                    hook = new Thread(this::stopAndWait, "weir-live-shutdown");
                    Runtime.getRuntime().addShutdownHook(hook);
                }
                if (stopRequested) {
                    s.breakLoop();   // a stop that came before the source was published
                }
                long[] matched = new long[1];
                int status = loop(s, ci, out, err, zone == null ? ZoneId.systemDefault() : zone, matched);
                if (countOnly) {
                    out.println(packets(matched[0]));
                }
                out.flush();
                statistics(s, matched[0], err);
                return status;
            }
        } finally {
            source = null;
            done.countDown();
            if (previous != null) {
                LiveSignals.restore(previous);
            }
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down: the hook is running and waits for `done`
                }
            }
        }
    }

    private void stopAndWait() {
        stop();
        try {
            awaitDone(HOOK_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** libpcap's compile as the kernel filter; Weir's extensions leave the capture unfiltered in the kernel. */
    private void prefilter(LiveSource s, PrintStream err) {
        if (expression == null) {
            return;
        }
        try {
            s.setKernelFilter(expression);
        } catch (LiveCaptureException e) {
            if (print.verbose > 0) {
                err.println("weir: no kernel filter (libpcap: " + e.getMessage() + "); Weir filters every packet");
            }
        }
    }

    /** tcpdump's banner: with {@code -w} or {@code -v} one line; else the "verbose output suppressed" line first. */
    private void banner(CaptureInterface ci, PrintStream err) {
        if ("any".equals(options.device()) && ci.linkType() == LinkType.LINUX_SLL2) {
            err.println("weir: data link type LINUX_SLL2");   // tcpdump says so when it picks SLL2 for "any"
        }
        if (print.verbose == 0 && writeFile == null) {
            err.println("weir: verbose output suppressed, use -v[v]... for full protocol decode");
        } else {
            err.print("weir: ");
        }
        err.println("listening on " + options.device() + ", link-type " + LinkType.describe(ci.linkType())
                + ", snapshot length " + ci.snapLen() + " bytes");
        err.flush();
    }

    /** "1 packet", "2 packets" (kept here rather than borrowed: a live run loads no offline class late). */
    private static String packets(long n) {
        return n + (n == 1 ? " packet" : " packets");
    }

    /** tcpdump's statistics lines: captured (matched by Weir), received by filter, dropped by kernel. */
    private static void statistics(LiveSource s, long captured, PrintStream err) {
        err.println(packets(captured) + " captured");
        try {
            LiveStats st = s.stats();
            err.println(packets(st.received()) + " received by filter");
            err.println(packets(st.droppedByKernel()) + " dropped by kernel");
            if (st.droppedByInterface() != 0) {
                err.println(packets(st.droppedByInterface()) + " dropped by interface");
            }
        } catch (LiveCaptureException e) {
            err.println("weir: " + e.getMessage());
        }
        err.flush();
    }

    private int loop(LiveSource s, CaptureInterface ci, PrintStream out, PrintStream err, ZoneId zone,
            long[] matched) {
        try {
            if (writeFile != null) {
                write(s, ci, out, matched);
            } else if (countOnly) {
                count(s, matched);
            } else {
                print(s, out, zone, matched);
            }
            return 0;
        } catch (LiveCaptureException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        } catch (RotatingOutput.FileLimitReached e) {
            err.println(e.getMessage());   // -G with -W: tcpdump's normal end
            return 0;
        } catch (IOException e) {
            err.println("weir: " + OfflineRun.ioMessage(writeFile == null ? "-" : writeFile, e));
            return 1;
        }
    }

    private void count(LiveSource s, long[] matched) throws LiveCaptureException {
        PacketSelector sel = selector;
        while (matched[0] < limit && !stopRequested) {
            if (s.next() && sel.matches(s.packet())) {
                matched[0]++;
            }
        }
    }

    private void print(LiveSource s, PrintStream out, ZoneId zone, long[] matched)
            throws LiveCaptureException, IOException {
        PrintOptions o = print;
        if (o.zone == null) {
            o.zone = zone;
        }
        PacketSelector sel = selector;
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        PacketPrinter printer = o.json ? null : new PacketPrinter(o);
        JsonPrinter json = o.json ? new JsonPrinter(w, o) : null;
        try {
            while (matched[0] < limit && !stopRequested) {
                if (!s.next()) {
                    // Idle: show what is buffered, so lines never wait behind a quiet interface.
                    if (json != null) {
                        json.flush();
                    }
                    w.flush();
                    continue;
                }
                Packet p = s.packet();
                if (sel.matches(p)) {
                    if (json != null) {
                        json.write(p);
                    } else {
                        w.append(printer.format(p)).append('\n');
                    }
                    matched[0]++;
                    if (o.flushEach) {
                        if (json != null) {
                            json.flush();
                        }
                        w.flush();
                    }
                }
            }
        } finally {
            if (json != null) {
                json.flush();
            }
            w.flush();
        }
    }

    private void write(LiveSource s, CaptureInterface ci, PrintStream out, long[] matched)
            throws LiveCaptureException, IOException {
        PacketSelector sel = selector;
        DumpFile.Format f = new DumpFile.Format(output.pcapng() || writeFile.endsWith(".pcapng"), ci.linkType(),
                ci.snapLen(), ci.tsResolCode() == 9, ByteOrder.nativeOrder());
        Rotation r = output.rotation();
        try (PacketOutput w = r.active()
                ? new RotatingOutput(writeFile, r, f, () -> System.currentTimeMillis() / 1000, ZoneId.systemDefault())
                : DumpFile.open(writeFile, f, out)) {
            while (matched[0] < limit && !stopRequested) {
                if (s.next() && sel.matches(s.packet())) {
                    w.write(s.packet());
                    matched[0]++;
                }
            }
        }
    }
}
