#!/usr/bin/env bash
# Read throughput of a ~1 GB capture (2 million generated packets) from the page cache:
#   cat FILE > /dev/null           the I/O ceiling
#   tcpdump -r FILE -w /dev/null   the peer (libpcap reads and writes every packet)
#   ReadBenchmark (JMH, steady state: PcapReader visiting every packet)
#   ./weir -r FILE --count         end to end, JVM start included
# and the ratios. The file is generated once into bench/target (never committed); WEIR_BENCH_FILE overrides it.
# Targets (issue 3): JMH <= 1.3 x cat; ./weir --count faster than tcpdump's read-and-write.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${WEIR_BENCH_FILE:-$ROOT/bench/target/read-bench-2M.pcap}"
PACKETS="${WEIR_BENCH_PACKETS:-2000000}"
RUNS="${WEIR_BENCH_RUNS:-5}"
JAR="$ROOT/bench/target/benchmarks.jar"

echo "building bench and cli (log: bench/target/read-vs-cat-build.log)..." >&2
mkdir -p "$ROOT/bench/target"
(cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true -pl bench,cli -am package) >"$ROOT/bench/target/read-vs-cat-build.log" 2>&1 \
    || { cat "$ROOT/bench/target/read-vs-cat-build.log" >&2; exit 1; }
touch "$ROOT/cli/target/weir-cli.jar"   # fresh: ./weir must not rebuild inside a timed run

if [[ ! -s "$FILE" ]]; then
    echo "generating $FILE ($PACKETS packets)..." >&2
    java -cp "$JAR" io.weir.capture.gen.GenerateCapture --count "$PACKETS" --seed 42 --out "$FILE"
fi
read -r COUNT BYTES < <(java -cp "$JAR" io.weir.bench.ReadStats "$FILE")
cat "$FILE" > /dev/null   # into the page cache

# best (lowest) wall time of $RUNS runs of a command, in seconds; with GNU time, also the lowest CPU time
# (user + system) into CPU_<name>: on a loaded machine the CPU time is the steadier figure.
TIMING="$ROOT/bench/target/read-vs-cat.time"
best() {
    local name="$1" best="" cpu="" t0 t1 t c
    shift
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s%N)
        if [[ -x /usr/bin/time ]]; then
            /usr/bin/time -o "$TIMING" -f "%U %S" "$@" > /dev/null 2>&1 || true
            c=$(awk '{ printf "%d", ($1 + $2) * 1e9 }' "$TIMING")
            if [[ -z "$cpu" || $c -lt $cpu ]]; then cpu=$c; fi
        else
            "$@" > /dev/null 2>&1 || true
        fi
        t1=$(date +%s%N)
        t=$(( t1 - t0 ))
        if [[ -z "$best" || $t -lt $best ]]; then best=$t; fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.4f", ns / 1e9 }' > "$ROOT/bench/target/read-vs-cat.$name"
    awk -v ns="${cpu:-0}" 'BEGIN { printf "%.4f", ns / 1e9 }' > "$ROOT/bench/target/read-vs-cat.$name.cpu"
}
get() { cat "$ROOT/bench/target/read-vs-cat.$1"; }

best cat sh -c "cat '$FILE' > /dev/null"
CAT=$(get cat)
TCPDUMP=""
if command -v tcpdump > /dev/null; then
    best tcpdump tcpdump -r "$FILE" -w /dev/null
    TCPDUMP=$(get tcpdump)
fi
best weir env WEIR_NO_BUILD=1 "$ROOT/weir" -r "$FILE" --count
WEIR=$(get weir)

echo "running ReadBenchmark (JMH: 1 fork, 2 warm-up and 3 measured iterations)..." >&2
JMH_OUT="$ROOT/bench/target/read-benchmark.txt"
java -jar "$JAR" 'ReadBenchmark' -f 1 -wi 2 -i 3 -p "file=$FILE" > "$JMH_OUT" 2>&1
JMH_MS=$(awk '/^ReadBenchmark\.readEveryPacket/ { print $(NF-3) }' "$JMH_OUT" | tail -1)
[[ -n "$JMH_MS" ]] || { cat "$JMH_OUT" >&2; echo "no JMH result" >&2; exit 1; }
JMH=$(awk -v ms="$JMH_MS" 'BEGIN { printf "%.4f", ms / 1000 }')

row() {   # name seconds [cpu-seconds]
    awk -v name="$1" -v s="$2" -v cpu="${3:-}" -v cat="$CAT" -v n="$COUNT" -v b="$BYTES" 'BEGIN {
        printf "%-38s %7.3f s %8.2f Mpkt/s %6.2f GB/s %6.2fx cat", name, s, n / s / 1e6, b / s / 1e9, s / cat
        if (cpu != "") printf "   cpu %6.3f s", cpu
        printf "\n" }'
}
echo
echo "file: $FILE ($COUNT packets, $BYTES bytes), best of $RUNS runs (JMH: average of 3 iterations)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') on $(nproc 2>/dev/null || echo '?') cores"
row "cat FILE > /dev/null" "$CAT" "$(get cat.cpu)"
if [[ -n "$TCPDUMP" ]]; then row "tcpdump -r FILE -w /dev/null" "$TCPDUMP" "$(get tcpdump.cpu)"; fi
row "ReadBenchmark (JMH, steady state)" "$JMH"
row "./weir -r FILE --count (end to end)" "$WEIR" "$(get weir.cpu)"
echo
awk -v j="$JMH" -v c="$CAT" 'BEGIN { printf "JMH / cat = %.2f (target <= 1.30): %s\n", j / c, j / c <= 1.3 ? "met" : "NOT met" }'
if [[ -n "$TCPDUMP" ]]; then
    awk -v w="$WEIR" -v t="$TCPDUMP" 'BEGIN { printf "weir --count / tcpdump = %.2f (target < 1): %s\n", w / t, w < t ? "met" : "NOT met" }'
fi
