#!/usr/bin/env bash
# Cost of per-flow counting (issue 11) on a generated 2M-packet capture, all in one run:
#   cat FILE > /dev/null            the I/O ceiling
#   ./weir -r FILE --count          Weir reading and filtering alone
#   weir flows -r FILE              reading, the eBPF count program (filter + flow key + lru_hash update), table
#   tshark -q -z conv,ip -r FILE    the peer (2M only: tshark needs minutes and gigabytes on 10M); skipped if absent
# and the ratios (targets: flows <= 1.5 x --count, >= 50 x faster than tshark). WEIR_BENCH_10M=1 adds a 10M-packet
# file (flows and --count only). Files are generated into bench/target (never committed); WEIR_BENCH_FILE
# overrides the 2M one. Wall times are the best of WEIR_BENCH_RUNS runs (3), JVM start included.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${WEIR_BENCH_FILE:-$ROOT/bench/target/read-bench-2M.pcap}"
RUNS="${WEIR_BENCH_RUNS:-3}"
JAR="$ROOT/cli/target/weir-cli.jar"
OUT="$ROOT/bench/target/flows-vs-count"

echo "building cli (log: bench/target/flows-vs-count-build.log)..." >&2
mkdir -p "$ROOT/bench/target"
(cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true -pl cli -am package) >"$ROOT/bench/target/flows-vs-count-build.log" 2>&1 \
    || { cat "$ROOT/bench/target/flows-vs-count-build.log" >&2; exit 1; }
touch "$JAR"   # fresh: ./weir must not rebuild inside a timed run

gen() {   # gen FILE PACKETS
    if [[ ! -s "$1" ]]; then
        echo "generating $1 ($2 packets)..." >&2
        java -cp "$JAR" io.weir.capture.gen.GenerateCapture --count "$2" --seed 42 --out "$1"
    fi
}
gen "$FILE" 2000000

# `weir flows` once WeirCommand dispatches it; until then FlowsCommand's own main.
if env WEIR_NO_BUILD=1 "$ROOT/weir" flows --help > /dev/null 2>&1; then
    FLOWS=(env WEIR_NO_BUILD=1 "$ROOT/weir" flows)
else
    FLOWS=(java ${WEIR_JAVA_OPTS:--XX:+UseSerialGC} -cp "$JAR" io.weir.cli.FlowsCommand)
fi

best() {   # best NAME CMD...: lowest wall time of $RUNS runs, seconds, into $OUT.NAME
    local name="$1" best="" t0 t1 t
    shift
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s%N)
        "$@" > "$OUT.$name.out" 2>&1 || { echo "failed: $*" >&2; tail -3 "$OUT.$name.out" >&2; }
        t1=$(date +%s%N)
        t=$(( t1 - t0 ))
        if [[ -z "$best" || $t -lt $best ]]; then best=$t; fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }' > "$OUT.$name"
}
get() { cat "$OUT.$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

run_set() {   # run_set LABEL FILE WITH_TSHARK
    local label="$1" f="$2"
    cat "$f" > /dev/null   # into the page cache
    best "cat-$label" sh -c "cat '$f' > /dev/null"
    best "count-$label" env WEIR_NO_BUILD=1 "$ROOT/weir" -r "$f" --count
    best "flows-$label" "${FLOWS[@]}" -r "$f"
    local cat count flows
    cat=$(get "cat-$label"); count=$(get "count-$label"); flows=$(get "flows-$label")
    echo "== $label: $(basename "$f") ($(du -h "$f" | cut -f1))"
    grep '^totals' "$OUT.flows-$label.out" || true
    printf '%-28s %8s s\n' "cat > /dev/null" "$cat" "weir --count" "$count" "weir flows" "$flows"
    echo "flows / --count: $(ratio "$flows" "$count")   (target <= 1.5)"
    echo "flows / cat:     $(ratio "$flows" "$cat")"
    if [[ "$3" == 1 ]]; then
        if command -v tshark > /dev/null; then
            RUNS=1 best "tshark-$label" tshark -q -z conv,ip -r "$f"
            local ts
            ts=$(get "tshark-$label")
            printf '%-28s %8s s\n' "tshark -q -z conv,ip" "$ts"
            echo "tshark / flows:  $(ratio "$ts" "$flows")   (target >= 50)"
        else
            echo "tshark not installed: comparison skipped"
        fi
    fi
}

run_set 2M "$FILE" 1
if [[ "${WEIR_BENCH_10M:-0}" == 1 ]]; then
    F10="$ROOT/bench/target/flows-bench-10M.pcap"
    gen "$F10" 10000000
    run_set 10M "$F10" 0
fi
