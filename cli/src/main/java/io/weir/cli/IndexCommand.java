package io.weir.cli;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.split.CaptureIndex;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weir index [--every MiB] FILE...}: writes {@code FILE.weirindex} beside each capture, the sidecar that
 * lets the Spark source split it at recorded record offsets and prune it by time ({@link CaptureIndex}).
 *
 * <p>One line per file on standard error: packets, entries and the time range. Errors are one line each,
 * {@code weir: ...}; the other files are still indexed, and the exit status is 1 if any file failed.
 */
@Command(name = "index", sortOptions = false,
        description = "Writes FILE.weirindex beside each capture: record offsets and first time stamps every N MiB,"
                + " for split reading and time pruning (the Spark source's split=index).")
public final class IndexCommand {
    @Option(names = "--every", paramLabel = "MiB", defaultValue = "64",
            description = "Record an entry every MiB mebibytes of the file (default 64; fractions allowed).")
    double everyMiB;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Capture files (pcap or pcapng, maybe gzip).")
    List<String> files;

    IndexCommand() {}

    /** Runs {@code weir index ARGS} with these streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        IndexCommand cmd = new IndexCommand();
        CommandLine cl = new CommandLine(cmd);
        int status = SubcommandArgs.parse(cl, "index", args, out, err);
        if (status >= 0) {
            return status;
        }
        try {
            return cmd.index(err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int index(PrintStream err) {
        if (!(everyMiB > 0) || everyMiB * 1048576 > Long.MAX_VALUE / 2) {
            err.println("weir: invalid --every " + everyMiB + " (a positive number of MiB)");
            return 1;
        }
        long every = Math.max(1, Math.round(everyMiB * 1048576));
        int status = 0;
        for (String f : files) {
            Path capture = Path.of(f);
            try {
                CaptureIndex index = CaptureIndex.build(capture, every);
                Path sidecar = CaptureIndex.sidecarPath(capture);
                index.write(sidecar);
                err.println(f + ": " + index.packets() + " packets, " + index.entries().size() + " entries every "
                        + String.format(Locale.ROOT, "%s", trim(everyMiB)) + " MiB"
                        + (index.sectionStarts().length > 1 ? ", " + index.sectionStarts().length + " sections" : "")
                        + (index.compressed() ? " (compressed: read as one split)" : "") + " -> " + sidecar);
            } catch (NoSuchFileException e) {
                err.println("weir: " + f + ": No such file or directory");
                status = 1;
            } catch (AccessDeniedException e) {
                err.println("weir: " + f + ": Permission denied");
                status = 1;
            } catch (CaptureFormatException e) {
                err.println("weir: " + e.getMessage());
                status = 1;
            } catch (IOException e) {
                err.println("weir: " + f + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                status = 1;
            }
        }
        return status;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
