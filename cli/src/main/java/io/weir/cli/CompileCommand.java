package io.weir.cli;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.PcapReader;
import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.ClassicValidationException;
import io.weir.engine.ebpf.Disassembler;
import io.weir.engine.ebpf.Program;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints compiled programs: tcpdump's {@code -d}, {@code -dd} and {@code -ddd} at the top level, and the
 * {@code weir compile} subcommand, which prints the same text (and, with {@code --ebpf}, the eBPF program the
 * filter runs as).
 *
 * <p>The link type follows tcpdump: the file's with {@code -r} (then {@code -y} and {@code -s} are ignored, as
 * tcpdump ignores them), else {@code -y NAME}, else Ethernet with {@code Warning: assuming Ethernet} on standard
 * error.
 */
final class CompileCommand {
    private CompileCommand() {}

    /** What to print: 1, 2, 3 for -d, -dd, -ddd; {@link #EBPF} for the eBPF disassembly. */
    static final int EBPF = 1000;

    /**
     * Compiles {@code expression} and prints it at {@code level}; returns the exit status.
     *
     * @param readFile   a capture whose link type and snapshot length to use, or {@code null}
     * @param linkName   the {@code -y} value, or {@code null}
     * @param snaplen    the {@code -s} value ({@code null}: 262144; 0 means 262144 as in tcpdump)
     */
    static int dump(String expression, int level, String readFile, String linkName, Integer snaplen,
            PrintStream out, PrintStream err) {
        int linkType;
        CompileOptions options = CompileOptions.DEAD;
        int snap = snaplen == null || snaplen == 0 ? FilterCompiler.DEFAULT_SNAPLEN : snaplen;
        if (readFile != null) {
            try (PcapReader r = PcapReader.open(readFile)) {
                OfflineRun.banner(r, err);
                if (r.firstInterface() == null) {
                    r.next();   // a pcapng file may declare its first interface after other blocks
                }
                if (r.firstInterface() == null) {
                    err.println("weir: " + readFile + ": no interface in the file to take a link type from");
                    return 1;
                }
                linkType = r.linkType();
                snap = r.snapLen();
                options = CompileOptions.savefile(r.byteOrder());
            } catch (CaptureFormatException e) {
                err.println("weir: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                err.println("weir: " + OfflineRun.ioMessage(readFile, e));
                return 1;
            }
        } else if (linkName != null) {
            linkType = FilterCompiler.linkType(linkName);
            if (linkType < 0) {
                err.println("weir: invalid data link type " + linkName);
                return 1;
            }
        } else {
            err.println("Warning: assuming Ethernet");
            err.flush();
            linkType = FilterCompiler.linkType("EN10MB");
        }
        ClassicProgram p;
        try {
            p = FilterCompiler.compile(expression, linkType, snap, options);
        } catch (FilterSyntaxException e) {
            err.println(e.render());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("weir: error: " + e.getMessage());
            return 1;
        }
        if (level == EBPF) {
            Program ebpf;
            try {
                ebpf = ClassicToEbpf.translate(p);
                FilterFactory.verify(ebpf);
            } catch (ClassicValidationException | FilterFactory.BackendException e) {
                err.println("weir: error: " + e.getMessage());
                return 1;
            }
            out.print(Disassembler.kernel(ebpf));
        } else {
            out.print(FilterCompiler.dump(p, Math.min(level, 3)));
        }
        out.flush();
        return 0;
    }

    private static final String USAGE = String.join("\n",
            "Usage: weir compile (-d | -dd | -ddd | --ebpf) [-y LINKTYPE] [-s SNAPLEN] [-r FILE] [-F FILE] EXPRESSION...",
            "Compiles a filter expression and prints the program, as tcpdump -d/-dd/-ddd do.",
            "  -d           the program as an assembly listing (the default)",
            "  -dd          the program as a C array",
            "  -ddd         the program as decimal numbers",
            "  --ebpf       the verified eBPF program the filter runs as",
            "  -y LINKTYPE  link type: EN10MB, RAW, LINUX_SLL, LINUX_SLL2, NULL, LOOP or a number (default EN10MB)",
            "  -s SNAPLEN   the value returned for matching packets (default 262144)",
            "  -r FILE      take the link type and snapshot length from a capture file",
            "  -F FILE      read the expression from FILE",
            "  -h, --help   show this help and exit",
            "");

    /** {@code weir compile ARGS}: returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        int level = 0;
        String link = null;
        String readFile = null;
        String filterFile = null;
        Integer snaplen = null;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!words.isEmpty() || !a.startsWith("-") || a.equals("-")) {
                words.add(a);
                continue;
            }
            switch (a) {
                case "-d": level += 1; break;
                case "-dd": level += 2; break;
                case "-ddd": level += 3; break;
                case "--ebpf": level = EBPF; break;
                case "-h":
                case "--help":
                    out.print(USAGE);
                    return 0;
                case "-y":
                case "-s":
                case "-r":
                case "-F": {
                    if (i + 1 >= args.length) {
                        err.println("weir: compile: option " + a + " needs a value (see weir compile --help)");
                        return 1;
                    }
                    String v = args[++i];
                    if (a.equals("-y")) {
                        link = v;
                    } else if (a.equals("-r")) {
                        readFile = v;
                    } else if (a.equals("-F")) {
                        filterFile = v;
                    } else {
                        snaplen = WeirCommand.parseSnaplen(v);
                        if (snaplen == null) {
                            err.println("weir: invalid snaplen " + v);
                            return 1;
                        }
                    }
                    break;
                }
                default:
                    err.println("weir: compile: unknown option '" + a + "' (see weir compile --help)");
                    return 1;
            }
        }
        String expression;
        try {
            expression = WeirCommand.expression(filterFile, words);
        } catch (IOException e) {
            err.println("weir: " + OfflineRun.ioMessage(filterFile, e));
            return 1;
        }
        return dump(expression == null ? "" : expression, level == 0 ? 1 : level, readFile, link, snaplen, out, err);
    }
}
