package io.weir.compiler.ext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * tshark as an independent oracle: one run evaluates many display filters over a capture whose frame i is at
 * second i, through {@code -z io,stat,1,F1,F2,...} (one interval per frame, one column per filter). IP and
 * IPv6 reassembly are off so each fragment is judged on its own, as a packet filter sees it.
 */
public final class Tshark {
    private Tshark() {
    }

    /** Skips the calling test when tshark is missing, or fails it when {@code weir.requireLibpcap} is true. */
    public static void require() {
        if (!available()) {
            if (Boolean.getBoolean("weir.requireLibpcap")) {
                throw new AssertionError("tshark is required (weir.requireLibpcap=true) but cannot be run");
            }
            Assumptions.abort("tshark not installed (apt-get install tshark): the oracle tests are skipped");
        }
    }

    private static Boolean available;

    static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available;
    }

    /**
     * verdicts[f][i]: whether display filter {@code filters.get(f)} matches frame i, for the first {@code frames}
     * frames of {@code pcap}; the capture must end with one more frame, which is not judged (io,stat folds the
     * last frame into the interval before it).
     */
    public static boolean[][] verdicts(Path pcap, int frames, List<String> filters) throws IOException, InterruptedException {
        StringBuilder z = new StringBuilder("io,stat,1");
        for (String f : filters) {
            if (f.indexOf(',') >= 0) {
                throw new IllegalArgumentException("a display filter for io,stat cannot hold a comma: " + f);
            }
            z.append(',').append(f);
        }
        List<String> cmd = List.of("tshark", "-n", "-r", pcap.toString(), "-q", "-o", "ip.defragment:FALSE",
                "-o", "ipv6.defragment:FALSE", "-z", z.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tshark failed: " + cmd + "\n" + out);
        }
        boolean[][] v = new boolean[filters.size()][frames];
        int row = 0;
        for (String line : out.split("\n")) {
            if (!line.contains("<>")) {
                continue;
            }
            String[] cells = line.split("\\|");
            // cells[0] is empty, cells[1] the interval, then Frames and Bytes per filter.
            List<String> nums = new ArrayList<>();
            for (int i = 2; i < cells.length; i++) {
                nums.add(cells[i].strip());
            }
            if (row >= frames) {
                break;
            }
            for (int f = 0; f < filters.size(); f++) {
                v[f][row] = Integer.parseInt(nums.get(2 * f)) > 0;
            }
            row++;
        }
        if (row != frames) {
            throw new IOException(row + " intervals for " + frames + " frames in:\n" + out);
        }
        return v;
    }
}
