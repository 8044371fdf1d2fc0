# Section 6 of bench/compare (sourced): compile and start-up latency, `./weir -d EXPR` from a cold JVM (the
# launcher's jar and class-data-sharing archive already built) against `tcpdump -y EN10MB -d EXPR`, interleaved,
# median wall and CPU seconds. For `tcp port 80` also the launcher without its start-up settings (no CDS
# archive, default JIT tiers) to show what they buy, and the floor: a JVM doing nothing, under the same load.

section_startup() {
    local reps="$S6_REPS" e
    md ""
    md "## 6. Compile and start-up latency (seconds, median of $reps, interleaved)"
    if ! command -v tcpdump > /dev/null; then
        md ""; md "_tcpdump peer skipped: tcpdump is not installed_"
    fi
    md ""
    md "| expression | weir -d wall | tcpdump -d wall | weir -d CPU | tcpdump -d CPU | weir target < 0.25 s |"
    md "|---|---:|---:|---:|---:|---|"
    for e in "${S6_EXPRS[@]}"; do
        say "6: $e"
        if command -v tcpdump > /dev/null; then
            pair "$reps" -- "$ROOT/weir" -d "$e" -- tcpdump -y EN10MB -d "$e" || { md "| \`$e\` | failed | | | | |"; continue; }
        else
            pair "$reps" -- "$ROOT/weir" -d "$e" -- true
            B_WALL=""; B_CPU=""
        fi
        md "| \`$e\` | $(fmt "$A_WALL") | $(fmt "$B_WALL") | $(fmt "$A_CPU" 2) | $(fmt "$B_CPU" 2) | $(verdict "$A_WALL" '<=' 0.25) |"
        if [[ "$e" == 'tcp port 80' ]]; then
            summary "start-up, \`weir -d 'tcp port 80'\`: wall (CPU)" "$(fmt "$A_WALL") s ($(fmt "$A_CPU" 2) s); tcpdump $(fmt "$B_WALL") s" "< 0.25 s" "wall: $(verdict "$A_WALL" '<=' 0.25); CPU: $(verdict "$A_CPU" '<=' 0.25)"
            pair "$reps" -- env WEIR_CDS=0 WEIR_JAVA_OPTS="-XX:+UseSerialGC -Xss8m" "$ROOT/weir" -d "$e" -- "$ROOT/weir" -d "$e" || continue
            md "| \`$e\`, launcher without CDS archive and C1-only | $(fmt "$A_WALL") | (with: $(fmt "$B_WALL")) | $(fmt "$A_CPU" 2) | (with: $(fmt "$B_CPU" 2)) | |"
            # The floor: a JVM that starts and exits, under the same load.
            pair "$reps" -- "$JAVA" -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -version -- true || continue
            md "| (floor: \`java -version\`, a JVM that does nothing) | $(fmt "$A_WALL") | | $(fmt "$A_CPU" 2) | | |"
        fi
    done
}
