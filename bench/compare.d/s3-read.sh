# Section 3 of bench/compare (sourced): the read ceiling. Weir visiting every packet of the 2M capture against
# `cat F > /dev/null` (the page cache's speed), end to end (`./weir -r F --count`, JVM start included) and in
# steady state (io.weir.bench.ReadBenchmark under JMH); `tcpdump -r F -w /dev/null` as the peer that also reads
# every packet. The issue's target is on the steady state: within 1.3× of cat.

section_read() {
    local f n=${SIZES[0]} jmh_ms jmh_s
    f="$(capture_file "$n")"
    md ""
    md "## 3. Read ceiling, $(human "$n") packets ($(( $(stat -c %s "$f") / 1048576 )) MiB from the page cache; seconds, median of $S3_REPS)"
    say "3: cat vs weir --count"
    pair "$S3_REPS" -- sh -c "cat '$f' > /dev/null" -- "$ROOT/weir" -r "$f" --count || { skipped "3: a run failed"; return; }
    local cw="$A_WALL" cc="$A_CPU" ww="$B_WALL" wcpu="$B_CPU" tw="" tcpu=""
    if command -v tcpdump > /dev/null; then
        say "3: tcpdump -w /dev/null"
        pair "$S3_REPS" -- tcpdump -r "$f" -w /dev/null -- sh -c "cat '$f' > /dev/null" && { tw="$A_WALL"; tcpu="$A_CPU"; }
    fi
    say "3: ReadBenchmark (JMH)"
    rm -f "$WORK/read.csv"
    jmh "$WORK/read.log" 'ReadBenchmark' -f 1 $S3_JMH -p "file=$f" -p "generatePackets=$n" -rf csv -rff "$WORK/read.csv" \
        || say "ReadBenchmark failed (log: $WORK/read.log)"
    jmh_ms=$(awk -F, '/ReadBenchmark/ { gsub(/"/, "", $5); print $5 }' "$WORK/read.csv" 2> /dev/null | tail -1)
    jmh_s=$(awk -v ms="$jmh_ms" 'BEGIN { if (ms != "") printf "%.4f", ms / 1000 }')
    md ""
    md "| reader | wall | CPU | × cat (wall) |"
    md "|---|---:|---:|---:|"
    md "| \`cat F > /dev/null\` | $(fmt "$cw") | $(fmt "$cc" 2) | 1.00× |"
    md "| Weir ReadBenchmark (JMH, steady state, no JVM start) | $(fmt "$jmh_s") | | $(ratio "$jmh_s" "$cw")× |"
    md "| \`./weir -r F --count\` (end to end) | $(fmt "$ww") | $(fmt "$wcpu" 2) | $(ratio "$ww" "$cw")× |"
    [[ -n "$tw" ]] && md "| \`tcpdump -r F -w /dev/null\` | $(fmt "$tw") | $(fmt "$tcpu" 2) | $(ratio "$tw" "$cw")× |"
    [[ -z "$tw" ]] && md "| tcpdump | skipped: not installed | | |"
    local r
    r=$(ratio "$jmh_s" "$cw")
    summary "reading every packet (JMH steady state) vs cat; end to end" "${r}×; $(ratio "$ww" "$cw")×" "≤ 1.3×" "$(verdict "$r" '<=' 1.3)"
}
