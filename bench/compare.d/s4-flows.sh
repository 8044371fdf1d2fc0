# Section 4 of bench/compare (sourced): flow accounting. `./weir flows -r F` against Weir's own
# `./weir -r F --count` pass (target: at most 1.5× its time), against tshark's conversation table
# (`tshark -q -z conv,ip -r F`, on the 2M capture only; target: 50× faster) and against `cat`.

section_flows() {
    local n f
    md ""
    md "## 4. Flows (seconds, median of $S4_REPS, interleaved)"
    if ! "$ROOT/weir" flows --help > /dev/null 2>&1; then
        skipped "section 4: this weir has no \`flows\` command yet"
        summary "flows vs --count; vs tshark" "-" "≤ 1.5×; ≥ 50×" "skipped"
        return
    fi
    md ""
    md "| capture | weir flows | weir --count | flows / count | cat | tshark conv,ip | tshark / flows |"
    md "|---|---:|---:|---:|---:|---:|---:|"
    local worst="" tsh=""
    for n in "${SIZES[@]}"; do
        f="$(capture_file "$n")"
        say "4: $(human "$n")"
        pair "$S4_REPS" -- "$ROOT/weir" flows -r "$f" -- "$ROOT/weir" -r "$f" --count || { skipped "4: a run failed"; return; }
        local fw="$A_WALL" cw="$B_WALL" catw tw="" r rt="-"
        pair "$S4_REPS" -- sh -c "cat '$f' > /dev/null" -- true; catw="$A_WALL"
        if [[ "$n" != "${SIZES[0]}" ]]; then
            tw="not run (2M only)"
        elif [[ $QUICK == 1 ]]; then
            tw="skipped in --quick"
        elif ! command -v tshark > /dev/null; then
            tw="skipped: not installed"
        elif pair 1 -- tshark -q -z conv,ip -r "$f" -- true; then
            tw="$(fmt "$A_WALL" 2)"; tsh=$(ratio "$A_WALL" "$fw"); rt="${tsh}×"
        fi
        r=$(ratio "$fw" "$cw")
        worst=$(awk -v w="$worst" -v r="$r" 'BEGIN { print (w == "" || r > w) ? r : w }')
        md "| $(human "$n") | $(fmt "$fw" 2) | $(fmt "$cw" 2) | ${r}× | $(fmt "$catw" 2) | ${tw:-failed} | $rt |"
    done
    summary "flows vs --count; tshark vs flows (2M)" "${worst}×; $( [[ -n "$tsh" ]] && echo "${tsh}×" || echo 'tshark not run')" "≤ 1.5×; ≥ 50×" \
        "$(verdict "$worst" '<=' 1.5); $( [[ -n "$tsh" ]] && verdict "$tsh" '>=' 50 || echo 'tshark skipped')"
}
