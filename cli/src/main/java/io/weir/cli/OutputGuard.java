package io.weir.cli;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may touch an output file: the copy loop while it writes a packet, or the shutdown hook (SIGINT, SIGTERM)
 * when the loop is stuck in a read of a pipe that will never deliver. Exactly one of them closes the file, and
 * never while a record is half-written, so the file always ends with whole records.
 *
 * <p>One compare-and-set per written packet, no lock: the hook waits (spinning) only while a write is under way.
 */
final class OutputGuard {
    /** Closes the output; may fail (a last flush on a full disk). */
    interface Closer {
        void close() throws IOException;
    }

    private static final int IDLE = 0;
    private static final int WRITING = 1;
    private static final int CLOSED = 2;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile Closer closer;

    /** Registers the output the hook may close. */
    void guard(Closer c) {
        this.closer = c;
    }

    /** Before writing a packet: false once the hook has closed the output (stop writing). */
    boolean beginWrite() {
        return state.compareAndSet(IDLE, WRITING);
    }

    /** After writing a packet (or failing to). */
    void endWrite() {
        state.set(IDLE);
    }

    /** Claims the right to close: true for exactly one caller, and only between writes. */
    boolean claimClose() {
        for (;;) {
            int s = state.get();
            if (s == CLOSED) {
                return false;
            }
            if (s == IDLE && state.compareAndSet(IDLE, CLOSED)) {
                return true;
            }
            Thread.onSpinWait();
        }
    }

    /** From the shutdown hook: closes the output now unless the loop has closed it or is about to. */
    void closeFromHook() {
        Closer c = closer;
        if (c != null && claimClose()) {
            try {
                c.close();
            } catch (IOException e) {
                // The JVM is ending: the file holds whole records up to the last one that could be flushed.
            }
        }
    }
}
