/*
 * Times libpcap's own bpf_filter() in ns/packet, for the comparison with Weir's interpreters.
 *
 *   bpf_filter_bench MIX.pcap FILTERS.tsv [millis-per-filter [cpu]]
 *
 * MIX.pcap is the packet mix (written by io.weir.bench.PacketMix), loaded into memory once; FILTERS.tsv has
 * one "NAME<TAB>expression<TAB>program" line per filter, the program in tcpdump -ddd's comma form
 * (written by io.weir.bench.InterpreterFilters). For each filter: a warm-up, then whole passes over the packet
 * array until the time is spent. Prints "NAME<TAB>ns-per-packet<TAB>matches-per-pass". With "cpu", time is the
 * thread's CPU time (CLOCK_THREAD_CPUTIME_ID) rather than wall time: steadier on a shared, loaded machine.
 * Build: gcc -O2 -o bpf_filter_bench bpf_filter_bench.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pkt { const u_char *data; u_int caplen; u_int len; };

static clockid_t clock_id = CLOCK_MONOTONIC;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct pkt *load(const char *file, size_t *count) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(file, err);
    if (!p) { fprintf(stderr, "bpf_filter_bench: %s\n", err); exit(1); }
    size_t cap = 1024, n = 0;
    struct pkt *pk = malloc(cap * sizeof *pk);
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(p, &h, &d) == 1) {
        if (n == cap) pk = realloc(pk, (cap *= 2) * sizeof *pk);
        u_char *copy = malloc(h->caplen ? h->caplen : 1);
        memcpy(copy, d, h->caplen);
        pk[n].data = copy; pk[n].caplen = h->caplen; pk[n].len = h->len; n++;
    }
    pcap_close(p);
    *count = n;
    return pk;
}

/* Parses "N,c jt jf k,c jt jf k,..." */
static struct bpf_insn *parse(char *s, u_int *len) {
    char *save;
    char *tok = strtok_r(s, ",", &save);
    u_int n = (u_int) strtoul(tok, NULL, 10), i = 0;
    struct bpf_insn *insns = calloc(n ? n : 1, sizeof *insns);
    while ((tok = strtok_r(NULL, ",", &save)) && i < n) {
        unsigned c, jt, jf; unsigned long k;
        if (sscanf(tok, "%u %u %u %lu", &c, &jt, &jf, &k) != 4) { fprintf(stderr, "bad insn '%s'\n", tok); exit(1); }
        insns[i].code = (u_short) c; insns[i].jt = (u_char) jt; insns[i].jf = (u_char) jf; insns[i].k = (bpf_u_int32) k;
        i++;
    }
    if (i != n || !bpf_validate(insns, (int) n)) { fprintf(stderr, "invalid program (%u of %u insns)\n", i, n); exit(1); }
    *len = n;
    return insns;
}

static u_int pass(const struct bpf_insn *insns, const struct pkt *pk, size_t n) {
    u_int matches = 0;
    for (size_t i = 0; i < n; i++)
        matches += bpf_filter(insns, pk[i].data, pk[i].len, pk[i].caplen) != 0;
    return matches;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: bpf_filter_bench MIX.pcap FILTERS.tsv [millis [cpu]]\n"); return 2; }
    double budget = (argc > 3 ? atof(argv[3]) : 1000.0) * 1e6;
    if (argc > 4 && strcmp(argv[4], "cpu") == 0) clock_id = CLOCK_THREAD_CPUTIME_ID;
    size_t n;
    struct pkt *pk = load(argv[1], &n);
    if (n == 0) { fprintf(stderr, "no packets in %s\n", argv[1]); return 1; }
    FILE *f = fopen(argv[2], "r");
    if (!f) { perror(argv[2]); return 1; }
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *name = strtok(line, "\t"), *expr = strtok(NULL, "\t"), *prog = strtok(NULL, "\t");
        if (!name || !expr || !prog) continue;
        u_int len;
        struct bpf_insn *insns = parse(prog, &len);
        u_int matches = pass(insns, pk, n);
        volatile u_int sink = 0;
        double start = now_ns();
        while (now_ns() - start < budget / 5) sink += pass(insns, pk, n);       /* warm-up */
        long passes = 0;
        start = now_ns();
        double elapsed;
        do { sink += pass(insns, pk, n); passes++; } while ((elapsed = now_ns() - start) < budget);
        printf("%s\t%.2f\t%u\n", name, elapsed / ((double) passes * n), matches);
        free(insns);
    }
    fclose(f);
    return 0;
}
