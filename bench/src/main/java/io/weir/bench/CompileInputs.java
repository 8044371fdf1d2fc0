package io.weir.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The inputs of the compile-time comparison ({@link CompileBenchmark} and {@code bench/c/pcap_compile_bench.c}):
 * a 500-term expression, and sets of N IPv4 hosts both as a Weir set file ({@code src host in @FILE}) and
 * written out for libpcap ({@code src host (a or b or ...)}). Deterministic (fixed seed).
 *
 * <pre>{@code java -cp bench.jar io.weir.bench.CompileInputs DIR 100 1000 3000 100000}</pre>
 */
public final class CompileInputs {
    private CompileInputs() {
    }

    /** 500 primitives of five kinds joined by {@code or}, every fourth by {@code and}. */
    public static String terms(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(i % 4 == 3 ? " and " : " or ");
            }
            switch (i % 5) {
                case 0 -> sb.append("host 10.").append(i / 250).append('.').append(i % 250).append(".1");
                case 1 -> sb.append("tcp port ").append(1000 + i);
                case 2 -> sb.append("net 172.").append(16 + i % 16).append('.').append(i % 256).append(".0/24");
                case 3 -> sb.append("udp dst port ").append(2000 + i);
                default -> sb.append("ip6 src host 2001:db8::").append(Integer.toHexString(i));
            }
        }
        return sb.toString();
    }

    /** {@code n} distinct random IPv4 hosts (seeded), one per line, into {@code file}. */
    public static void hostFile(Path file, int n) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int h : hosts(n)) {
                w.write(dotted(h));
                w.write('\n');
            }
        }
    }

    /** The same hosts as libpcap's expression {@code src host (a or b or ...)}. */
    public static String writtenOut(int n) {
        StringBuilder sb = new StringBuilder("src host (");
        int[] hs = hosts(n);
        for (int i = 0; i < hs.length; i++) {
            sb.append(i == 0 ? "" : " or ").append(dotted(hs[i]));
        }
        return sb.append(')').toString();
    }

    private static int[] hosts(int n) {
        Random r = new Random(20261125L);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int[] out = new int[n];
        for (int i = 0; i < n; ) {
            int h = (11 + r.nextInt(212)) << 24 | r.nextInt(1 << 24);
            if (seen.add(h)) {
                out[i++] = h;
            }
        }
        return out;
    }

    private static String dotted(int h) {
        return (h >>> 24) + "." + (h >>> 16 & 255) + "." + (h >>> 8 & 255) + "." + (h & 255);
    }

    /** Writes {@code terms500.txt}, and {@code hostsN.txt} (set file) and {@code hostsN.expr} per N, into DIR. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("terms500.expr"), terms(500));
        for (int i = 1; i < args.length; i++) {
            int n = Integer.parseInt(args[i]);
            hostFile(dir.resolve("hosts" + n + ".txt"), n);
            Files.writeString(dir.resolve("hosts" + n + ".expr"), writtenOut(n));
        }
    }
}
