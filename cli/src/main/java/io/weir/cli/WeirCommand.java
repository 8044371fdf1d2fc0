package io.weir.cli;

import java.io.PrintStream;

/** The tcpdump-compatible top-level command. Placeholder until the capture layer lands. */
final class WeirCommand {
    private WeirCommand() {}

    static int execute(String[] args) {
        PrintStream err = System.err;
        err.println("weir: nothing to do yet");
        return 1;
    }
}
