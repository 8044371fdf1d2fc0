#!/bin/sh
# Weir's JIT (and its interpreters) against libpcap's C bpf_filter, in ns/packet, on the six filters of
# io.weir.bench.JitFilters (from `tcp` to a 20-term expression, compiled by the system's tcpdump -ddd) and the
# same in-memory packet mix (io.weir.bench.PacketMix). Both sides loop over an array of packets and call the
# filter once per packet (Java: an interface call HotSpot inlines; C: a call into libpcap.so).
#
#   bench/jit-vs-libpcap.sh [extra JMH options, e.g. -prof gc]
#
# Needs gcc, libpcap-dev and tcpdump. Env: MILLIS (C time per filter, default 1000), ENGINES (engines,
# default jit,ebpf,classic), CPU=1 (thread CPU time on both sides instead of wall time: for a loaded machine). Prints per filter: libpcap, JIT, interpreters (ns/packet) and the speed-ups, and
# the geometric mean of libpcap/JIT. Targets (issue 6): >= 2x on every filter, >= 3x on the geometric mean.
set -e
cd "$(dirname "$0")/.."
out=bench/target/jit
mkdir -p "$out"
mvn -B -q -o -pl bench -am package -Dmaven.test.skip=true
cp="bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"
make -s -C bench/c

java -cp "$cp" io.weir.bench.PacketMix "$out/mix.pcap"
# Writes the programs tcpdump compiles and checks that the JIT and both interpreters agree on every frame.
java -cp "$cp" io.weir.bench.JitFilters "$out/filters.tsv" > "$out/weir-matches.tsv"

if [ -n "$CPU" ]; then
    # Thread CPU time on both sides: one JVM per filter and engine (io.weir.bench.JitCpuTime).
    bench/target/c/bpf_filter_bench "$out/mix.pcap" "$out/filters.tsv" "${MILLIS:-1000}" cpu > "$out/libpcap.tsv"
    echo '"Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: engine","Param: filter"' \
        > "$out/jmh.csv"
    while IFS='	' read -r name expr prog; do
        for engine in $(echo "${ENGINES:-jit,ebpf,classic}" | tr ',' ' '); do
            java -cp "$cp" io.weir.bench.JitCpuTime "$name" "$engine" "$prog" >> "$out/jmh.csv"
        done
    done < "$out/filters.tsv"
else
    bench/target/c/bpf_filter_bench "$out/mix.pcap" "$out/filters.tsv" "${MILLIS:-1000}" > "$out/libpcap.tsv"
    java -cp "$cp" org.openjdk.jmh.Main 'io.weir.bench.JitBenchmark' -p engine="${ENGINES:-jit,ebpf,classic}" \
        -rf csv -rff "$out/jmh.csv" "$@" > "$out/jmh.log"
fi

# Verdicts: Weir's match counts must equal libpcap's.
awk -F'\t' 'NR==FNR { m[$1] = $3; next } m[$1] != $3 { print "MISMATCH " $1 ": weir " $3 ", libpcap " m[$1]; bad = 1 }
    END { exit bad }' "$out/libpcap.tsv" "$out/weir-matches.tsv"

awk -F'\t' 'NR==FNR { c[$1] = $2; order[++count] = $1; next }
    FNR > 1 && $0 ~ /JitBenchmark.mix/ && $0 !~ /gc\./ {
        sub(/\r$/, ""); n = split($0, f, ","); gsub(/"/, "", f[n]); gsub(/"/, "", f[n - 1]); gsub(/"/, "", f[5]);
        w[f[n] "," f[n - 1]] = f[5]; names[f[n]] = 1
    }
    END {
        printf "%-12s %9s %9s %9s %9s %10s %9s %9s\n", "filter", "libpcap", "jit", "ebpf", "classic",
            "pcap/jit", "ebpf/jit", "cls/jit"
        logsum = 0; k = 0; worst = 1e9
        for (i = 1; i <= count; i++) if ((name = order[i]) in names) {
            j = w[name ",jit"]; e = w[name ",ebpf"]; cl = w[name ",classic"]
            r = c[name] / j; logsum += log(r); k++; if (r < worst) worst = r
            printf "%-12s %9.2f %9.2f %9s %9s %9.2fx %9s %9s\n", name, c[name], j,
                e == "" ? "-" : sprintf("%.2f", e), cl == "" ? "-" : sprintf("%.2f", cl), r,
                e == "" ? "-" : sprintf("%.2fx", e / j), cl == "" ? "-" : sprintf("%.2fx", cl / j)
        }
        if (k > 0) printf "geometric mean of libpcap/jit: %.2fx; lowest: %.2fx (targets: 3x and 2x)\n", exp(logsum / k), worst
        print "(ns per packet; speed-ups > 1 mean the JIT is faster)"
    }' "$out/libpcap.tsv" "$out/jmh.csv"
