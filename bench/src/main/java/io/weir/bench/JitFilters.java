package io.weir.bench;

import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.TcpdumpFormat;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.jit.JitCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The six filters of the JIT benchmark, of rising complexity: from {@code tcp} (1 term) to a 20-term expression.
 * Their classic programs are what the system's tcpdump compiles ({@code tcpdump -ddd -y EN10MB EXPR}), fetched
 * when a benchmark sets up, so the JIT, Weir's interpreters and libpcap's C {@code bpf_filter} (through
 * {@code bench/c/bpf_filter_bench}) run exactly the same instructions.
 */
public enum JitFilters {
    /** 1 term. */
    TCP("tcp"),
    /** 2 terms. */
    TCP_PORT_80("tcp port 80"),
    /** 3 terms. */
    HOST_L4("host 192.168.1.1 and (tcp or udp)"),
    /** 5 terms. */
    WEB_NOT_LAN("(tcp port 80 or tcp port 443) and not net 10.0.0.0/8 and greater 100"),
    /** 12 terms. */
    TERMS_12("(tcp port 80 or tcp port 443 or udp port 53) and (host 192.168.1.1 or host 10.0.0.1"
            + " or net 172.16.0.0/12) and not port 22 and ip and len > 60 and not ether broadcast and not icmp"),
    /** 20 terms. */
    TERMS_20("(tcp port 80 or tcp port 443 or tcp port 8080 or tcp port 22 or udp port 53 or udp port 123"
            + " or udp port 4789) and (host 192.168.1.1 or host 192.168.1.2 or host 10.0.0.1 or host 10.1.2.3"
            + " or net 172.16.0.0/12) and not (host 8.8.8.8 or port 25) and (ip or ip6) and len > 60"
            + " and not ether broadcast and not icmp and greater 64");

    private final String expression;

    JitFilters(String expression) {
        this.expression = expression;
    }

    /** The tcpdump expression. */
    public String expression() {
        return expression;
    }

    /** The program the system's tcpdump compiles for this expression on Ethernet, in -ddd's comma form. */
    public String ddd() {
        try {
            Process p = new ProcessBuilder("tcpdump", "-ddd", "-y", "EN10MB", "--", expression)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("tcpdump could not compile '" + expression + "'");
            }
            return out.strip().replace("\n", ",");
        } catch (IOException e) {
            throw new IllegalStateException("the JIT benchmark needs tcpdump on the PATH: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The classic program. */
    public ClassicProgram program() {
        return TcpdumpFormat.parse(ddd());
    }

    /** A filter for {@code program} on {@code jit}, {@code ebpf} (the eBPF interpreter) or {@code classic}. */
    public static Filter filter(ClassicProgram program, String engine) {
        switch (engine) {
            case "jit": return JitCompiler.compile(ClassicToEbpf.translate(program));
            case "ebpf": return new EbpfInterpreter(ClassicToEbpf.translate(program));
            case "classic": return ClassicInterpreter.of(program);
            default: throw new IllegalArgumentException("unknown engine '" + engine + "' (jit, ebpf, classic)");
        }
    }

    /**
     * {@code JitFilters FILTERS.tsv}: writes {@code name TAB expression TAB program} for the C harness and prints
     * {@code name TAB matches} per filter on the default packet mix through the JIT (libpcap's counts must be
     * the same), after checking that every engine agrees on every frame.
     */
    public static void main(String[] args) throws IOException {
        List<byte[]> mix = PacketMix.generate(PacketMix.DEFAULT_SEED, PacketMix.DEFAULT_COUNT);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Paths.get(args[0])))) {
            for (JitFilters f : values()) {
                String ddd = f.ddd();
                w.println(f.name() + "\t" + f.expression + "\t" + ddd);
                ClassicProgram p = TcpdumpFormat.parse(ddd);
                Filter jit = filter(p, "jit");
                Filter classic = filter(p, "classic");
                Filter ebpf = filter(p, "ebpf");
                int matches = 0;
                for (byte[] frame : mix) {
                    long v = jit.run(frame, 0, frame.length, frame.length);
                    if (v != classic.run(frame, 0, frame.length, frame.length)
                            || v != ebpf.run(frame, 0, frame.length, frame.length)) {
                        throw new IllegalStateException(f + ": the engines disagree on a frame");
                    }
                    matches += v != 0 ? 1 : 0;
                }
                System.out.println(f.name() + "\tjit\t" + matches);
            }
        }
    }
}
