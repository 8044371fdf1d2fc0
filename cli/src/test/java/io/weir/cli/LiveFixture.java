package io.weir.cli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weir.capture.live.LiveCaptureException;
import io.weir.capture.live.LiveOptions;
import io.weir.capture.live.LiveSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The loopback set-up the live-capture tests share: {@link #requireLiveCapture()} skips a test (or fails it
 * under {@code -Dweir.requireLibpcap=true}, as CI runs) when {@code lo} cannot be opened, and {@link Running}
 * runs a command on its own thread with its stdout and stderr kept, so that a test can wait for the
 * {@code listening on} banner before it sends traffic.
 * <pre>{@code
 * LiveFixture.requireLiveCapture();
 * LiveFixture.Running r = LiveFixture.Running.start((out, err) -> WeirCommand.execute(args, out, err));
 * r.awaitErr("listening on lo", 20_000);
 * ... send packets ...
 * assertEquals(0, r.join(20_000), r.err());
 * }</pre>
 */
final class LiveFixture {
    private LiveFixture() {
    }

    /** Skips the calling test when {@code lo} cannot be captured on (no libpcap, no permission), with why. */
    static void requireLiveCapture() {
        String why = null;
        try {
            LiveSource.open(LiveOptions.builder("lo").build()).close();
        } catch (LiveCaptureException e) {
            why = e.getMessage();
        }
        if (why != null) {
            if (Boolean.getBoolean("weir.requireLibpcap")) {
                fail("weir.requireLibpcap=true but " + why);
            }
            assumeTrue(false, "skipped: " + why);
        }
    }

    /** Polls {@code condition} every 20 ms; fails naming {@code what} after {@code millis}. */
    static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A command of the CLI: its exit status, given where its stdout and stderr go. */
    interface Command {
        int run(PrintStream out, PrintStream err);
    }

    /** A command running on its own thread, with its stdout and stderr kept (UTF-8, autoflush). */
    static final class Running {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final AtomicInteger status = new AtomicInteger(-1);
        private final Thread thread;

        private Running(Command c) {
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            thread = new Thread(() -> status.set(c.run(o, e)), "live-command");
            thread.setDaemon(true);   // a failed test must not leave a capture keeping the test JVM alive
        }

        static Running start(Command c) {
            Running r = new Running(c);
            r.thread.start();
            return r;
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        boolean alive() {
            return thread.isAlive();
        }

        /** Waits until stderr holds {@code text}; fails after {@code millis}. */
        void awaitErr(String text, long millis) throws InterruptedException {
            await(() -> err().contains(text), millis, "'" + text + "' on stderr");
        }

        /** Waits until stderr holds {@code text} or the command has ended; fails after {@code millis}. */
        void awaitErrOrEnd(String text, long millis) throws InterruptedException {
            await(() -> err().contains(text) || !thread.isAlive(), millis, "'" + text + "' on stderr: " + err());
        }

        /** Waits up to {@code millis} for the command to end; its status, or -1 while it still runs. */
        int join(long millis) throws InterruptedException {
            thread.join(millis);
            return status.get();
        }
    }
}
