#!/bin/sh
# Regenerates bpf-image.golden: libpcap's own bpf_image() for every 16-bit-free opcode 0..255 with several k,
# plus the Linux ancillary offsets. Needs gcc and libpcap-dev. Run from this directory:  sh gen-bpf-image.sh
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/img.c" <<'C'
#include <pcap/pcap.h>
#include <stdio.h>
static void line(unsigned code, unsigned jt, unsigned jf, unsigned k, int n) {
    struct bpf_insn i = { (u_short) code, (u_char) jt, (u_char) jf, (bpf_u_int32) k };
    printf("%u %u %u %u %d|%s\n", code, jt, jf, k, n, bpf_image(&i, n));
}
int main(void) {
    static const unsigned ks[] = { 7, 0, 0xffffffffu, 0x80000000u, 0x1234abcdu, 65535 };
    for (unsigned c = 0; c < 256; c++)
        for (unsigned j = 0; j < sizeof ks / sizeof ks[0]; j++)
            line(c, j * 40, 255 - j, ks[j], (int) (j * 333));
    for (unsigned off = 0; off <= 68; off += 4) {
        line(0x20, 0, 0, 0xfffff000u + off, 1);
        line(0x28, 0, 0, 0xfffff000u + off, 1);
        line(0x30, 0, 0, 0xfffff000u + off, 1);
        line(0x40, 0, 0, 0xfffff000u + off, 1);
    }
    line(0x20, 0, 0, 0xfffff002u, 1);
    line(0x20, 0, 0, 0xffe00000u, 1);
    line(0x06, 0, 0, 262144, 1234);
    return 0;
}
C
gcc -O1 -o "$tmp/img" "$tmp/img.c" -lpcap
"$tmp/img" > bpf-image.golden
echo "wrote $(wc -l < bpf-image.golden) lines to bpf-image.golden ($(tcpdump --version 2>&1 | grep libpcap))"
