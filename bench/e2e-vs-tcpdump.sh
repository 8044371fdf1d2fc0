#!/usr/bin/env bash
# End to end, JVM start included (issue 8, "Measured"): for five expressions whose selectivity runs from under 1%
# to about 70%, interleaved run by run,
#   ./weir -r F -w OUT EXPR    against   tcpdump -r F -w OUT EXPR      (OUT in the same directory as F)
#   ./weir -r F --count EXPR   against   tcpdump -r F --count EXPR
# on generated captures of 2M and 10M packets (WEIR_E2E_SIZES="2000000" for the first only), written once into
# bench/target (never committed). Prints the selectivity of each expression, the best wall time (and CPU time)
# of RUNS runs of each command and the ratio tcpdump/weir (target: >= 2 on every line).
# Environment: WEIR_E2E_SIZES (packet counts, default "2000000 10000000"), WEIR_E2E_RUNS (default 3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${WEIR_E2E_SIZES:-2000000 10000000}"
RUNS="${WEIR_E2E_RUNS:-3}"
DIR="$ROOT/bench/target"
EXPRS=(
    'tcp[tcpflags] & tcp-syn != 0 and dst port 22'
    'tcp port 80'
    'udp port 53'
    'ip and tcp'
    'tcp or udp'
)

command -v tcpdump > /dev/null || { echo "e2e-vs-tcpdump: tcpdump is not installed (apt-get install tcpdump)" >&2; exit 1; }
mkdir -p "$DIR"
echo "building the CLI (log: bench/target/e2e-build.log)..." >&2
(cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true -pl cli -am package) > "$DIR/e2e-build.log" 2>&1 \
    || { cat "$DIR/e2e-build.log" >&2; exit 1; }
touch "$ROOT/cli/target/weir-cli.jar"   # fresh: ./weir must not rebuild inside a timed run
CAPTURE_JAR="$(ls "$ROOT"/cli/target/lib/weir-capture-*.jar | head -1)"
export WEIR_NO_BUILD=1

# One run: "WALL CPU" in seconds (CPU = user + system, from GNU time when present; the steadier figure on a
# loaded machine). Standard output and error are discarded.
TIMING="$DIR/e2e.time"
run1() {
    local t0 t1 cpu=0
    t0=$(date +%s%N)
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -o "$TIMING" -f "%U %S" "$@" > /dev/null 2>&1 || { echo "e2e-vs-tcpdump: failed: $*" >&2; exit 1; }
        cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$TIMING")
    else
        "$@" > /dev/null 2>&1 || { echo "e2e-vs-tcpdump: failed: $*" >&2; exit 1; }
    fi
    t1=$(date +%s%N)
    awk -v ns="$(( t1 - t0 ))" -v cpu="$cpu" 'BEGIN { printf "%.3f %s\n", ns / 1e9, cpu }'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
ratio() { awk -v t="$1" -v w="$2" 'BEGIN { printf "%.2f", t / w }'; }
count() { "$@" 2> /dev/null | awk '{ print $1 }'; }

for N in $SIZES; do
    F="$DIR/e2e-$N.pcap"
    OUT="$DIR/e2e-out.pcap"
    if [[ ! -s "$F" ]]; then
        echo "generating $F ($N packets)..." >&2
        java -cp "$CAPTURE_JAR" io.weir.capture.gen.GenerateCapture --count "$N" --seed 42 --out "$F"
    fi
    cat "$F" > /dev/null   # into the page cache
    TOTAL=$(count "$ROOT/weir" -r "$F" --count)
    echo
    echo "== $F: $TOTAL packets, $(( $(stat -c %s "$F") / 1048576 )) MiB; best of $RUNS runs, seconds =="
    printf '%-46s %7s | %8s %8s %6s | %8s %8s %6s\n' expression select '-w weir' tcpdump ratio 'cnt weir' tcpdump ratio
    for E in "${EXPRS[@]}"; do
        WC=$(count "$ROOT/weir" -r "$F" --count "$E")
        TC=$(count tcpdump -r "$F" --count "$E")
        [[ "$WC" == "$TC" ]] || { echo "e2e-vs-tcpdump: '$E': weir counts $WC, tcpdump $TC" >&2; exit 1; }
        SEL=$(awk -v m="$WC" -v t="$TOTAL" 'BEGIN { printf "%.2f%%", 100 * m / t }')
        WW=""; TW=""; WN=""; TN=""; CWW=""; CTW=""; CWN=""; CTN=""
        for _ in $(seq "$RUNS"); do   # interleaved, so that a slow moment of the machine hits both
            read -r w c < <(run1 "$ROOT/weir" -r "$F" -w "$OUT" "$E"); WW=$(min "$WW" "$w"); CWW=$(min "$CWW" "$c")
            read -r w c < <(run1 tcpdump -r "$F" -w "$OUT" "$E"); TW=$(min "$TW" "$w"); CTW=$(min "$CTW" "$c")
            read -r w c < <(run1 "$ROOT/weir" -r "$F" --count "$E"); WN=$(min "$WN" "$w"); CWN=$(min "$CWN" "$c")
            read -r w c < <(run1 tcpdump -r "$F" --count "$E"); TN=$(min "$TN" "$w"); CTN=$(min "$CTN" "$c")
        done
        printf '%-46s %7s | %8s %8s %6s | %8s %8s %6s\n' "$E" "$SEL" "$WW" "$TW" "$(ratio "$TW" "$WW")" \
            "$WN" "$TN" "$(ratio "$TN" "$WN")"
        printf '%-46s %7s | %8s %8s %6s | %8s %8s %6s\n' "  (CPU seconds)" "" "$CWW" "$CTW" "$(ratio "$CTW" "$CWW")" \
            "$CWN" "$CTN" "$(ratio "$CTN" "$CWN")"
    done
    rm -f "$OUT"
done
