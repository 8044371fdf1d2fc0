package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bpf_conformance suite's own runner against the plugin, as its README shows: one JVM per test through a
 * wrapper script generated into {@code target/} (about 30 s for the 313 tests on two cores). Skipped when
 * {@code weir.sharedDir} has no suite or python3 is missing.
 */
class ConformanceRunnerTest {

    @Test
    void pluginProtocolInProcess() {
        String prog = "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00\n";
        assertEquals("0x2a", plugin(new String[] {"conformance-plugin", "--engine", "interpreter"}, prog, 0));
        // MEM first (the runner's order): r2 is its length.
        String len = "bf 20 00 00 00 00 00 00 95 00 00 00 00 00 00 00";
        assertEquals("0x3", plugin(new String[] {"01  02  03  ", "conformance-plugin"}, len, 0));
        String bad = plugin(new String[] {"conformance-plugin"}, "95 00 00 00 01 00 00 00", 1);
        assertEquals("insn 0 (opcode 0x95): unused field imm must be 0, is 1", bad);
        String fault = plugin(new String[] {"conformance-plugin"}, "61 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00",
                1);
        assertTrue(fault.startsWith("insn 0 (r0 = *(u32 *)(r1 + 0)): invalid memory read"), fault);
    }

    private static String plugin(String[] args, String stdin, int status) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ConformancePlugin.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(status, rc, "exit status; stderr: " + err);
        return (rc == 0 ? out : err).toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void suiteRunnerPassesEveryTest() throws Exception {
        List<String> out = runner("tests", "--cpu_version", "v4", "--include_groups", "callx");
        assertTrue(out.contains("313 passed, 0 failed"), String.join("\n", out));
    }

    @Test
    void suiteRunnerRejectsEveryUnusedFieldProgram() throws Exception {
        List<String> out = runner("negative", "--include_regex", "unused-", "--strict_empty_error");
        assertTrue(out.contains("45 passed, 0 failed"), String.join("\n", out));
    }

    private static List<String> runner(String dir, String... extra) throws Exception {
        String shared = System.getProperty("weir.sharedDir");
        Path suite = shared == null ? null : Paths.get(shared, "bpf-conformance");
        assumeTrue(suite != null && Files.isRegularFile(suite.resolve("run")),
                "weir.sharedDir has no bpf-conformance runner: skipped");
        assumeTrue(hasPython(), "python3 is not installed: the suite's runner cannot run");
        Path script = wrapper();
        List<String> cmd = new ArrayList<>(List.of("python3", suite.resolve("run").toString(),
                "--test_file_directory", suite.resolve(dir).toString(), "--plugin_path", script.toString(),
                "--plugin_options", "conformance-plugin --engine interpreter", "--jobs", "2", "--timeout", "60"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] all = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "runner timed out");
        return List.of(new String(all, StandardCharsets.UTF_8).split("\n"));
    }

    private static boolean hasPython() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * A script in target/ that starts Main on this test's class path, with options for a fast start. Class
     * directories are copied first, so that a rebuild running meanwhile cannot pull classes from under the
     * plugin's JVMs.
     */
    private static Path wrapper() throws IOException {
        Path target = Paths.get(System.getProperty("weir.projectDir", "."), "cli", "target");
        if (!Files.isDirectory(target)) {
            target = Paths.get("target").toAbsolutePath();
        }
        Path snapshot = target.resolve("conformance-plugin-classes");
        deleteTree(snapshot);
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String e : classPath()) {
            Path p = Paths.get(e);
            if (Files.isDirectory(p)) {
                Path copy = snapshot.resolve("cp" + n++);
                copyTree(p, copy);
                entries.add(copy.toString());
            } else {
                entries.add(e);
            }
        }
        Path script = target.resolve("conformance-plugin.sh");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String text = "#!/bin/sh\n# Generated by ConformanceRunnerTest: the weir conformance plugin.\n"
                + "exec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp '"
                + String.join(File.pathSeparator, entries) + "' io.weir.cli.Main \"$@\"\n";
        Files.writeString(script, text);
        assertTrue(script.toFile().setExecutable(true), "chmod +x " + script);
        return script;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>();
            s.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.delete(all.get(i));
            }
        }
    }

    /** This JVM's class path, with surefire's manifest-only booter jar expanded into its entries. */
    private static List<String> classPath() throws IOException {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith(".jar") && e.contains("surefire")) {
                try (JarFile jar = new JarFile(e)) {
                    Manifest m = jar.getManifest();
                    String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (cp != null) {
                        for (String url : cp.trim().split("\\s+")) {
                            out.add(Paths.get(URI.create(url)).toString());
                        }
                        continue;
                    }
                }
            }
            out.add(Paths.get(e).toAbsolutePath().toString());
        }
        return out;
    }
}
