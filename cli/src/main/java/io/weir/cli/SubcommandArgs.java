package io.weir.cli;

import java.io.PrintStream;
import picocli.CommandLine;

/** The argument step the picocli subcommands share: tcpdump-style one-line errors and {@code --help}. */
final class SubcommandArgs {
    private SubcommandArgs() {
    }

    /**
     * Parses {@code args} into {@code cl}'s command. Returns the exit status to end with (1 after a one-line
     * error naming {@code weir NAME}, 0 after printing the usage for {@code --help}), or -1 to go on and run.
     */
    static int parse(CommandLine cl, String name, String[] args, PrintStream out, PrintStream err) {
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println("weir " + name + ": " + e.getMessage().replace('\n', ' ').strip()
                    + " (see weir " + name + " --help)");
            err.flush();
            return 1;
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            out.flush();
            return 0;
        }
        return -1;
    }
}
