#!/usr/bin/env bash
# Spark's pcap data source against the CLI on one machine (issue 16): `./weir-spark` query time in local[1]
# and local[2] against the wall time of `./weir -r FILE --count EXPR`, on a generated capture of about 1 GB
# (page cache warm), with the counts checked equal. Prints a markdown table (medians of --reps runs,
# interleaved) to stdout and progress to stderr.
#
#   bench/spark-compare.sh [--packets N] [--reps R] [--expr EXPR]
#
# Figures: weir wall (JVM start included: what a user waits for), Spark query time (session start-up
# excluded, as ./weir-spark prints it; "first" is the session's first query, which also pays for Spark's own
# warm-up, "warm" the better of two more runs in the same session), the ratios the issue sets (local[1] <= 2x weir; local[2] >= 1.7x
# faster than local[1]) and ns per packet per core for each (Spark: query time x cores / packets).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKETS=1800000   # about 1.05 GB at ~580 bytes a packet
REPS=3
EXPR='tcp port 443 or udp port 53'
while [[ $# -gt 0 ]]; do
    case "$1" in
        --packets) PACKETS="$2"; shift ;;
        --reps) REPS="$2"; shift ;;
        --expr) EXPR="$2"; shift ;;
        -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "spark-compare: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
say() { echo "spark-compare: $*" >&2; }
now() { date +%s%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

TARGET="$ROOT/bench/target"
F="$TARGET/spark-compare-$PACKETS.pcap"
mkdir -p "$TARGET"
say "building (./weir, ./weir-spark)"
"$ROOT/weir" --version > /dev/null
"$ROOT/weir-spark" --sql 'SELECT 1' /dev/null > /dev/null 2>&1 || true   # builds; /dev/null is no capture
if [[ ! -f "$F" ]]; then
    say "generating $PACKETS packets into $F"
    CP="$(ls "$ROOT"/capture/target/weir-capture-*.jar | head -1)"
    java -cp "$CP" io.weir.capture.gen.GenerateCapture --count "$PACKETS" --seed 42 --flows 100000 --out "$F.tmp" >&2
    mv "$F.tmp" "$F"
fi
cat "$F" > /dev/null   # page cache warm

spark_query() {   # master -> "cold-seconds warm-seconds count warm-cpu-seconds": one JVM, the query run 3 times
    local err out
    err="$(mktemp)"
    out="$("$ROOT/weir-spark" --master "$1" --repeat 3 --csv --option bpf="$EXPR" \
        --sql 'SELECT count(*) AS n FROM packets' "$F" 2> "$err" | tail -1)"
    # The JVM's CPU time during the warm query: on a loaded machine, what the query cost apart from waiting.
    awk -v n="$out" '/query time/ { t[++k] = $4; c[k] = $(NF - 1) }
        END { w = t[2] < t[3] ? 2 : 3; print t[1], t[w], n, c[w] }' "$err"
    rm -f "$err"
}

W=(); S1=(); S2=(); K1=(); K2=(); P1=(); P2=()
WC=""; C1=""; C2=""
for ((r = 1; r <= REPS; r++)); do
    say "run $r/$REPS: weir"
    t0=$(now); WC=$("$ROOT/weir" -r "$F" --count "$EXPR" 2> /dev/null | awk 'NR == 1 { print $1 }'); t1=$(now)
    W+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
    say "run $r/$REPS: weir-spark local[1]"
    read -r k s c p <<< "$(spark_query 'local[1]')"; K1+=("$k"); S1+=("$s"); C1="$c"; P1+=("$p")
    say "run $r/$REPS: weir-spark local[2]"
    read -r k s c p <<< "$(spark_query 'local[2]')"; K2+=("$k"); S2+=("$s"); C2="$c"; P2+=("$p")
done
if [[ "$WC" != "$C1" || "$WC" != "$C2" ]]; then
    echo "spark-compare: MISMATCH: weir counts $WC, local[1] $C1, local[2] $C2" >&2
    exit 1
fi
w=$(printf '%s\n' "${W[@]}" | median); s1=$(printf '%s\n' "${S1[@]}" | median); s2=$(printf '%s\n' "${S2[@]}" | median)
k1=$(printf '%s\n' "${K1[@]}" | median); k2=$(printf '%s\n' "${K2[@]}" | median)
p1=$(printf '%s\n' "${P1[@]}" | median); p2=$(printf '%s\n' "${P2[@]}" | median)
TOTAL=$("$ROOT/weir" -r "$F" --count 2> /dev/null | awk 'NR == 1 { print $1 }')
awk -v w="$w" -v s1="$s1" -v s2="$s2" -v k1="$k1" -v k2="$k2" -v p1="$p1" -v p2="$p2" -v n="$TOTAL" -v m="$WC" -v e="$EXPR" -v mb="$(( $(stat -c %s "$F") / 1048576 ))" -v reps="$REPS" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    printf "| capture | expression | matched | weir --count (wall) | local[1] query, warm (first) | local[2] query, warm (first) | local[1] / weir (≤ 2) | local[1] / local[2] (≥ 1.7) |\n"
    printf "|---|---|---:|---:|---:|---:|---:|---:|\n"
    printf "| %d packets, %d MiB | `%s` | %d | %.2f s | %.2f s (%.2f s) | %.2f s (%.2f s) | %.2f× (%.2f×) | %.2f× (%.2f×) |\n", n, mb, e, m, w, s1, k1, s2, k2, s1 / w, k1 / w, s1 / s2, k1 / k2
    printf "\nns per packet per core (median of %d): weir %.0f, local[1] %.0f, local[2] %.0f\n", reps, w * 1e9 / n, s1 * 1e9 / n, 2 * s2 * 1e9 / n
    printf "JVM CPU time of the warm query (median): local[1] %.2f s, local[2] %.2f s\n", p1, p2
    printf "load average: %s\n", load
}'
