package io.weir.cli;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.CaptureInterface;
import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.cli.print.JsonPrinter;
import io.weir.cli.print.PrintOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The main job on a capture file: read it, keep the packets the expression matches, and print them, write them
 * ({@code -w}) or count them ({@code --count}), stopping after {@code -c N} matches.
 *
 * <p>{@code -w} follows {@code tcpdump -r FILE -w OUT EXPR}: the same records in the same order, in a pcap file of
 * the input's link type, snapshot length and byte order, except that the input's time stamp resolution is kept
 * (nanoseconds stay nanoseconds; tcpdump truncates them). A pcapng input whose interfaces differ in link type
 * (known when its first packet is read) is written as pcapng, as is any output named {@code *.pcapng}.
 */
final class OfflineRun {
    /** Set by the shutdown hook (SIGINT, SIGTERM): the loops stop after the packet in hand. */
    private volatile boolean stop;
    /** Released when the output is closed, so the shutdown hook lets the JVM end only then. */
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Arbitrates the output file between the copy loop and the shutdown hook. */
    private final OutputGuard guard = new OutputGuard();
    private final String readFile;
    private final String writeFile;
    private final long limit;
    private final boolean countOnly;
    private final PacketSelector selector;
    private PrintOptions printOptions;
    private Rotation rotation = Rotation.NONE;
    private boolean pcapngOut;
    private LongSupplier clock = () -> System.currentTimeMillis() / 1000;
    private Progress progress = Progress.OFF;

    OfflineRun(String readFile, String writeFile, long limit, boolean countOnly, PacketSelector selector) {
        this.readFile = readFile;
        this.writeFile = writeFile;
        this.limit = limit;
        this.countOnly = countOnly;
        this.selector = selector;
    }

    /** Sets how packets are printed (tcpdump's printing flags, --json); plain -nn lines when never called. */
    OfflineRun printing(PrintOptions options) {
        this.printOptions = options;
        return this;
    }

    /**
     * Sets {@code -w}'s file format and rotation: pcapng when {@code pcapng} (else pcapng only for a name ending in
     * {@code .pcapng} or an input of several link types), files rotated by {@code rotation} ({@code -C}, {@code -G},
     * {@code -W}) with {@code clock} (epoch seconds; {@code null}: the system clock) for {@code -G}.
     */
    OfflineRun writing(boolean pcapng, Rotation rotation, LongSupplier clock) {
        this.pcapngOut = pcapng;
        this.rotation = rotation == null ? Rotation.NONE : rotation;
        if (clock != null) {
            this.clock = clock;
        }
        return this;
    }

    /** Runs; returns the exit status. Every error is one line on {@code err} (a bad expression: three). */
    int run(PrintStream out, PrintStream err, ZoneId zone) {
        PcapReader reader;
        try {
            reader = PcapReader.open(readFile);
        } catch (CaptureFormatException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("weir: " + ioMessage(readFile, e));
            return 1;
        }
        long[] matched = new long[1];
        Thread hook = installStopHook();
        boolean quiet = printOptions != null && printOptions.quick;
        progress = Progress.of(readFile, err, quiet, writeFile == null && !countOnly);
        try (PcapReader r = reader) {
            banner(r, err);
            selector.fileOrder = r.byteOrder();
            selector.prepare(r.firstInterface());
            if (writeFile != null) {
                copy(r, out, matched);
            } else if (countOnly) {
                count(r, matched);
            } else {
                print(r, out, zone == null ? ZoneId.systemDefault() : zone, matched);
            }
            progress.finish();
            if (countOnly) {
                out.println(packets(matched[0]));
            }
            RuntimeException late = selector.backgroundFailure();
            if (late != null) {
                // The output is right (the classic interpreter ran), but the eBPF path failed: a Weir bug to show.
                err.println("weir: error: " + late.getMessage());
                return 1;
            }
            return 0;
        } catch (PacketSelector.CompileFailure e) {
            progress.finish();
            out.flush();
            err.println(e.syntax != null ? e.syntax.render() : "weir: error: " + e.getMessage());
            return 1;
        } catch (FilterFactory.BackendException e) {
            err.println("weir: error: " + e.getMessage());
            return 1;
        } catch (CaptureFormatException e) {
            progress.finish();
            if (countOnly) {
                out.println(packets(matched[0]));
            }
            out.flush();
            err.println("weir: " + e.getMessage() + " (" + packets(e.packetsRead()) + " read)");
            return 1;
        } catch (WriteFailure e) {
            progress.finish();
            if (e.getCause() instanceof RotatingOutput.FileLimitReached) {
                err.println(e.getCause().getMessage());   // -G with -W: tcpdump's normal end
                return 0;
            }
            err.println("weir: " + ioMessage(writeFile, e.getCause()));
            return 1;
        } catch (UncheckedIOException e) {
            err.println("weir: " + e.getCause().getMessage());
            return 1;
        } catch (IOException e) {
            err.println("weir: " + ioMessage(readFile, e));
            return 1;
        } finally {
            progress.finish();
            removeStopHook(hook);
        }
    }

    /**
     * On SIGINT or SIGTERM the JVM runs shutdown hooks while this thread goes on: the hook asks the loop to stop,
     * then waits until the output has been closed, so the file ends with whole records and nothing read is lost.
     */
    private Thread installStopHook() {
        Thread hook = new Thread(() -> {
            stop = true;
            try {
                // A loop that is reading a regular file stops at once; one blocked on a pipe never returns, so
                // after a short wait the hook closes the output itself (between two records).
                if (!finished.await(1, TimeUnit.SECONDS)) {
                    guard.closeFromHook();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "weir-stop");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException e) {
            return null;    // already shutting down
        }
        return hook;
    }

    private void removeStopHook(Thread hook) {
        finished.countDown();
        if (hook != null && !stop) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running and has just been released
            }
        }
    }

