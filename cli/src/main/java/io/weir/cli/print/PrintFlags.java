package io.weir.cli.print;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * tcpdump's printing flags on Weir's command line: their picocli declarations (grouped in the help as tcpdump's
 * manual lists them), their reading from a parse result, and the fast parser's handling of the common spellings
 * ({@code -e}, {@code -q}, {@code -tttt}, {@code -vv}, {@code -XX}...). Both paths fill one {@link PrintOptions}.
 */
public final class PrintFlags {
    private PrintFlags() {}

    /** Declares the printing options on {@code spec}. */
    public static void addTo(CommandSpec spec) {
        spec.addOption(flag("-e", "Print the link-level header on each line.", boolean.class));
        spec.addOption(flag("-q", "Quick output: less protocol information.", boolean.class));
        spec.addOption(flag("-t", "-t: no time stamp; -tt: Unix seconds; -ttt: delta to the previous packet;"
                + " -tttt: date and time; -ttttt: delta to the first packet.", boolean[].class));
        spec.addOption(flag("-v", "Verbose output (-v: IP header fields).", boolean[].class));
        spec.addOption(flag("-S", "Print absolute, not relative, TCP sequence numbers.", boolean.class));
        spec.addOption(flag("-x", "Print each packet's data in hex after its line (-xx: with the link header).",
                boolean[].class));
        spec.addOption(flag("-X", "Print each packet's data in hex and ASCII (-XX: with the link header).",
                boolean[].class));
        spec.addOption(flag("-A", "Print each packet's data in ASCII (-AA: with the link header).", boolean[].class));
        spec.addOption(flag("-l", "Line-buffered standard output.", boolean.class));
        spec.addOption(flag("-U", "Packet-buffered output: flush after every packet.", boolean.class));
        spec.addOption(OptionSpec.builder("--time-stamp-precision").paramLabel("micro|nano").type(String.class)
                .description("Time stamps with six (micro, default) or nine (nano) fraction digits.").build());
        spec.addOption(flag("--json", "One JSON object per packet (time stamp, interface, lengths, layers).",
                boolean.class));
    }

    private static OptionSpec flag(String name, String description, Class<?> type) {
        return OptionSpec.builder(name).arity("0").type(type).description(description).build();
    }

    /** Reads the printing options of a picocli parse into {@code o}; throws picocli's error on a bad value. */
    public static void fromPicocli(ParseResult pr, PrintOptions o) {
        o.linkHeader = pr.hasMatchedOption("-e");
        o.quick = pr.hasMatchedOption("-q");
        o.timeMode = Math.min(count(pr, "-t"), 5);
        o.verbose = count(pr, "-v");
        o.absoluteSeq = pr.hasMatchedOption("-S");
        o.hex = count(pr, "-x");
        o.hexAscii = count(pr, "-X");
        o.ascii = count(pr, "-A");
        o.flushEach = pr.hasMatchedOption("-l") || pr.hasMatchedOption("-U");
        o.json = pr.hasMatchedOption("--json");
        String p = pr.matchedOptionValue("--time-stamp-precision", null);
        if (p != null && !precision(p, o)) {
            throw new picocli.CommandLine.ParameterException(pr.commandSpec().commandLine(),
                    "unsupported time stamp precision " + p + " (micro or nano)");
        }
    }

    private static int count(ParseResult pr, String name) {
        boolean[] v = pr.matchedOptionValue(name, new boolean[0]);
        return v.length;
    }

    /** Sets the precision from "micro" or "nano"; false for anything else. */
    public static boolean precision(String v, PrintOptions o) {
        if (v.equals("micro")) {
            o.nanos = false;
            return true;
        }
        if (v.equals("nano")) {
            o.nanos = true;
            return true;
        }
        return false;
    }

    /**
     * The fast parser's share: true when {@code a} is a printing flag spelled as one repeated letter ({@code -e},
     * {@code -tttt}, {@code -vv}, {@code -XX}...) or {@code --json}, now recorded in {@code o}.
     */
    public static boolean quick(String a, PrintOptions o) {
        if (a.equals("--json")) {
            o.json = true;
            return true;
        }
        if (a.length() < 2 || a.charAt(0) != '-' || a.length() > 6) {
            return false;
        }
        char c = a.charAt(1);
        for (int i = 2; i < a.length(); i++) {
            if (a.charAt(i) != c) {
                return false;
            }
        }
        int n = a.length() - 1;
        switch (c) {
            case 'e': o.linkHeader = true; return n == 1;
            case 'q': o.quick = true; return n == 1;
            case 'S': o.absoluteSeq = true; return n == 1;
            case 'l':
            case 'U': o.flushEach = true; return n == 1;
            case 't': o.timeMode = Math.min(o.timeMode + n, 5); return true;
            case 'v': o.verbose += n; return true;
            case 'x': o.hex += n; return true;
            case 'X': o.hexAscii += n; return true;
            case 'A': o.ascii += n; return true;
            default: return false;
        }
    }

    /** The options as one comparable string (the parsers' agreement test compares it). */
    public static String key(PrintOptions o) {
        return "e=" + o.linkHeader + ",q=" + o.quick + ",t=" + o.timeMode + ",v=" + o.verbose + ",S="
                + o.absoluteSeq + ",x=" + o.hex + ",X=" + o.hexAscii + ",A=" + o.ascii + ",flush=" + o.flushEach
                + ",json=" + o.json + ",nano=" + o.nanos;
    }
}
