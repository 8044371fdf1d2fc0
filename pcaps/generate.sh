#!/usr/bin/env bash
# Regenerates the captures in this folder with Weir's own deterministic generator
# (io.weir.capture.gen.GenerateCapture, module capture). Same seeds, same bytes: running it again must leave
# `git status` clean (CaptureGeneratorTest checks the files against the generator too).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
(cd "$ROOT" && mvn -B -q -pl capture compile >&2)
gen() { java -cp "$ROOT/capture/target/classes" io.weir.capture.gen.GenerateCapture "$@"; }

#   file                       packets seed framing      container        byte order
gen --out "$HERE/mixed-ether.pcap"       --count 300 --seed 1 --link ether --format pcap    --order le
gen --out "$HERE/mixed-ether-ns.pcapng"  --count 300 --seed 2 --link ether --format pcapng  --order le
gen --out "$HERE/mixed-ether-be-ns.pcap" --count 100 --seed 3 --link ether --format pcap-ns --order be
gen --out "$HERE/mixed-sll.pcap"         --count 300 --seed 1 --link sll   --format pcap    --order le
gen --out "$HERE/mixed-sll2.pcap"        --count 300 --seed 1 --link sll2  --format pcap    --order le
gen --out "$HERE/mixed-raw.pcap"         --count 300 --seed 1 --link raw   --format pcap    --order le
gen --out "$HERE/mixed-null.pcap"        --count 300 --seed 1 --link null  --format pcap    --order le
