#!/bin/sh
# Regenerates tcpdump-dumps.golden from tcpdump-expressions.tsv with the system's tcpdump (-d, -dd, -ddd).
# Run from this directory:  sh gen-tcpdump-golden.sh
set -e
out=tcpdump-dumps.golden
: > "$out"
grep -v '^#' tcpdump-expressions.tsv | while IFS='	' read -r lt snap opt expr; do
    [ -n "$lt" ] || continue
    noopt=""
    [ "$opt" = "no" ] && noopt="-O"
    printf '### %s\t%s\t%s\t%s\n' "$lt" "$snap" "$opt" "$expr" >> "$out"
    for d in -d -dd -ddd; do
        printf -- '--- %s\n' "$d" >> "$out"
        tcpdump $d $noopt -y "$lt" -s "$snap" -- "$expr" >> "$out"
    done
done
echo "wrote $out ($(tcpdump --version 2>&1 | head -1), $(tcpdump --version 2>&1 | grep libpcap))"
