package io.weir.cli;

import io.weir.compiler.lower.LinkTypes;
import java.io.PrintStream;

/**
 * {@code weir --list-linktypes}: the link types Weir compiles filters for, one a line as tcpdump's {@code -L}
 * prints them ({@code NAME (description)}), with the DLT number in front; they are the names {@code -y} takes.
 * The list is the compiler's {@link LinkTypes} table, so it cannot drift from what compiles.
 */
final class LinkTypeList {
    private LinkTypeList() {
    }

    /** Prints the list on {@code out}; the exit status (0). */
    static int print(PrintStream out) {
        out.println("Link types Weir filters on (use -y NAME or -y NUMBER):");
        int others = 0;
        for (LinkTypes.LinkType t : LinkTypes.all()) {
            if (t.filters()) {
                out.printf("  %3d  %s (%s)%n", t.dlt(), t.name() == null ? "-" : t.name(), t.description());
            } else {
                others++;
            }
        }
        out.println(others + " other link types libpcap names compile only len, less, greater and link[...],"
                + " as in libpcap.");
        return 0;
    }
}
