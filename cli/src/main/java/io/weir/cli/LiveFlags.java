package io.weir.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * tcpdump's live-capture flags ({@code -D}, {@code -i}, {@code -p}, {@code -B}, {@code --immediate-mode},
 * {@code -Q}): their picocli options and the values parsed. Kept apart from {@link LiveRun} so that declaring the
 * options loads nothing of the live capture (the offline path must never load pcap4j or JNA).
 * {@code -s}, {@code -c}, {@code -w} and {@code --time-stamp-precision} are shared with the offline path.
 */
final class LiveFlags {
    /** {@code -D}: list the interfaces and exit. */
    boolean listInterfaces;
    /** {@code -i}: the interface name or {@code -D} number; {@code null} for the default (the first listed). */
    String device;
    /** {@code -p}: don't put the interface in promiscuous mode. */
    boolean noPromiscuous;
    /** {@code -B}: kernel buffer size in KiB ({@code null}: libpcap's default). */
    Integer bufferKiB;
    /** {@code --immediate-mode}. */
    boolean immediate;
    /** {@code -Q}: in, out or inout ({@code null}: inout). */
    String direction;

    /** Whether a live capture was asked for (any of the flags above but {@code -D}). */
    boolean any() {
        return device != null || noPromiscuous || bufferKiB != null || immediate || direction != null;
    }

    static void addOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-D", "--list-interfaces").arity("0").type(boolean.class)
                .description("Print the interfaces available for capture and exit.").build());
        spec.addOption(OptionSpec.builder("-i", "--interface").paramLabel("INTERFACE").type(String.class)
                .description("Capture live on INTERFACE (a name, 'any', or a number from -D).").build());
        spec.addOption(OptionSpec.builder("-p", "--no-promiscuous-mode").arity("0").type(boolean.class)
                .description("Don't put the interface into promiscuous mode.").build());
        spec.addOption(OptionSpec.builder("-B", "--buffer-size").paramLabel("KiB").type(Integer.class)
                .description("Kernel capture buffer size, in KiB.").build());
        spec.addOption(OptionSpec.builder("--immediate-mode").arity("0").type(boolean.class)
                .description("Deliver packets as soon as they arrive, not in batches.").build());
        spec.addOption(OptionSpec.builder("-Q", "--direction").paramLabel("in|out|inout").type(String.class)
                .description("Capture only packets received (in), sent (out), or both (inout, default).").build());
    }

    static void fromPicocli(ParseResult pr, LiveFlags f) {
        f.listInterfaces = pr.hasMatchedOption("-D");
        f.device = pr.matchedOptionValue("-i", null);
        f.noPromiscuous = pr.hasMatchedOption("-p");
        f.bufferKiB = pr.matchedOptionValue("-B", null);
        f.immediate = pr.hasMatchedOption("--immediate-mode");
        f.direction = pr.matchedOptionValue("-Q", null);
        if (f.direction != null && !f.direction.matches("in|out|inout")) {
            throw new CommandLine.ParameterException(pr.commandSpec().commandLine(),
                    "unknown capture direction '" + f.direction + "' (in, out or inout)");
        }
        if (f.bufferKiB != null && (f.bufferKiB <= 0 || f.bufferKiB > Integer.MAX_VALUE / 1024)) {
            throw new CommandLine.ParameterException(pr.commandSpec().commandLine(),
                    "invalid packet buffer size " + f.bufferKiB);
        }
    }
}
