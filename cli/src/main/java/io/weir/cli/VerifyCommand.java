package io.weir.cli;

import io.weir.engine.ebpf.AsmException;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import io.weir.engine.verifier.VerifierException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weir verify [--type socket|xdp] [-v] FILE}: runs the eBPF verifier on a program.
 *
 * <p>FILE is read by its content: an ELF object (by its magic; not supported yet), assembler text in the
 * conformance suite's syntax (labels, {@code call local}, {@code #} comments), or else raw instruction bytes
 * (a multiple of 8). Accepted: {@code accepted} on standard output, status 0. Rejected: the verifier's short
 * message on standard error ({@code -v}: the full log), status 1. Unreadable input: one line, status 1.
 */
@Command(name = "verify", sortOptions = false,
        description = "Checks an eBPF program with the verifier: only programs that pass may run.")
public final class VerifyCommand {
    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "socket",
            description = "Program type: socket (default; the context is a __sk_buff) or xdp.")
    String type;

    @Option(names = "-v", description = "On rejection print the whole verifier log (on acceptance too, to standard error).")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "FILE", arity = "1",
            description = "Assembler text, raw instruction bytes, or (later) an ELF object; - for standard input.")
    String file;

    private VerifyCommand() {}

    /** Runs with the process's standard streams. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** Runs {@code weir verify ARGS} with these streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        VerifyCommand cmd = new VerifyCommand();
        CommandLine cl = new CommandLine(cmd);
        int status = SubcommandArgs.parse(cl, "verify", args, out, err);
        if (status >= 0) {
            return status;
        }
        try {
            return cmd.verify(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int verify(PrintStream out, PrintStream err) {
        ProgramType t;
        if ("socket".equalsIgnoreCase(type)) {
            t = ProgramType.SOCKET;
        } else if ("xdp".equalsIgnoreCase(type)) {
            t = ProgramType.XDP;
        } else {
            err.println("weir verify: unknown program type '" + type + "' (socket, xdp)");
            return 1;
        }
        byte[] bytes;
        try {
            bytes = "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            err.println("weir verify: " + file + ": No such file or directory");
            return 1;
        } catch (AccessDeniedException e) {
            err.println("weir verify: " + file + ": Permission denied");
            return 1;
        } catch (IOException e) {
            err.println("weir verify: " + file + ": " + e.getMessage());
            return 1;
        }
        Verifier verifier = new Verifier(Verifier.Options.DEFAULT);
        try {
            VerifiedProgram v;
            if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
                err.println("weir verify: " + file + ": ELF objects are not supported yet");
                return 1;
            } else if (isText(bytes)) {
                Program p;
                try {
                    p = Assembler.assemble(StandardCharsets.UTF_8.newDecoder()
                            .decode(java.nio.ByteBuffer.wrap(bytes)).toString(), t);
                } catch (AsmException e) {
                    err.println("weir verify: " + file + ":" + e.line() + ": " + e.reason());
                    return 1;
                } catch (CharacterCodingException e) {
                    err.println("weir verify: " + file + ": neither UTF-8 text nor instruction bytes");
                    return 1;
                }
                v = verifier.check(p);
            } else {
                if (bytes.length % 8 != 0) {
                    err.println("weir verify: " + file + ": " + bytes.length
                            + " bytes of raw instructions, not a multiple of 8");
                    return 1;
                }
                v = verifier.check(t, bytes);
            }
            if (verbose) {
                err.print(v.log());
            }
            out.println("accepted");
            return 0;
        } catch (VerifierException e) {
            if (verbose) {
                err.print(e.log());
            } else {
                err.println(e.getMessage());
            }
            return 1;
        }
    }

    /** Text has no NUL or other control bytes than tab, newline and carriage return. */
    private static boolean isText(byte[] b) {
        if (b.length == 0) {
            return true;
        }
        for (byte x : b) {
            if ((x >= 0 && x < 0x20 && x != '\n' && x != '\r' && x != '\t') || x == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
