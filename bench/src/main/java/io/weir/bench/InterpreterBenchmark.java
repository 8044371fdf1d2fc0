package io.weir.bench;

import io.weir.engine.Filter;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/**
 * Nanoseconds per packet of Weir's classic and eBPF interpreters on the five {@link InterpreterFilters} over the
 * {@link PacketMix}: the question is how they compare with libpcap's C {@code bpf_filter}, which
 * {@code bench/c/bpf_filter_bench} times on the same packets and instructions ({@code bench/interp-vs-libpcap.sh}
 * runs both and prints the ratios). Run with {@code -prof gc} to see that a run allocates nothing.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class InterpreterBenchmark extends MixBenchmark {
    @Param({"IP", "TCP_PORT_80", "HOST_L4", "IP6_TCP_443", "VLAN_SYN"})
    public String filter;

    @Param({"classic", "ebpf"})
    public String engine;

    @Override
    protected Filter filter() {
        return InterpreterFilters.valueOf(filter).filter(engine);
    }
}
