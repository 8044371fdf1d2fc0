package io.weir.bench;

import io.weir.engine.Filter;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/**
 * Nanoseconds per packet of the JIT, the eBPF interpreter and the classic interpreter on the six
 * {@link JitFilters} (from {@code tcp} to a 20-term expression) over the in-memory {@link PacketMix}. The
 * question: how much faster than libpcap's C {@code bpf_filter} is the JIT ({@code bench/jit-vs-libpcap.sh}
 * runs this and the C harness on the same packets and prints the ratios). {@code -prof gc} shows the
 * allocation per packet (0 B/op expected).
 *
 * <p>Both sides loop over an array of packets and call the filter once per packet: here an interface call
 * that HotSpot inlines (one filter class per fork), in C an external call into libpcap. The loop is
 * {@link MixBenchmark#mix()}.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class JitBenchmark extends MixBenchmark {
    @Param({"TCP", "TCP_PORT_80", "HOST_L4", "WEB_NOT_LAN", "TERMS_12", "TERMS_20"})
    public String filter;

    @Param({"jit", "ebpf", "classic"})
    public String engine;

    @Override
    protected Filter filter() {
        return JitFilters.filter(JitFilters.valueOf(filter).program(), engine);
    }
}
