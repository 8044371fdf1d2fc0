package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extension switches on the command line: {@code weir -d} and {@code weir compile} compile with them. */
class ExtensionFlagsTest {
    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String listing(String expr, CompileOptions o) throws Exception {
        return FilterCompiler.dump(FilterCompiler.compile(expr, 1, FilterCompiler.DEFAULT_SNAPLEN, o), 1);
    }

    @AfterEach
    void reset() {
        ExtensionFlags.set(ExtensionFlags.NONE);
    }

    @Test
    void switchesReachTheCompiler() throws Exception {
        Result r = run("-d", "-y", "EN10MB", "--vlan-any", "--ip6-transport", "tcp[13] = 2");
        assertEquals(0, r.status, r.err);
        assertEquals(listing("tcp[13] = 2", CompileOptions.DEAD.withVlanAny(true).withIp6Transport(true)), r.out);
        Result c = run("compile", "--vlan-any", "-y", "EN10MB", "tcp port 80");
        assertEquals(0, c.status, c.err);
        assertEquals(listing("tcp port 80", CompileOptions.DEAD.withVlanAny(true)), c.out);
        // The next command without the switches is libpcap's again.
        Result plain = run("-d", "-y", "EN10MB", "tcp[13] = 2");
        assertEquals(listing("tcp[13] = 2", CompileOptions.DEAD), plain.out);
    }

    @Test
    void defsFileNamesFilters(@TempDir Path dir) throws Exception {
        Path defs = dir.resolve("net.defs");
        Files.writeString(defs, "# servers\ndefine web tcp port 80 or tcp port 443\ndefine syn tcp flags SYN\n");
        Result r = run("-d", "-y", "EN10MB", "--defs", defs.toString(), "$web and not $syn");
        assertEquals(0, r.status, r.err);
        assertEquals(listing("(tcp port 80 or tcp port 443) and not (tcp flags SYN)", CompileOptions.DEAD), r.out);
        Result c = run("compile", "--defs", defs.toString(), "-y", "EN10MB", "$syn");
        assertEquals(0, c.status, c.err);
        Files.writeString(defs, "define a tcp\ndefine b $a and $c\n");
        Result bad = run("-d", "-y", "EN10MB", "--defs", defs.toString(), "$b");
        assertEquals(1, bad.status);
        assertTrue(bad.err.contains(defs + ":2: undefined name '$c'"), bad.err);
        Result missing = run("-d", "-y", "EN10MB", "--defs", dir.resolve("none").toString(), "tcp");
        assertEquals(1, missing.status);
        assertTrue(missing.err.startsWith("weir: "), missing.err);
    }
}
