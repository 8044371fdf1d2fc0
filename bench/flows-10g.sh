#!/usr/bin/env bash
# Issue 13's memory item: `weir flows` over a 10 GB capture in a fixed heap.
#
# 1. Finds the smallest heap (-Xmx) that counts a 2M-packet capture of the same traffic (the flow table is bounded
#    by --max-flows, default 262,144, so what the heap needs does not grow with the file: the 2M sample of 500k
#    conversations already fills the table and evicts); candidates WEIR_XMX_LIST (default "32m 48m 64m 80m 96m 128m").
# 2. Generates a capture of WEIR_10G_BYTES (default 10 GB; `GenerateCapture --seed 42 --flows 500000`) in
#    WEIR_10G_DIR (default /tmp), after checking free space: with less than size + 15 GB free it uses the
#    largest size that leaves 15 GB and says so.
# 3. Runs `./weir flows -r FILE` once with that -Xmx (-XX:+UseSerialGC) under /usr/bin/time -v: wall time,
#    peak RSS, the totals line; then deletes both captures.
# Output: a short report on stdout (also bench/target/flows-10g.txt).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${WEIR_10G_DIR:-/tmp}"
WANT="${WEIR_10G_BYTES:-10000000000}"
XMX_LIST="${WEIR_XMX_LIST:-32m 48m 64m 80m 96m 128m}"
FLOWS=500000           # more than --max-flows: the table fills and evicts (the generator gives N flows for N)
BYTES_PER_PACKET=582   # about: GenerateCapture --flows 100000 writes 1,164,063,571 bytes for 2M packets
BIG="$DIR/weir-flows-10g.pcap"
SMALL="$DIR/weir-flows-2m.pcap"
REPORT="$ROOT/bench/target/flows-10g.txt"
trap 'rm -f "$BIG" "$SMALL"' EXIT

mkdir -p "$ROOT/bench/target"
echo "building cli..." >&2
(cd "$ROOT" && mvn -B -q -o -Dmaven.test.skip=true -pl cli -am package) > "$ROOT/bench/target/flows-10g-build.log" 2>&1 \
    || { cat "$ROOT/bench/target/flows-10g-build.log" >&2; exit 1; }
# A copy of the jar and its lib/: builds by others cannot change it mid-run (WEIR_JAR never builds).
COPY="$ROOT/bench/target/flows-10g-cli"
rm -rf "$COPY" && mkdir -p "$COPY" && cp -r "$ROOT/cli/target/weir-cli.jar" "$ROOT/cli/target/lib" "$COPY/"
JAR="$COPY/weir-cli.jar"

free_bytes=$(df -B1 --output=avail "$DIR" | tail -1 | tr -d ' ')
size="$WANT"
note=""
if (( free_bytes < WANT + 15000000000 )); then
    size=$(( free_bytes - 15000000000 ))
    (( size > 1000000000 )) || { echo "only $free_bytes bytes free in $DIR: not enough for a useful run" >&2; exit 1; }
    note=" (reduced from $WANT: only $free_bytes bytes free in $DIR)"
fi
packets=$(( size / BYTES_PER_PACKET ))

gen() {   # gen FILE PACKETS
    java -cp "$JAR" io.weir.capture.gen.GenerateCapture --count "$2" --seed 42 --flows "$FLOWS" --out "$1" > /dev/null
}

flows() {   # flows XMX FILE: runs weir flows under /usr/bin/time -v, output in $OUT_RUN, time log in $OUT_TIME
    OUT_RUN="$ROOT/bench/target/flows-10g.$1.out"
    OUT_TIME="$ROOT/bench/target/flows-10g.$1.time"
    WEIR_JAR="$JAR" WEIR_JAVA_OPTS="-Xmx$1 -XX:+UseSerialGC -XX:-UsePerfData -Xss8m" \
        /usr/bin/time -v "$ROOT/weir" flows -r "$2" > "$OUT_RUN" 2> "$OUT_TIME"
}

echo "finding the smallest -Xmx on a 2M-packet sample..." >&2
gen "$SMALL" 2000000
xmx=""
for x in $XMX_LIST; do
    if flows "$x" "$SMALL" && grep -q '^totals' "$OUT_RUN"; then
        xmx="$x"
        break
    fi
    echo "  -Xmx$x: failed ($(grep -m1 -o 'OutOfMemoryError[^"]*' "$OUT_TIME" "$OUT_RUN" 2>/dev/null | head -1 || true))" >&2
done
[[ -n "$xmx" ]] || { echo "no heap in '$XMX_LIST' was enough" >&2; exit 1; }
rm -f "$SMALL"

echo "generating $packets packets (~$size bytes) into $BIG$note..." >&2
t0=$(date +%s)
gen "$BIG" "$packets"
t1=$(date +%s)
actual=$(stat -c %s "$BIG")
echo "running weir flows with -Xmx$xmx..." >&2
flows "$xmx" "$BIG"
wall=$(grep 'Elapsed (wall clock)' "$OUT_TIME" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$OUT_TIME" | awk '{print $NF}')
cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u + s}' "$OUT_TIME")
{
    echo "weir flows over a $(awk -v b="$actual" 'BEGIN { printf "%.2f", b / 1e9 }') GB capture ($packets packets,"\
         "GenerateCapture --seed 42 --flows $FLOWS)$note"
    echo "smallest -Xmx that works (2M sample, tried: $XMX_LIST): $xmx"
    echo "run with -Xmx$xmx: wall $wall, cpu ${cpu} s, peak RSS $(( rss / 1024 )) MiB; generation took $(( t1 - t0 )) s"
    grep '^totals' "$OUT_RUN"
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$REPORT"
