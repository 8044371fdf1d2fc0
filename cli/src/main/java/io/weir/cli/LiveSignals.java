package io.weir.cli;

/**
 * SIGINT and SIGTERM for a live capture: the handler calls {@code stop} (which only sets a flag and breaks
 * libpcap's wait), so the capture loop ends by itself, closes its output, prints the statistics and returns 0 as
 * tcpdump does, instead of the JVM's default of running the shutdown hooks and exiting 130 or 143.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK); where it is missing, nothing is
 * installed and {@link LiveRun}'s shutdown hook still closes the output.
 */
final class LiveSignals {
    private static final String[] NAMES = {"INT", "TERM"};

    private LiveSignals() {}

    /** Installs {@code stop} for SIGINT and SIGTERM; returns the previous handlers for {@link #restore}. */
    static Object[] install(Runnable stop) {
        Object[] previous = new Object[NAMES.length];
        try {
            for (int i = 0; i < NAMES.length; i++) {
                previous[i] = sun.misc.Signal.handle(new sun.misc.Signal(NAMES[i]), sig -> stop.run());
            }
        } catch (LinkageError | IllegalArgumentException e) {
            // no sun.misc.Signal, or the signal is reserved (-Xrs): the shutdown hook covers it
        }
        return previous;
    }

    /** Puts back the handlers {@link #install} replaced. */
    static void restore(Object[] previous) {
        try {
            for (int i = 0; i < NAMES.length; i++) {
                if (previous[i] != null) {
                    sun.misc.Signal.handle(new sun.misc.Signal(NAMES[i]), (sun.misc.SignalHandler) previous[i]);
                }
            }
        } catch (LinkageError | IllegalArgumentException e) {
            // nothing was installed
        }
    }
}
