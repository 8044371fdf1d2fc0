# Section 1 of bench/compare (sourced): the cost of one filter call per packet, Weir's JIT and interpreters
# against libpcap's C bpf_filter, on the filters of io.weir.bench.JitFilters (from `tcp` to 20 terms; programs
# compiled by the system's tcpdump, so every engine runs the same instructions) over the in-memory packet mix
# of io.weir.bench.PacketMix. Thread CPU time on both sides (the C harness's "cpu" mode, io.weir.bench.JitCpuTime:
# one JVM per filter and engine), each repetition running C, JIT, eBPF and classic back to back.

section_per_packet() {
    local out="$WORK/per-packet" reps="$S1_REPS" name expr prog
    md ""
    md "## 1. Per-packet filter cost (ns/packet, thread CPU time, median of $reps)"
    mkdir -p "$out"
    java -cp "$BENCH_JAR" io.weir.bench.PacketMix "$out/mix.pcap" > /dev/null 2>&1
    if ! java -cp "$BENCH_JAR" io.weir.bench.JitFilters "$out/filters.tsv" > "$out/weir-matches.tsv" 2> "$out/filters.err"; then
        skipped "section 1: JitFilters failed ($(tail -1 "$out/filters.err"))"; return
    fi
    local have_c=1
    [[ -x "$CBENCH" ]] || { have_c=0; md ""; md "_libpcap peer skipped: ${CBENCH_MISSING}_"; }
    md ""
    md "| filter | libpcap | JIT | eBPF interp. | classic interp. | libpcap / JIT | target ≥ 2 |"
    md "|---|---:|---:|---:|---:|---:|---|"
    local logsum=0 k=0 worst="" line
    while IFS=$'\t' read -r name expr prog; do
        [[ -z "$S1_FILTERS" || ",$S1_FILTERS," == *",$name,"* ]] || continue
        say "1: $name"
        local c=() j=() e=() cl=() r engine v cm wm
        printf '%s\t%s\t%s\n' "$name" "$expr" "$prog" > "$out/one.tsv"
        for r in $(seq "$reps"); do
            if [[ $have_c == 1 ]]; then
                line=$("$CBENCH" "$out/mix.pcap" "$out/one.tsv" "$S1_MILLIS" cpu) || { skipped "1: C harness failed"; return; }
                c+=("$(cut -f2 <<< "$line")"); cm=$(cut -f3 <<< "$line")
            fi
            for engine in jit ebpf classic; do
                v=$(java -cp "$BENCH_JAR" io.weir.bench.JitCpuTime "$name" "$engine" "$prog" $S1_ROUNDS \
                    | awk -F, '{ print $5 }')
                case $engine in jit) j+=("$v") ;; ebpf) e+=("$v") ;; classic) cl+=("$v") ;; esac
            done
        done
        wm=$(awk -F'\t' -v n="$name" '$1 == n { print $3 }' "$out/weir-matches.tsv")
        if [[ $have_c == 1 && "$wm" != "$cm" ]]; then
            md "| $name | MISMATCH: Weir matches $wm of the mix, libpcap $cm | | | | | |"; continue
        fi
        local mc mj me ml rr
        mc=$(median "${c[@]}"); mj=$(median "${j[@]}"); me=$(median "${e[@]}"); ml=$(median "${cl[@]}")
        rr=$(ratio "$mc" "$mj")
        md "| \`$name\` | $(fmt "$mc" 2) | $(fmt "$mj" 2) | $(fmt "$me" 2) | $(fmt "$ml" 2) | ${rr}× | $(verdict "$rr" '>=' 2) |"
        if [[ "$rr" != - ]]; then
            logsum=$(awk -v s="$logsum" -v r="$rr" 'BEGIN { print s + log(r) }'); k=$((k + 1))
            worst=$(awk -v w="$worst" -v r="$rr" 'BEGIN { print (w == "" || r < w) ? r : w }')
        fi
    done < "$out/filters.tsv"
    if [[ $k -gt 0 ]]; then
        local gm
        gm=$(awk -v s="$logsum" -v k="$k" 'BEGIN { printf "%.2f", exp(s / k) }')
        md ""
        md "Geometric mean of libpcap / JIT: **${gm}×** (target ≥ 3: $(verdict "$gm" '>=' 3)); lowest: ${worst}× (target ≥ 2: $(verdict "$worst" '>=' 2))."
        summary "JIT vs libpcap bpf_filter, per packet (geo. mean / lowest of $k filters)" "${gm}× / ${worst}×" "≥ 3× / ≥ 2×" \
            "$(verdict "$gm" '>=' 3) / $(verdict "$worst" '>=' 2)"
    else
        summary "JIT vs libpcap bpf_filter, per packet" "-" "≥ 3× geo. mean" "skipped"
    fi
    md ""
    local list="" q='`'
    while IFS=$'\t' read -r name expr prog; do
        [[ -z "$S1_FILTERS" || ",$S1_FILTERS," == *",$name,"* ]] || continue
        list+="${list:+; }$q$name$q = $q$expr$q"
    done < "$out/filters.tsv"
    md "Filters (compiled by the system's tcpdump -ddd, so all engines run the same program): $list."
}
