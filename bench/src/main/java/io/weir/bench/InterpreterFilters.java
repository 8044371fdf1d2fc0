package io.weir.bench;

import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.TcpdumpFormat;
import io.weir.engine.ebpf.EbpfInterpreter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

/**
 * The five filters of the interpreter benchmarks, each with the classic program tcpdump 4.99.3 / libpcap 1.10.3
 * compiles for it on EN10MB ({@code tcpdump -ddd}, in the one-line comma form). The JMH benchmarks and the C
 * harness run exactly these instructions, so the comparison is of interpreters, not compilers;
 * {@code bench/interp-vs-libpcap.sh} checks them against the system's tcpdump.
 */
public enum InterpreterFilters {
    IP("ip", "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0"),
    TCP_PORT_80("tcp port 80", "20,40 0 0 12,21 0 6 34525,48 0 0 20,21 0 15 6,40 0 0 54,21 12 0 80,40 0 0 56,"
            + "21 10 11 80,21 0 10 2048,48 0 0 23,21 0 8 6,40 0 0 20,69 6 0 8191,177 0 0 14,72 0 0 14,21 2 0 80,"
            + "72 0 0 16,21 0 1 80,6 0 0 262144,6 0 0 0"),
    HOST_L4("host 192.168.1.1 and (tcp or udp)", "11,40 0 0 12,21 0 8 2048,32 0 0 26,21 2 0 3232235777,"
            + "32 0 0 30,21 0 4 3232235777,48 0 0 23,21 1 0 6,21 0 1 17,6 0 0 262144,6 0 0 0"),
    IP6_TCP_443("ip6 and tcp dst port 443", "8,40 0 0 12,21 0 5 34525,48 0 0 20,21 0 3 6,40 0 0 56,21 0 1 443,"
            + "6 0 0 262144,6 0 0 0"),
    VLAN_SYN("vlan and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and not net 10.0.0.0/8",
            "22,40 0 0 12,21 2 0 33024,21 1 0 34984,21 0 17 37120,40 0 0 16,21 0 15 2048,48 0 0 27,21 0 13 6,"
            + "40 0 0 24,69 11 0 8191,177 0 0 18,80 0 0 31,84 0 0 18,21 0 7 2,32 0 0 30,84 0 0 4278190080,"
            + "21 4 0 167772160,32 0 0 34,84 0 0 4278190080,21 1 0 167772160,6 0 0 262144,6 0 0 0");

    private final String expression;
    private final String ddd;

    InterpreterFilters(String expression, String ddd) {
        this.expression = expression;
        this.ddd = ddd;
    }

    /** The tcpdump expression. */
    public String expression() {
        return expression;
    }

    /** The program, as tcpdump -ddd printed it (comma form). */
    public String ddd() {
        return ddd;
    }

    /** The classic program. */
    public ClassicProgram program() {
        return TcpdumpFormat.parse(ddd);
    }

    /** A filter for this program on an engine: {@code classic} or {@code ebpf} (interpreters). */
    public Filter filter(String engine) {
        switch (engine) {
            case "classic": return ClassicInterpreter.of(program());
            case "ebpf": return new EbpfInterpreter(ClassicToEbpf.translate(program()));
            default: throw new IllegalArgumentException("unknown engine '" + engine + "' (classic, ebpf)");
        }
    }

    /**
     * {@code InterpreterFilters FILTERS.tsv}: writes {@code name TAB expression TAB program} for the C harness,
     * and prints how many frames of the default mix each filter matches on each engine (the harness prints
     * libpcap's counts, which must be the same).
     */
    public static void main(String[] args) throws IOException {
        List<byte[]> mix = PacketMix.generate(PacketMix.DEFAULT_SEED, PacketMix.DEFAULT_COUNT);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Paths.get(args[0])))) {
            for (InterpreterFilters f : values()) {
                w.println(f.name() + "\t" + f.expression + "\t" + f.ddd);
                for (String engine : new String[] {"classic", "ebpf"}) {
                    Filter filter = f.filter(engine);
                    int matches = 0;
                    for (byte[] p : mix) {
                        matches += filter.run(p, 0, p.length, p.length) != 0 ? 1 : 0;
                    }
                    System.out.println(f.name() + "\t" + engine + "\t" + matches);
                }
            }
        }
    }
}
