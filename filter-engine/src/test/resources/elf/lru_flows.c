// XDP with an LRU map: counts packets per (source, destination) IPv4 pair in a small LRU table, drops UDP.
#include "common.h"

struct flow {
    __u32 src;
    __u32 dst;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 8);
    __type(key, struct flow);
    __type(value, __u64);
} flows SEC(".maps");

SEC("xdp")
int lru_flows(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u8 *p = data;
    if (data + ETH_HLEN + 20 > data_end)
        return XDP_PASS;
    if (*(__u16 *)(p + 12) != bswap16(ETH_P_IP))
        return XDP_PASS;
    struct flow f = {};
    f.src = *(__u32 *)(p + ETH_HLEN + 12);
    f.dst = *(__u32 *)(p + ETH_HLEN + 16);
    __u64 *n = bpf_map_lookup_elem(&flows, &f);
    if (n) {
        __sync_fetch_and_add(n, 1);
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&flows, &f, &one, BPF_ANY);
    }
    return p[ETH_HLEN + 9] == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
