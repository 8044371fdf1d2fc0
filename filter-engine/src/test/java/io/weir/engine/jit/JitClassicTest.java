package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Classic programs reach the JIT through the classic-to-eBPF translation and must return exactly what the
 * classic interpreter returns (which the classic tests hold equal to libpcap's {@code bpf_filter}) on every
 * packet: the checked-in tcpdump dumps, the libpcap differential expressions compiled by the system's tcpdump,
 * and random valid classic programs.
 */
class JitClassicTest {
    private static final int PACKETS = 400;

    @Test
    void tcpdumpGoldenProgramsGiveTheClassicVerdicts() throws IOException {
        Map<String, ClassicProgram> programs = goldenPrograms();
        assertTrue(programs.size() >= 30, "the golden file has its programs: " + programs.size());
        long seed = System.nanoTime();
        programs.forEach((name, p) -> compare(name, p, seed));
    }

    @Test
    void differentialExpressionsGiveTheClassicVerdicts() throws IOException {
        boolean required = Boolean.getBoolean("weir.requireLibpcap");
        if (!tcpdumpAvailable()) {
            if (required) {
                fail("tcpdump is required (weir.requireLibpcap=true) but cannot be run");
            }
            Assumptions.assumeTrue(false, "tcpdump is not installed: cannot compile the differential expressions");
        }
        long seed = System.nanoTime();
        int compiled = 0;
        for (String line : resource("/cbpf/differential-expressions.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            boolean unoptimized = line.startsWith("-O ");
            String expr = unoptimized ? line.substring(3) : line;
            List<String> cmd = new ArrayList<>(List.of("tcpdump", "-ddd", "-y", "EN10MB"));
            if (unoptimized) {
                cmd.add("-O");
            }
            cmd.add("--");
            cmd.add(expr);
            String out = run(cmd);
            if (out == null) {
                continue; // not compilable for Ethernet (wlan type data): libpcap's own verdict, nothing to run
            }
            compare(line, TcpdumpFormat.parse(out), seed);
            compiled++;
        }
        assertTrue(compiled >= 60, "tcpdump compiled the expressions: " + compiled);
    }

    @Test
    void randomClassicProgramsGiveTheClassicVerdicts() throws ReflectiveOperationException {
        Method program = Class.forName("io.weir.engine.cbpf.RandomClassicPrograms")
                .getDeclaredMethod("program", Random.class, int.class);
        program.setAccessible(true);
        long base = System.nanoTime();
        for (int n = 0; n < 1500; n++) {
            long seed = base + n;
            Random r = new Random(seed);
            ClassicProgram p = (ClassicProgram) program.invoke(null, r, 1 + r.nextInt(40));
            compare("random classic program, seed " + seed, p, seed);
        }
    }

    private static void compare(String name, ClassicProgram classic, long seed) {
        Filter want = ClassicInterpreter.of(classic);
        Filter jit = JitCompiler.compile(ClassicToEbpf.translate(classic));
        Random r = new Random(seed);
        for (int k = 0; k < PACKETS; k++) {
            byte[] p = r.nextInt(4) == 0 ? randomBytes(r) : PacketSamples.frame(r);
            int cap = PacketSamples.capLen(r, p);
            int wire = r.nextInt(4) == 0 ? p.length + r.nextInt(1000) : p.length;
            long expected = want.run(p, 0, cap, wire);
            long got = jit.run(p, 0, cap, wire);
            if (expected == got && k % 4 == 0) {
                // The same packet in a direct buffer (read in place) at an offset, its order and limit unused.
                ByteBuffer d = ByteBuffer.allocateDirect(p.length + 3).order(ByteOrder.LITTLE_ENDIAN);
                d.position(3);
                d.put(p).position(1);
                got = jit.run(d, 3, cap, wire);
            }
            if (expected != got) {
                fail(name + ": packet " + k + " (seed " + seed + ", caplen " + cap + ", wire " + wire
                        + "): classic " + expected + ", JIT " + got + "\n" + TcpdumpFormat.listing(classic));
            }
        }
    }

    private static byte[] randomBytes(Random r) {
        byte[] p = new byte[r.nextInt(90)];
        r.nextBytes(p);
        return p;
    }

    /** The {@code -ddd} programs of the checked-in tcpdump dumps, by header line. */
    static Map<String, ClassicProgram> goldenPrograms() throws IOException {
        Map<String, ClassicProgram> out = new LinkedHashMap<>();
        String header = null;
        StringBuilder ddd = null;
        for (String line : resource("/cbpf/tcpdump-dumps.golden").split("\n")) {
            if (line.startsWith("### ") || line.startsWith("--- ")) {
                if (ddd != null && header != null && header.startsWith("### EN10MB")) {
                    out.put(header, TcpdumpFormat.parse(ddd.toString()));
                }
                ddd = line.equals("--- -ddd") ? new StringBuilder() : null;
                if (line.startsWith("### ")) {
                    header = line;
                }
            } else if (ddd != null) {
                ddd.append(line).append('\n');
            }
        }
        if (ddd != null && header != null && header.startsWith("### EN10MB")) {
            out.put(header, TcpdumpFormat.parse(ddd.toString()));
        }
        return out;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = JitClassicTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static boolean tcpdumpAvailable() {
        return run(List.of("tcpdump", "--version")) != null;
    }

    /** A command's standard output, or null when it cannot run or exits non-zero. */
    private static String run(List<String> cmd) {
        try {
            Path err = Files.createTempFile("weir-jit-tcpdump", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return null;
                }
                return out;
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
