package io.weir.cli.print;

import static org.junit.jupiter.api.Assertions.fail;

import io.weir.capture.PcapReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support: runs {@code tcpdump -nn [flags] -r FILE} (TZ=UTC) and Weir's {@link LinePrinter} with the same
 * flags on the same file, and returns both outputs split into packets (a packet is its first line plus the
 * continuation lines that start with white space).
 */
final class TcpdumpRunner {
    private TcpdumpRunner() {}

    /** The tcpdump binary, or a skip (a failure when weir.requireLibpcap=true) when there is none. */
    static String tcpdump() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "tcpdump");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String p : new String[] {"/usr/sbin/tcpdump", "/usr/bin/tcpdump"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        if (Boolean.getBoolean("weir.requireLibpcap")) {
            fail("tcpdump is not installed, and weir.requireLibpcap=true (apt-get install tcpdump)");
        }
        Assumptions.abort("tcpdump is not installed: the comparison with tcpdump's lines is skipped");
        return null;
    }

    /** tcpdump's packets for {@code file}: each a list of lines. */
    static List<List<String>> tcpdump(String tcpdump, Path file, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tcpdump, "-nn"));
        cmd.addAll(Arrays.asList(flags));
        cmd.add("-r");
        cmd.add(file.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tcpdump timed out on " + file);
        }
        return packets(new String(out, StandardCharsets.ISO_8859_1));
    }

    /** Weir's packets for {@code file}, printed with {@code opt} (its zone is set to UTC). */
    static List<List<String>> weir(Path file, PrintOptions opt) throws IOException {
        opt.zone = ZoneId.of("UTC");
        opt.localInterfaceNames = true;   // tcpdump names cooked-v2 interfaces with this machine's
        LinePrinter printer = new LinePrinter(opt);
        StringBuilder all = new StringBuilder();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                all.append(printer.format(r.packet())).append('\n');
            }
        } catch (IOException | RuntimeException e) {
            // A damaged capture: tcpdump stops there too (and prints what came before).
        }
        return packets(all.toString());
    }

    /** Splits output into packets: a line starting with a tab or two spaces continues the packet before it. */
    static List<List<String>> packets(String text) {
        List<List<String>> packets = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty() && packets.isEmpty()) {
                continue;
            }
            // -ttt and -ttttt lines start with one space; -v's second line with four, dumps with a tab.
            boolean continuation = (line.startsWith("\t") || line.startsWith("  ")) && !packets.isEmpty();
            if (continuation) {
                packets.get(packets.size() - 1).add(line);
            } else if (!line.isEmpty() || !packets.isEmpty()) {
                List<String> p = new ArrayList<>();
                p.add(line);
                packets.add(p);
            }
        }
        // The text ends with a newline: drop the empty packet it leaves.
        if (!packets.isEmpty() && packets.get(packets.size() - 1).size() == 1
                && packets.get(packets.size() - 1).get(0).isEmpty()) {
            packets.remove(packets.size() - 1);
        }
        return packets;
    }
}
