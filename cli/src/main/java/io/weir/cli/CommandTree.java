package io.weir.cli;

import java.io.PrintStream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The whole command tree as picocli sees it: {@code weir} with its tcpdump flags, and the subcommands
 * {@code compile}, {@code verify}, {@code run}, {@code flows} and {@code completion}. It serves shell completion
 * ({@code weir completion bash}, picocli's {@link AutoComplete}); each command still parses its own line
 * (the top level and {@code compile} with fast hand parsers, the others as they choose).
 *
 * <p>{@code run} and {@code flows} parse by hand and declare no picocli model: their options are listed here,
 * from their usage lines, for completion only.
 */
final class CommandTree {
    private CommandTree() {}

    /** The tree. */
    static CommandLine tree() {
        CommandSpec weir = WeirCommand.spec();
        // The parsers read these options as strings; completion offers file names for them, and the choices.
        for (String name : new String[] {"-r", "-w", "-F"}) {
            retype(weir, name, java.io.File.class, null);
        }
        // Repeatable flags (-vv, -tttt) are boolean[] to the parser, which completion takes for options with values.
        for (String name : new String[] {"-n", "-t", "-v", "-x", "-X", "-A", "-d"}) {
            retype(weir, name, boolean.class, null);
        }
        retype(weir, "-Q", String.class, java.util.List.of("in", "out", "inout"));
        retype(weir, "--engine", String.class, java.util.List.of("auto", "jit", "interpreter", "classic"));
        retype(weir, "--time-stamp-precision", String.class, java.util.List.of("micro", "nano"));
        CommandSpec compile = CompileCommand.spec();
        for (String name : new String[] {"-r", "-F"}) {
            retype(compile, name, java.io.File.class, null);
        }
        CommandLine root = new CommandLine(weir);
        root.addSubcommand("compile", new CommandLine(compile));
        root.addSubcommand("verify", new CommandLine(CommandSpec.forAnnotatedObject(VerifyCommand.class)));
        root.addSubcommand("run", new CommandLine(runSpec()));
        root.addSubcommand("flows", new CommandLine(flowsSpec()));
        root.addSubcommand("index", new CommandLine(CommandSpec.forAnnotatedObject(new IndexCommand())));
        root.addSubcommand("completion", new CommandLine(completionSpec()));
        return root;
    }

    /**
     * Replaces option {@code name} of {@code spec} by one of the same names, label and description but of
     * {@code type} (with completion {@code candidates} when not null). A new option, not a copy: a copy keeps the
     * old type's information, which is what completion reads.
     */
    private static void retype(CommandSpec spec, String name, Class<?> type, java.util.List<String> candidates) {
        OptionSpec o = spec.findOption(name);
        if (o == null) {
            return;
        }
        OptionSpec.Builder b = OptionSpec.builder(o.names()).type(type).description(o.description())
                .hidden(o.hidden());
        if (type == boolean.class) {
            b.arity("0");
        } else {
            b.paramLabel(o.paramLabel());
        }
        if (candidates != null) {
            b.completionCandidates(candidates);
        }
        spec.remove(o);
        spec.addOption(b.build());
    }

    /** {@code weir completion bash}: prints the completion script; returns the exit status. */
    static int completion(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            new CommandLine(completionSpec()).usage(out);
            return 0;
        }
        if (args.length != 1 || !args[0].equals("bash")) {
            err.println("weir: completion: say which shell: weir completion bash (zsh reads it too, after"
                    + " 'autoload -U bashcompinit && bashcompinit')");
            return 1;
        }
        out.print(AutoComplete.bash("weir", tree()));
        return 0;
    }

    private static CommandSpec completionSpec() {
        CommandSpec spec = CommandSpec.create().name("completion");
        spec.usageMessage().description("Prints a shell completion script for weir.",
                "Use: source <(weir completion bash), or save it in /etc/bash_completion.d/weir.");
        spec.addOption(help());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("SHELL").arity("1").type(String.class)
                .completionCandidates(java.util.List.of("bash")).description("The shell: bash.").build());
        return spec;
    }

    private static CommandSpec runSpec() {
        CommandSpec spec = CommandSpec.create().name("run");
        spec.usageMessage().description("Loads an eBPF ELF object and runs its program on every packet of a capture.");
        spec.addOption(value("--section", "NAME", "The program's ELF section."));
        spec.addOption(value("-r", "FILE", "The capture to read."));
        spec.addOption(value("-w", "FILE", "Write the packets the program keeps."));
        spec.addOption(OptionSpec.builder("--json").arity("0").type(boolean.class)
                .description("One JSON document at the end: verdict counts and every map.").build());
        spec.addOption(value("--events", "FILE", "Where trace_printk and ring-buffer records go (NDJSON)."));
        spec.addOption(OptionSpec.builder("--verifier-log").arity("0").type(boolean.class)
                .description("Print the verifier's log.").build());
        spec.addOption(value("--max-map-memory", "BYTES[k|m|g]", "The ceiling on the object's map memory."));
        spec.addOption(choice("--engine", "What runs the program.", "auto", "jit", "interpreter"));
        spec.addOption(help());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("OBJECT.o").arity("1").type(java.io.File.class)
                .description("The ELF object.").build());
        return spec;
    }

    private static CommandSpec flowsSpec() {
        CommandSpec spec = CommandSpec.create().name("flows");
        spec.usageMessage().description("Counts the flows of a capture.");
        spec.addOption(value("-r", "FILE", "The capture to read."));
        spec.addOption(choice("--by", "The flow key.", "5tuple", "src", "dst", "host-pair", "port", "proto", "vlan"));
        spec.addOption(value("--top", "N", "Show the N largest."));
        spec.addOption(choice("--sort", "The order.", "packets", "bytes", "duration", "rate"));
        spec.addOption(OptionSpec.builder("--csv").arity("0").type(boolean.class).description("CSV output.").build());
        spec.addOption(OptionSpec.builder("--json").arity("0").type(boolean.class).description("JSON output.").build());
        spec.addOption(OptionSpec.builder("--unidirectional").arity("0").type(boolean.class)
                .description("One flow per direction.").build());
        spec.addOption(value("--max-flows", "N", "The flow table's size."));
        spec.addOption(value("--export", "FILE", "Export the flows."));
        spec.addOption(choice("--engine", "What runs the flow program.", "auto", "jit", "interpreter"));
        spec.addOption(help());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("EXPRESSION").arity("0..*").type(String[].class)
                .description("A filter expression.").build());
        return spec;
    }

    private static OptionSpec value(String name, String label, String description) {
        Class<?> type = label.equals("FILE") ? java.io.File.class : String.class;
        return OptionSpec.builder(name).paramLabel(label).type(type).description(description).build();
    }

    private static OptionSpec choice(String name, String description, String... values) {
        return OptionSpec.builder(name).paramLabel(String.join("|", values)).type(String.class)
                .completionCandidates(java.util.List.of(values)).description(description).build();
    }

    private static OptionSpec help() {
        return OptionSpec.builder("-h", "--help").arity("0").type(boolean.class).usageHelp(true)
                .description("Show this help and exit.").build();
    }
}
