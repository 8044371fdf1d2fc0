package io.weir.cli;

import io.weir.capture.Packet;
import io.weir.capture.live.LiveCaptureException;
import io.weir.capture.live.LiveOptions;
import io.weir.capture.live.LiveSource;
import io.weir.compiler.FilterSyntaxException;
import io.weir.flow.FlowCounter;
import io.weir.flow.FlowCounter.Tally;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code weir flows -i IFACE [EXPR]}: counts live packets into flows and shows the top flows every
 * {@code --interval} seconds (1): on a terminal the view is redrawn in place, like {@code top}; otherwise each
 * refresh is a table of its own followed by a blank line. SIGINT or SIGTERM (Ctrl-C), or {@code -c N} matched
 * packets, ends the capture and prints the final table with its totals line, exact.
 *
 * <p>The capture thread counts; the view thread reads the {@link io.weir.flow.FlowTable} while counting goes on
 * (each flow's counters as they are when read; the totals line of an intermediate view may lag by the packets
 * counted meanwhile). {@code --export} and {@code --threads} are for {@code -r} only.
 */
final class FlowsLive {
    private static final String CLEAR = "\033[H\033[2J";

    private FlowsLive() {}

    static int run(FlowsCommand.Options o, PrintStream out, PrintStream err) {
        if (o.export != null || o.threads > 1) {
            err.println("weir flows: --export and --threads are not supported with -i");
            return 1;
        }
        LiveSource source;
        try {
            source = LiveSource.open(LiveOptions.builder(o.device).immediate(true).build());
        } catch (LiveCaptureException e) {
            err.println("weir flows: " + e.getMessage());
            return 1;
        }
        AtomicBoolean stop = new AtomicBoolean();
        Object[] previous = null;
        try (LiveSource s = source;
                FlowCounter c = FlowCounter.builder().expression(String.join(" ", o.expr))
                        .linkType(s.captureInterface().linkType()).snaplen(s.captureInterface().snapLen())
                        .by(o.by).bidirectional(!o.unidirectional).maxFlows(o.maxFlows).engine(o.engine).build()) {
            previous = LiveSignals.install(() -> {
                stop.set(true);
                s.breakLoop();
            });
            err.println("weir flows: listening on " + s.device() + ", link-type "
                    + s.captureInterface().linkType() + ", refreshing every " + o.interval + " s");
            boolean terminal = out == System.out && Terminal.isTerminal(1);
            Thread view = new Thread(() -> refresh(o, c, terminal, out, err), "weir-flows-view");
            view.setDaemon(true);
            view.start();
            while (!stop.get()) {
                if (!s.next()) {
                    continue;
                }
                Packet p = s.packet();
                c.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
                if (o.stopAfter > 0 && c.tally(Tally.MATCHED) >= o.stopAfter) {
                    break;
                }
            }
            view.interrupt();
            view.join();
            synchronized (out) {
                if (terminal) {
                    out.print(CLEAR);
                }
                FlowsCommand.report(o, c.table(), c::tally, 0, out, err);
            }
            return 0;
        } catch (LiveCaptureException e) {
            err.println("weir flows: " + e.getMessage());
            return 1;
        } catch (FilterSyntaxException e) {
            err.println(e.render());
            return 1;
        } catch (IOException e) {
            err.println("weir flows: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (previous != null) {
                LiveSignals.restore(previous);
            }
        }
    }

    /** The view thread: a table every interval until interrupted. */
    private static void refresh(FlowsCommand.Options o, FlowCounter c, boolean terminal, PrintStream out,
            PrintStream err) {
        long millis = Math.round(o.interval * 1000);
        try {
            for (;;) {
                Thread.sleep(millis);
                synchronized (out) {
                    if (terminal) {
                        out.print(CLEAR);
                    }
                    FlowsCommand.report(o, c.table(), c::tally, 0, out, err);
                    if (!terminal) {
                        out.println();
                    }
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            // the capture ended: the final table follows
        } catch (IOException e) {
            err.println("weir flows: " + e.getMessage());
        }
    }
}
