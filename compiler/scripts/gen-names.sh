#!/bin/sh
# Regenerates Weir's built-in name tables from Debian's netbase files (IANA names), so that the compiler never
# reads the machine's /etc/services or /etc/protocols at run time. Run from the compiler module directory.
set -e
out=src/main/resources/io/weir/compiler/lower
# services.txt: one line per name or alias: NAME PORT PROTO
grep -v '^#' /etc/services | sed 's/#.*//' | awk 'NF>=2 { split($2, a, "/"); print $1, a[1], a[2];
    for (i = 3; i <= NF; i++) print $i, a[1], a[2] }' > $out/services.txt
# protocols.txt: one line per name or alias: NAME NUMBER
grep -v '^#' /etc/protocols | sed 's/#.*//' | awk 'NF>=2 { print $1, $2; for (i = 3; i <= NF; i++) print $i, $2 }' \
    > $out/protocols.txt
