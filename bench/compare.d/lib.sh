# Helpers for bench/compare (sourced, never run): timing one command, medians, ratios and the markdown report.
# Every figure is a median of REPS runs; A and B of a comparison run alternately (A B A B ...), so that a slow
# moment of this shared machine falls on both sides instead of deciding the ratio.

# Progress goes to standard error; the report (standard output and the .md file) stays clean.
say() { echo "compare: $*" >&2; }

# One run of a command: prints "WALL CPU" in seconds, CPU = user + system of the process and its children
# (GNU time; 10 ms resolution). Its output is discarded; a failure stops the section.
TIME_FILE="${TMPDIR:-/tmp}/weir-compare.$$.time"
run1() {
    local t0 t1 cpu=0
    t0=$(date +%s%N)
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -o "$TIME_FILE" -f "%U %S" "$@" > /dev/null 2>&1 || { say "failed: $*"; return 1; }
        cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$TIME_FILE")
    else
        "$@" > /dev/null 2>&1 || { say "failed: $*"; return 1; }
    fi
    t1=$(date +%s%N)
    awk -v ns="$(( t1 - t0 ))" -v cpu="$cpu" 'BEGIN { printf "%.4f %s\n", ns / 1e9, cpu }'
}

# median N1 N2 ...: the middle value (the mean of the two middle ones for an even count); empty if none.
median() {
    [[ $# -gt 0 ]] || { echo ""; return; }
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B to two decimals, "-" when either is missing or B is zero.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# fmt N [DECIMALS]: a number to fixed decimals ("-" when empty).
fmt() { awk -v v="$1" -v d="${2:-3}" 'BEGIN { if (v == "") print "-"; else printf "%." d "f", v }'; }

# verdict VALUE OP TARGET: "met" or "missed" for a ratio against its target (OP is >= or <=).
verdict() {
    awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
        if (v !~ /^-?[0-9.]+$/) { print "n/a"; exit }
        ok = (op == ">=") ? v >= t : v <= t
        print ok ? "met" : "**missed**" }'
}

# The report: markdown lines collected in REPORT (a file), printed whole at the end.
md() { printf '%s\n' "$*" >> "$REPORT"; }
skipped() { md ""; md "_skipped: $*_"; say "skipped: $*"; }

# Interleaved timings of two commands: pair REPS -- CMD_A... -- CMD_B...
# Leaves the medians in A_WALL A_CPU B_WALL B_CPU.
pair() {
    local reps="$1" a=() b=() w c aw=() ac=() bw=() bc=()
    shift 2
    while [[ "$1" != -- ]]; do a+=("$1"); shift; done
    shift
    b=("$@")
    for _ in $(seq "$reps"); do
        read -r w c < <(run1 "${a[@]}") || return 1; aw+=("$w"); ac+=("$c")
        read -r w c < <(run1 "${b[@]}") || return 1; bw+=("$w"); bc+=("$c")
    done
    A_WALL=$(median "${aw[@]}"); A_CPU=$(median "${ac[@]}"); B_WALL=$(median "${bw[@]}"); B_CPU=$(median "${bc[@]}")
}

# The summary: one line per target, printed at the top of the report.
summary() {   # what figure target verdict
    printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >> "$SUMMARY"
}

# jmh LOG ARGS...: runs the JMH jar. JMH allows one instance per machine (/tmp/jmh.lock) and the machine is
# shared: wait for the lock up to JMH_WAIT seconds, then run anyway and say so in the report.
jmh() {
    local log="$1" waited=0
    shift
    while :; do
        if java -jar "$BENCH_JAR" "$@" > "$log" 2>&1; then return 0; fi
        grep -q 'Unable to acquire the JMH lock' "$log" || return 1
        if [[ $waited -ge $JMH_WAIT ]]; then
            md ""; md "_(another JMH run held the machine's lock for ${waited} s: this one ran alongside it)_"
            java -Djmh.ignoreLock=true -jar "$BENCH_JAR" "$@" > "$log" 2>&1
            return
        fi
        say "waiting for another JMH run to finish..."
        sleep 10; waited=$((waited + 10))
    done
}

# jmh_score CSV METHOD PARAM: the score of METHOD in a JMH CSV whose last column (a parameter) is PARAM.
jmh_score() {
    awk -F, -v m="$2" -v p="$3" '{ sub(/\r$/, ""); for (i = 1; i <= NF; i++) gsub(/"/, "", $i) }
        $1 ~ ("\\." m "$") && $NF == p { print $5 }' "$1"
}