    static String packets(long n) {
        return n + (n == 1 ? " packet" : " packets");
    }

    /** tcpdump's banner, on standard error. */
    static void banner(PcapReader r, PrintStream err) {
        CaptureInterface first = r.firstInterface();
        String link = first == null ? "unknown (no interface in the file)" : LinkType.describe(first.linkType());
        err.println("reading from file " + r.name() + ", link-type " + link + ", snapshot length " + r.snapLen());
        err.flush();
    }

    private void count(PcapReader r, long[] matched) throws IOException {
        PacketSelector s = selector;
        long n = 0;
        try {
            Progress pr = progress;
            while (n < limit && !stop && r.next()) {
                pr.poll(r);
                if (s.matches(r.packet())) {
                    n++;
                }
            }
        } finally {
            matched[0] = n;
        }
    }

    private void print(PcapReader r, PrintStream out, ZoneId zone, long[] matched) throws IOException {
        PrintOptions o = printOptions;
        if (o == null) {
            o = new PrintOptions();
        }
        if (o.zone == null) {
            o.zone = zone;
        }
        PacketSelector s = selector;
        // A writer of our own over the stream: one encode per line, flushed at the end (and on errors).
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        PacketPrinter printer = o.json ? null : new PacketPrinter(o);
        JsonPrinter json = o.json ? new JsonPrinter(w, o) : null;
        boolean flushEach = o.flushEach;
        long n = 0;
        Progress pr = progress;
        try {
            while (n < limit && !stop && r.next()) {
                pr.poll(r);
                Packet p = r.packet();
                if (s.matches(p)) {
                    if (json != null) {
                        json.write(p);
                    } else {
                        w.append(printer.format(p)).append('\n');
                    }
                    n++;
                    if (flushEach) {
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
            matched[0] = n;
            w.flush();
        }
    }

    /** An I/O error on the output side, told apart from the input's. */
    private static final class WriteFailure extends IOException {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private void copy(PcapReader r, PrintStream out, long[] matched) throws IOException {
        boolean more = r.next();
        // The format is chosen once the first packet is read: by then a pcapng file has declared its interfaces.
        boolean ng = pcapngOut || writeFile.endsWith(".pcapng") || mixedLinkTypes(r);
        CaptureInterface first = r.firstInterface();
        DumpFile.Format f = new DumpFile.Format(ng, first == null ? LinkType.ETHERNET : first.linkType(),
                r.snapLen(), finerThanMicros(first), r.byteOrder());
        PacketOutput o;
        try {
            o = rotation.active() ? new RotatingOutput(writeFile, rotation, f, clock, ZoneId.systemDefault())
                    : DumpFile.open(writeFile, f, out);
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
        copy(r, more, matched, o);
    }

    /**
     * The copy loop over an open output: matching packets go to {@code output} (its failures are its own), the
     * shutdown hook may stop it between two packets, and the output is closed once, by the loop or by the hook.
     */
    private void copy(PcapReader r, boolean more, long[] matched, PacketOutput output) throws IOException {
        PacketSelector s = selector;
        Progress pr = progress;
        long n = 0;
        guard.guard(output);
        Throwable failure = null;
        try {
            for (; more && n < limit && !stop; more = n < limit && !stop && r.next()) {
                pr.poll(r);
                Packet p = r.packet();
                if (!s.matches(p)) {
                    continue;
                }
                if (!guard.beginWrite()) {
                    break;      // the shutdown hook closed the output
                }
                try {
                    output.write(p);
                } catch (WriteFailure e) {
                    throw e;
                } catch (IOException e) {
                    throw new WriteFailure(e);
                } finally {
                    guard.endWrite();
                }
                n++;
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            matched[0] = n;
            if (guard.claimClose()) {
                closeOutput(output, failure);
            }
        }
    }

    /**
     * Closes the output (its last flush may fail: a full disk shows here), blaming the output, not the input; an
     * error already on its way keeps the close failure as suppressed.
     */
    private static void closeOutput(OutputGuard.Closer w, Throwable failure) throws WriteFailure {
        try {
            w.close();
        } catch (IOException e) {
            if (failure == null) {
                throw new WriteFailure(e);
            }
            failure.addSuppressed(e);
        }
    }

    /** Whether the interfaces declared so far have more than one link type. */
    private static boolean mixedLinkTypes(PcapReader r) {
        List<CaptureInterface> all = r.interfaces();
        for (CaptureInterface ci : all) {
            if (ci.linkType() != all.get(0).linkType()) {
                return true;
            }
        }
        return false;
    }

    /** Whether time stamps of {@code ci} are finer than microseconds (then the pcap output is nanosecond). */
    static boolean finerThanMicros(CaptureInterface ci) {
        if (ci == null) {
            return false;
        }
        int code = ci.tsResolCode();
        int n = code & 0x7F;
        return (code & 0x80) != 0 ? n >= 20 : n > 6;   // 2^-20 s is the first binary step finer than 1 µs
    }

    static String ioMessage(String file, IOException e) {
        if (e instanceof DumpFile.Failure) {
            return e.getMessage();   // already names its file (one of a rotation's, maybe)
        }
        if (e instanceof NoSuchFileException) {
            return file + ": No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": Permission denied";
        }
        String m = e.getMessage();
        return m == null ? file + ": " + e.getClass().getSimpleName() : m.contains(file) ? m : file + ": " + m;
    }
}
