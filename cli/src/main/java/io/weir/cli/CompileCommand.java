package io.weir.cli;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.PcapReader;
import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicValidationException;
import io.weir.engine.ebpf.Disassembler;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import io.weir.engine.verifier.VerifierException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Prints compiled programs: tcpdump's {@code -d}, {@code -dd} and {@code -ddd} at the top level, and the
 * {@code weir compile} subcommand, which prints the same text (and, with {@code --ebpf}, the eBPF program the
 * filter runs as; with {@code --verifier-log}, the verifier's full log of that program).
 *
 * <p>The link type follows tcpdump: the file's with {@code -r} (then {@code -y} and {@code -s} are ignored, as
 * tcpdump ignores them), else {@code -y NAME}, else Ethernet with {@code Warning: assuming Ethernet} on standard
 * error.
 */
final class CompileCommand {
    private CompileCommand() {}

    /** What to print: 1, 2, 3 for -d, -dd, -ddd; {@link #EBPF} for the eBPF disassembly. */
    static final int EBPF = 1000;
    /** What to print: the verifier's log of the eBPF program ({@code --verifier-log}). */
    static final int VERIFIER_LOG = 1001;

    /**
     * Compiles {@code expression} and prints it at {@code level}; returns the exit status.
     *
     * @param flags      the extension switches to compile with
     * @param readFile   a capture whose link type and snapshot length to use, or {@code null}
     * @param linkName   the {@code -y} value, or {@code null}
     * @param snaplen    the {@code -s} value ({@code null}: 262144; 0 means 262144 as in tcpdump)
     */
    static int dump(String expression, ExtensionFlags flags, int level, String readFile, String linkName,
            Integer snaplen, PrintStream out, PrintStream err) {
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
        boolean ebpfOut = level == EBPF || level == VERIFIER_LOG;
        ClassicProgram p = null;
        CompiledFilter compiled = null;
        try {
            if (ebpfOut) {
                // The eBPF path: sets larger than a classic chain become map lookups, as the CLI runs them.
                compiled = EbpfCompiler.compile(expression, linkType, snap, flags.applyTo(options));
            } else {
                p = FilterCompiler.compile(expression, linkType, snap, flags.applyTo(options));
            }
        } catch (FilterSyntaxException e) {
            err.println(e.render());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("weir: error: " + e.getMessage());
            return 1;
        }
        if (ebpfOut) {
            Program ebpf;
            VerifiedProgram v;
            try {
                ebpf = compiled.program();
                List<MapSpec> maps = new ArrayList<>();
                for (int fd = 0; fd < compiled.tableCount(); fd++) {
                    maps.add(compiled.mapSpec(fd));
                }
                Verifier.Options vo = Verifier.Options.DEFAULT.withMaps(maps);
                // The full log only when asked for: it is one line per instruction analysed, with register states.
                v = new Verifier(level == VERIFIER_LOG ? vo : vo.withBriefLog()).check(ebpf);
            } catch (ClassicValidationException e) {
                err.println("weir: error: " + e.getMessage());
                return 1;
            } catch (VerifierException e) {
                err.print(e.log());
                err.println("weir: error: the verifier rejected the compiled filter (a Weir bug): " + e.getMessage());
                return 1;
            }
            out.print(level == EBPF ? Disassembler.kernel(ebpf) : v.log());
        } else {
            out.print(FilterCompiler.dump(p, Math.min(level, 3)));
        }
        out.flush();
        return 0;
    }

    /**
     * The command's options for {@code --help} and shell completion (the parser below is a hand one: this command
     * runs under the C1-only start-up, where picocli's set-up would cost more than the compile).
     */
    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("weir compile");
        spec.usageMessage().description("Compiles a filter expression and prints the program, as tcpdump -d, -dd"
                + " and -ddd do; or the eBPF program it runs as, or the verifier's log of that program.")
                .sortOptions(false);
        spec.addOption(flag("-d", "The program as an assembly listing (the default)."));
        spec.addOption(flag("-dd", "The program as a C array."));
        spec.addOption(flag("-ddd", "The program as decimal numbers."));
        spec.addOption(flag("--ebpf", "The verified eBPF program the filter runs as."));
        spec.addOption(flag("--verifier-log", "The verifier's log of that eBPF program: one line per instruction"
                + " analysed, with the register states."));
        spec.addOption(OptionSpec.builder("-y").paramLabel("LINKTYPE").type(String.class)
                .description("Link type: a libpcap name (EN10MB, RAW, LINUX_SLL, IEEE802_11_RADIOTAP...; see weir"
                        + " --list-linktypes) or a number (default EN10MB).").build());
        spec.addOption(OptionSpec.builder("-s").paramLabel("SNAPLEN").type(String.class)
                .description("The value returned for matching packets (default 262144).").build());
        spec.addOption(OptionSpec.builder("-r").paramLabel("FILE").type(String.class)
                .description("Take the link type and snapshot length from a capture file.").build());
        spec.addOption(OptionSpec.builder("-F").paramLabel("FILE").type(String.class)
                .description("Read the expression from FILE.").build());
        spec.addOption(flag("--ip6-transport", "Extension: tcp[], udp[], sctp[], icmp6[] over IPv6 too."));
        spec.addOption(flag("--vlan-any", "Extension: match with or without 1 or 2 VLAN tags."));
        spec.addOption(OptionSpec.builder("--defs").paramLabel("FILE").type(String.class)
                .description("Extension: named filters ('define NAME EXPRESSION'), used as $NAME.").build());
        spec.addOption(OptionSpec.builder("-h", "--help").arity("0").type(boolean.class).usageHelp(true)
                .description("Show this help and exit.").build());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("EXPRESSION").arity("0..*").type(String[].class)
                .description("The filter expression (all packets when absent).").build());
        java.util.Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
        groups.put("What to print:", List.of("-d", "-dd", "-ddd", "--ebpf", "--verifier-log"));
        groups.put("The link and the expression:", List.of("-y", "-s", "-r", "-F", "--ip6-transport", "--vlan-any",
                "--defs"));
        HelpGroups.apply(spec, groups, "Other options:");
        return spec;
    }

    private static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name).arity("0").type(boolean.class).description(description).build();
    }

    /** {@code weir compile ARGS}: returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        int level = 0;
        String link = null;
        String readFile = null;
        String filterFile = null;
        Integer snaplen = null;
        boolean ip6Transport = false;
        boolean vlanAny = false;
        String defsFile = null;
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
                case "--verifier-log": level = VERIFIER_LOG; break;
                case "--ip6-transport": ip6Transport = true; break;
                case "--vlan-any": vlanAny = true; break;
                case "-h":
                case "--help":
                    new CommandLine(spec()).usage(out);
                    return 0;
                case "-y":
                case "-s":
                case "-r":
                case "--defs":
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
                    } else if (a.equals("--defs")) {
                        defsFile = v;
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
        ExtensionFlags flags;
        try {
            flags = ExtensionFlags.of(ip6Transport, vlanAny, defsFile);
        } catch (IOException e) {
            err.println("weir: " + OfflineRun.ioMessage(defsFile, e));
            return 1;
        } catch (FilterSyntaxException e) {
            err.println(e.render());
            return 1;
        }
        return dump(expression == null ? "" : expression, flags, level == 0 ? 1 : level, readFile, link, snaplen, out,
                err);
    }
}
