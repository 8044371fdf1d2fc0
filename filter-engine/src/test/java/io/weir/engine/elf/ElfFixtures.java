package io.weir.engine.elf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fixture objects: the checked-in {@code .o} files, and the same sources compiled now with clang when it is
 * installed (CI installs it; elsewhere those cases are skipped with a message).
 */
final class ElfFixtures {
    private ElfFixtures() {}

    static Path dir() {
        String project = System.getProperty("weir.projectDir");
        Path base = project != null ? Path.of(project, "filter-engine") : Path.of("").toAbsolutePath();
        Path p = base.resolve("src/test/resources/elf");
        if (!Files.isDirectory(p)) {
            p = Path.of("src/test/resources/elf").toAbsolutePath();
        }
        return p;
    }

    /** The checked-in object of fixture {@code name}. */
    static Path checkedIn(String name) {
        return dir().resolve(name + ".o");
    }

    /** Fixture {@code name} compiled now into {@code tmp}; skips the test when clang is missing. */
    static Path compiled(String name, Path tmp) throws IOException, InterruptedException {
        assumeTrue(hasClang(), "clang is not installed: the fresh-compile case is skipped (checked-in .o still run)");
        Path out = tmp.resolve(name + ".o");
        List<String> cmd = new ArrayList<>(List.of("clang", "-O2", "-g", "-target", "bpf",
                "-I/usr/include/" + multiarch(), "-c", dir().resolve(name + ".c").toString(), "-o", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("clang failed on " + name + ".c:\n" + log);
        }
        return out;
    }

    static boolean hasClang() {
        try {
            Process p = new ProcessBuilder("clang", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0
                    && Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h"));
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String multiarch() {
        try {
            Process p = new ProcessBuilder("gcc", "-print-multiarch").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 && !s.isEmpty() ? s : "x86_64-linux-gnu";
        } catch (IOException | InterruptedException e) {
            return "x86_64-linux-gnu";
        }
    }
}
