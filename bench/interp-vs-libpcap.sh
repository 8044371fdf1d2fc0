#!/bin/sh
# Weir's classic and eBPF interpreters against libpcap's C bpf_filter, in ns/packet, on the same five filters
# (io.weir.bench.InterpreterFilters) and the same packet mix (io.weir.bench.PacketMix).
#
#   bench/interp-vs-libpcap.sh [extra JMH options, e.g. -prof gc]
#
# Needs gcc, libpcap-dev and tcpdump. Env: MILLIS (C time per filter, default 1000); SKIP_BUILD=1 reuses the
# classes and jars already in bench/target; CPU=1 measures thread CPU time on both sides (C harness "cpu" mode,
# io.weir.bench.InterpreterCpuTime) instead of wall time and JMH: steadier on a loaded machine.
set -e
cd "$(dirname "$0")/.."
out=bench/target/interp
mkdir -p "$out"
[ -n "$SKIP_BUILD" ] || mvn -B -q -o -pl bench -am package -DskipTests
cp="bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"
make -s -C bench/c

java -cp "$cp" io.weir.bench.PacketMix "$out/mix.pcap"
java -cp "$cp" io.weir.bench.InterpreterFilters "$out/filters.tsv" > "$out/weir-matches.tsv"

# The programs must be what the system's tcpdump compiles (else the constants are stale).
while IFS='	' read -r name expr prog; do
    live=$(tcpdump -ddd -y EN10MB -- "$expr" | tr '\n' ',' | sed 's/,$//')
    [ "$live" = "$prog" ] || echo "warning: $name: tcpdump now compiles '$expr' differently" >&2
done < "$out/filters.tsv"

if [ -n "$CPU" ]; then
    bench/target/c/bpf_filter_bench "$out/mix.pcap" "$out/filters.tsv" "${MILLIS:-1000}" cpu > "$out/libpcap.tsv"
    java -cp "$cp" io.weir.bench.InterpreterCpuTime > "$out/jmh.csv"
else
    bench/target/c/bpf_filter_bench "$out/mix.pcap" "$out/filters.tsv" "${MILLIS:-1000}" > "$out/libpcap.tsv"
    java -cp "$cp" org.openjdk.jmh.Main 'io.weir.bench.InterpreterBenchmark' -rf csv -rff "$out/jmh.csv" "$@" \
        > "$out/jmh.log"
fi

# Verdicts: Weir's match counts must equal libpcap's.
awk -F'\t' 'NR==FNR { m[$1] = $3; next } m[$1] != $3 { print "MISMATCH " $1 " " $2 ": weir " $3 ", libpcap " m[$1]; bad = 1 }
    END { exit bad }' "$out/libpcap.tsv" "$out/weir-matches.tsv"

awk -F'\t' 'NR==FNR { c[$1] = $2; order[++count] = $1; next }
    FNR > 1 && $0 ~ /InterpreterBenchmark.mix/ {
        sub(/\r$/, ""); n = split($0, f, ","); gsub(/"/, "", f[n]); gsub(/"/, "", f[n - 1]); gsub(/"/, "", f[5]);
        w[f[n] "," f[n - 1]] = f[5]; names[f[n]] = 1
    }
    END {
        printf "%-12s %10s %10s %10s %8s %8s\n", "filter", "libpcap", "classic", "ebpf", "cl/pcap", "eb/pcap"
        for (i = 1; i <= count; i++) if ((k = order[i]) in names) {
            cl = w[k ",classic"]; eb = w[k ",ebpf"]
            printf "%-12s %10.2f %10.2f %10.2f %8.2f %8.2f\n", k, c[k], cl, eb, cl / c[k], eb / c[k]
        }
        print "(ns per packet; ratios > 1 mean slower than libpcap)"
    }' "$out/libpcap.tsv" "$out/jmh.csv"
