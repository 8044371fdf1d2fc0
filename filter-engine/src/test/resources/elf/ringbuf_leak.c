// A socket filter the verifier must reject: the ring buffer record reserved for a short packet is never
// submitted or discarded ("Unreleased reference"). Used by the loader's and `weir run`'s rejection tests.
#include "common.h"

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

SEC("socket")
int leak(struct __sk_buff *skb)
{
    __u32 *len = bpf_ringbuf_reserve(&events, sizeof(*len), 0);
    if (!len)
        return 0;
    *len = skb->len;
    if (skb->len > 100)
        bpf_ringbuf_submit(len, 0);
    return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
