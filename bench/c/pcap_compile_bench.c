/*
 * Times libpcap's pcap_compile() (optimizer on, netmask 0, DLT_EN10MB, snaplen 262144), for the comparison with
 * Weir's compile time (io.weir.bench.CompileBenchmark).
 *
 *   pcap_compile_bench FILE [iterations]
 *
 * FILE holds one expression (written by io.weir.bench.CompileInputs). Prints
 * "FILE<TAB>ms-per-compile<TAB>instructions<TAB>max-RSS-KB", or the error. One untimed compile first.
 * Build: make -C bench/c (needs libpcap-dev).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: pcap_compile_bench FILE [iterations]\n"); return 2; }
    int iterations = argc > 2 ? atoi(argv[2]) : 5;
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *expr = malloc(size + 1);
    if (fread(expr, 1, size, f) != (size_t) size) { perror("read"); return 1; }
    expr[size] = 0;
    fclose(f);
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
    struct bpf_program prog;
    if (pcap_compile(p, &prog, expr, 1, 0) != 0) { printf("%s\terror: %s\n", argv[1], pcap_geterr(p)); return 1; }
    u_int insns = prog.bf_len;
    pcap_freecode(&prog);
    double start = now_ms();
    for (int i = 0; i < iterations; i++) {
        if (pcap_compile(p, &prog, expr, 1, 0) != 0) { printf("%s\terror: %s\n", argv[1], pcap_geterr(p)); return 1; }
        pcap_freecode(&prog);
    }
    double ms = (now_ms() - start) / iterations;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s\t%.3f\t%u\t%ld\n", argv[1], ms, insns, ru.ru_maxrss);
    pcap_close(p);
    return 0;
}
