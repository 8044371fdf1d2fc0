package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command tree: {@code weir completion bash} (a script bash accepts, completing the subcommands and their
 * options), {@code --help} of every command grouped under headings, and {@code weir compile --verifier-log}.
 */
class CommandTreeTest {
    @TempDir
    Path tmp;

    @Test
    void completionScriptCompletesCommandsAndOptions() throws Exception {
        WeirCommandTest.Run r = WeirCommandTest.run("completion", "bash");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out());
        Path script = tmp.resolve("weir_completion");
        Files.writeString(script, r.out());
        // Ask bash itself: source the script, then complete "weir co" and "weir compile --ver".
        // compopt works only inside a real completion: a no-op stands in for it.
        String probe = "source " + script + "\ncompopt() { :; }\n"
                + "COMP_WORDS=(weir co); COMP_CWORD=1; COMP_LINE='weir co'; COMP_POINT=7; _complete_weir; "
                + "echo \"A:${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(weir compile --ver); COMP_CWORD=2; COMP_LINE='weir compile --ver'; COMP_POINT=18;"
                + " _complete_weir; echo \"B:${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(weir -); COMP_CWORD=1; COMP_LINE='weir -'; COMP_POINT=6; _complete_weir;"
                + " echo \"C:${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(weir -Q ''); COMP_CWORD=2; COMP_LINE='weir -Q '; COMP_POINT=8; _complete_weir;"
                + " echo \"D:${COMPREPLY[*]}\"\n"
                + "cd " + tmp + "; COMP_WORDS=(weir -r weir_comp); COMP_CWORD=2; COMP_LINE='weir -r weir_comp';"
                + " COMP_POINT=17; _complete_weir; echo \"E:${COMPREPLY[*]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertTrue(out.contains("A:compile completion") || out.contains("A:completion compile"), out);
        assertTrue(out.contains("B:--verifier-log"), out);
        assertTrue(out.contains("D:in out inout"), "-Q's choices: " + out);
        assertTrue(out.contains("E:weir_completion"), "-r completes file names: " + out);
        String c = out.substring(out.indexOf("C:"), out.indexOf("D:"));
        for (String o : List.of("-r", "-w", "-C", "-G", "-W", "--pcapng", "-i", "-D")) {
            assertTrue((" " + c.substring(2) + " ").contains(" " + o + " "), o + " in " + c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "zsh", ""})
    void completionNeedsBash(String shell) {
        WeirCommandTest.Run r = shell.isEmpty() ? WeirCommandTest.run("completion")
                : WeirCommandTest.run("completion", shell);
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("weir: completion: ") && r.err().indexOf('\n') == r.err().length() - 1,
                r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--help         | Reading and capturing:,Writing capture files:,Printing packets:,The filter program:",
        "compile --help | What to print:,The link and the expression:",
        "completion --help | Usage: completion"})
    void helpIsGrouped(String args, String headings) {
        WeirCommandTest.Run r = WeirCommandTest.run(args.split(" "));
        assertEquals(0, r.status(), r.err());
        int last = -1;
        for (String h : headings.split(",")) {
            int at = r.out().indexOf(h);
            assertTrue(at > last, h + " after the one before, in: " + r.out());
            last = at;
        }
        assertEquals("", r.err());
    }

    @Test
    void verifierLogOfTheCompiledProgram() {
        WeirCommandTest.Run log = WeirCommandTest.run("compile", "--verifier-log", "tcp port 80");
        assertEquals(0, log.status(), log.err());
        WeirCommandTest.Run ebpf = WeirCommandTest.run("compile", "--ebpf", "tcp port 80");
        // One log line per instruction analysed at least; the log ends with the verifier's summary.
        long insns = ebpf.out().lines().count();
        assertTrue(log.out().lines().count() >= insns, log.out());
        assertTrue(log.out().contains("processed "), log.out());
        assertEquals("Warning: assuming Ethernet\n", log.err());
    }
}
