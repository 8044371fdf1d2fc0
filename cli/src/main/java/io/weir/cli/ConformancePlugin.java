package io.weir.cli;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.RawExecutable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * The bpf_conformance plugin: {@code weir [MEM] conformance-plugin [--engine interpreter|jit|auto]}.
 *
 * <p>Protocol (the suite's README): MEM, when present, is one argument of hex bytes separated by spaces; the
 * program arrives on stdin in the same form, 8 bytes per instruction; the program runs as a {@code raw} program
 * (r1 = a private copy of MEM or 0, r2 = its length) and r0 is printed in hex. Any failure (bad input, invalid
 * instruction, run-time fault) prints one message line on stderr and exits with status 1.
 *
 * <p>The runner starts one JVM per test, so this path is kept lean: no picocli, no reflection, no formatting
 * machinery; {@link Main} dispatches here before anything else is loaded.
 */
public final class ConformancePlugin {
    /** The word that selects the plugin, as argument 0 or 1. */
    public static final String NAME = "conformance-plugin";

    private ConformancePlugin() {}

    /** Whether {@code args} ask for the plugin (the word in position 0, or 1 after MEM). */
    public static boolean wants(String[] args) {
        return args.length > 0 && (NAME.equals(args[0]) || args.length > 1 && NAME.equals(args[1]));
    }

    /** Runs the plugin on the process's stdin, stdout and stderr; returns the exit status. */
    public static int run(String[] args) {
        return run(args, System.in, System.out, System.err);
    }

    /** Runs the plugin; returns 0 on success, 1 on any failure (the message is on {@code err}). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            int at = NAME.equals(args[0]) ? 0 : 1;
            byte[] mem = at == 1 ? hex(args[0], "memory argument") : new byte[0];
            Engine engine = Engine.AUTO;
            for (int i = at + 1; i < args.length; i++) {
                String a = args[i];
                if (a.isEmpty()) {
                    continue;
                }
                if (a.equals("--engine") && i + 1 < args.length) {
                    engine = Engine.fromLabel(args[++i]);
                } else if (a.startsWith("--engine=")) {
                    engine = Engine.fromLabel(a.substring("--engine=".length()));
                } else {
                    throw new IllegalArgumentException("unknown plugin option '" + a
                            + "' (usage: weir [MEM] conformance-plugin [--engine interpreter|jit|auto])");
                }
            }
            byte[] code = hex(new String(readAll(in), java.nio.charset.StandardCharsets.US_ASCII), "program");
            Program program = Program.decode(ProgramType.RAW, code);
            RawExecutable x = Engines.raw(program, engine);
            long r0 = x.run(mem);
            out.print("0x");
            out.println(Long.toHexString(r0));
            out.flush();
            return 0;
        } catch (RuntimeException | IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            err.println(msg);
            err.flush();
            return 1;
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }

    /** Bytes written as hex pairs; whitespace between (or within) pairs is ignored. */
    static byte[] hex(String text, String what) {
        byte[] out = new byte[text.length() / 2];
        int n = 0;
        int hi = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0) {
                throw new IllegalArgumentException("invalid hex digit '" + c + "' in the " + what);
            }
            if (hi < 0) {
                hi = v;
            } else {
                out[n++] = (byte) (hi << 4 | v);
                hi = -1;
            }
        }
        if (hi >= 0) {
            throw new IllegalArgumentException("odd number of hex digits in the " + what);
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
