// Not loadable by Weir: calls a kernel function (kfunc) through an extern __ksym declaration.
#include "common.h"

extern void bpf_rcu_read_lock(void) __ksym;

SEC("xdp")
int uses_kfunc(struct xdp_md *ctx)
{
    bpf_rcu_read_lock();
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
