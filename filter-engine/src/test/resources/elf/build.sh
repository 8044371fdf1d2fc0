#!/bin/sh
# Rebuilds the ELF fixtures (checked in next to their sources) with clang's BPF target.
# Needs: clang, libbpf-dev (bpf/bpf_helpers.h); on Debian, linux/bpf.h's asm/ headers are in the multiarch dir.
set -eu
cd "$(dirname "$0")"
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
for src in proto_count lru_flows ringbuf_events global_data bounded_loop ringbuf_leak kfunc core; do
    clang -O2 -g -target bpf -I/usr/include/"$MULTIARCH" -c "$src.c" -o "$src.o"
done
