# Section 5 of bench/compare (sourced): the Netty handler's cost. io.weir.bench.NettyUdpEchoBenchmark (a UDP
# echo pair on loopback, with and without a BpfFilterHandler in front of the echo; round trips per second) gives
# the target figure; in the full run io.weir.bench.NettyHandlerBenchmark adds ns per read through the pipeline.
# JMH runs both variants in one fork each; the whole benchmark is repeated and the overheads' median reported.

section_netty() {
    md ""
    md "## 5. Netty handler overhead (JMH, median of $S5_REPS runs)"
    if ! java -jar "$BENCH_JAR" -l 2> /dev/null | grep -q 'NettyUdpEchoBenchmark'; then
        skipped "section 5: NettyUdpEchoBenchmark is not in bench/target/benchmarks.jar"
        summary "Netty handler overhead, UDP echo pair" "-" "< 5%" "skipped"
        return
    fi
    local r none weir ovs=() nones=() weirs=()
    for r in $(seq "$S5_REPS"); do
        say "5: NettyUdpEchoBenchmark, run $r"
        jmh "$WORK/netty-$r.log" 'NettyUdpEchoBenchmark' $S5_JMH -rf csv -rff "$WORK/netty-$r.csv" \
            || { skipped "5: NettyUdpEchoBenchmark failed (log: $WORK/netty-$r.log)"; return; }
        none=$(jmh_score "$WORK/netty-$r.csv" roundTrip none)
        weir=$(jmh_score "$WORK/netty-$r.csv" roundTrip weir)
        nones+=("$none"); weirs+=("$weir")
        [[ -n "$none" && -n "$weir" ]] && ovs+=("$(awk -v a="$none" -v b="$weir" 'BEGIN { printf "%.2f", 100 * (a / b - 1) }')")
    done
    local ov
    ov=$(median "${ovs[@]}")
    md ""
    md "The handler's cost is (round trips/s without) / (with) - 1; each run is one JMH fork per variant."
    md ""
    md "| benchmark | without handler | with handler | overhead | target < 5% |"
    md "|---|---:|---:|---:|---|"
    md "| UDP echo pair (round trips/s) | $(fmt "$(median "${nones[@]}")" 0) | $(fmt "$(median "${weirs[@]}")" 0) | $(fmt "$ov" 1)% | $(verdict "$ov" '<=' 5) |"
    summary "Netty handler overhead, UDP echo pair" "$(fmt "$ov" 1)%" "< 5%" "$(verdict "$ov" '<=' 5)"
    if [[ -n "$S5_HANDLER_JMH" ]]; then
        say "5: NettyHandlerBenchmark"
        if jmh "$WORK/handler.log" 'NettyHandlerBenchmark' $S5_HANDLER_JMH -rf csv -rff "$WORK/handler.csv"; then
            md ""
            md "| pipeline read (ns/op) | no handler | handler, packet passes | handler, packet dropped |"
            md "|---|---:|---:|---:|"
            awk -F, 'FNR > 1 { sub(/\r$/, ""); for (i = 1; i <= NF; i++) gsub(/"/, "", $i); s[$NF "," $(NF - 1)] = $5; fr[$NF] = 1 }
                END { for (f in fr) printf "| %s | %.1f | %.1f | %.1f |\n", f, s[f ",none"], s[f ",pass"], s[f ",drop"] }' \
                "$WORK/handler.csv" | sort >> "$REPORT"
        else
            md ""; md "_NettyHandlerBenchmark failed (log: $WORK/handler.log)_"
        fi
    fi
}
