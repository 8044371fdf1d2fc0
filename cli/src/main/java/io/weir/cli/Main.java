package io.weir.cli;

/**
 * Entry point of the {@code weir} command.
 *
 * <p>The conformance plugin is dispatched before picocli is touched: the bpf_conformance runner starts one JVM per
 * test, so that path loads as few classes as possible. Everything else goes to {@link WeirCommand}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit status (0 success, 1 any error), as tcpdump does. */
    public static int run(String[] args) {
        if (ConformancePlugin.wants(args)) {
            return ConformancePlugin.run(args);
        }
        return WeirCommand.execute(args);
    }
}
