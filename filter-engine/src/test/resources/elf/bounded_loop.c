// A socket filter with a bounded loop and a local function call: sums the first 32 bytes of the packet
// (fewer if shorter) into an array map defined in the legacy "maps" section; keeps packets whose sum is even.
#include "common.h"

struct bpf_map_def {
    unsigned int type;
    unsigned int key_size;
    unsigned int value_size;
    unsigned int max_entries;
    unsigned int map_flags;
};

struct bpf_map_def SEC("maps") sums = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = 4,
    .value_size = 8,
    .max_entries = 2,
};

static __noinline __u64 byte_sum(struct __sk_buff *skb)
{
    __u64 sum = 0;
#pragma clang loop unroll(disable)
    for (int i = 0; i < 32; i++) {
        __u8 b;
        if (bpf_skb_load_bytes(skb, i, &b, 1) < 0)
            break;
        sum += b;
    }
    return sum;
}

SEC("socket/sum")
int sum_bytes(struct __sk_buff *skb)
{
    __u64 sum = byte_sum(skb);
    __u32 key = sum & 1;
    __u64 *slot = bpf_map_lookup_elem(&sums, &key);
    if (slot)
        __sync_fetch_and_add(slot, sum);
    return (sum & 1) ? 0 : skb->len;
}

char LICENSE[] SEC("license") = "GPL";
