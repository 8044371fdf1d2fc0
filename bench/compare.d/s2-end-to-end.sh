# Section 2 of bench/compare (sourced): offline filtering end to end, JVM start included, on the generated
# captures: `./weir -r F -w OUT EXPR` against `tcpdump -r F -w OUT EXPR` and `./weir -r F --count EXPR` against
# `tcpdump -r F --count EXPR`, for expressions from under 1% to about 70% of the packets (the five of
# bench/e2e-vs-tcpdump.sh, which uses its own captures). Both tools must count the same packets; the output
# goes next to the input.

# count CMD...: the first word of the command's standard output (both tools print "N packets"-like lines).
first_word() { "$@" 2> /dev/null | awk 'NR == 1 { print $1 }'; }

section_end_to_end() {
    local n f out total e wc tc sel rw rc
    md ""
    md "## 2. Offline filtering end to end (seconds, median of $S2_REPS, interleaved; ratio = tcpdump / weir)"
    if ! command -v tcpdump > /dev/null; then skipped "section 2: tcpdump is not installed"; return; fi
    for n in "${SIZES[@]}"; do
        f="$(capture_file "$n")"
        out="$(dirname "$f")/compare-out.pcap"
        total=$(first_word "$ROOT/weir" -r "$f" --count)
        md ""
        md "**$(human "$n") packets** ($(( $(stat -c %s "$f") / 1048576 )) MiB, $total packets read by weir)"
        md ""
        md "| expression | selected | weir -w | tcpdump -w | ratio (CPU) | weir --count | tcpdump --count | ratio (CPU) | target ≥ 2 |"
        md "|---|---:|---:|---:|---:|---:|---:|---:|---|"
        for e in "${S2_EXPRS[@]}"; do
            say "2: $(human "$n") '$e'"
            wc=$(first_word "$ROOT/weir" -r "$f" --count "$e")
            tc=$(first_word tcpdump -r "$f" --count "$e")
            if [[ "$wc" != "$tc" ]]; then
                md "| \`$e\` | MISMATCH: weir counts $wc, tcpdump $tc | | | | | | | |"; continue
            fi
            sel=$(awk -v m="$wc" -v t="$total" 'BEGIN { printf "%.2f%%", 100 * m / t }')
            pair "$S2_REPS" -- "$ROOT/weir" -r "$f" -w "$out" "$e" -- tcpdump -r "$f" -w "$out" "$e" || continue
            local ww="$A_WALL" wcpu="$A_CPU" tw="$B_WALL" tcpu="$B_CPU"
            pair "$S2_REPS" -- "$ROOT/weir" -r "$f" --count "$e" -- tcpdump -r "$f" --count "$e" || continue
            rw=$(ratio "$tw" "$ww"); rc=$(ratio "$B_WALL" "$A_WALL")
            md "| \`$e\` | $sel | $(fmt "$ww" 2) | $(fmt "$tw" 2) | **${rw}×** ($(ratio "$tcpu" "$wcpu")×) | $(fmt "$A_WALL" 2) | $(fmt "$B_WALL" 2) | **${rc}×** ($(ratio "$B_CPU" "$A_CPU")×) | $(verdict "$(min_of "$rw" "$rc")" '>=' 2) |"
            S2_WORST=$(min_of "${S2_WORST:-}" "$(min_of "$rw" "$rc")")
        done
        rm -f "$out"
    done
    summary "weir -r -w / --count vs tcpdump, end to end (lowest ratio, wall)" "${S2_WORST:--}×" "≥ 2× each" "$(verdict "${S2_WORST:--}" '>=' 2)"
}

# min_of A B: the smaller of two numbers, ignoring empty or "-" ones.
min_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-") print b; else if (b == "" || b == "-") print a; else print (a + 0 < b + 0) ? a : b }'; }
