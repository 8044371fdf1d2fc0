// A socket filter sending one ring buffer record per IPv4 packet (reserve/submit), and one per non-IPv4
// packet with bpf_ringbuf_output; keeps every packet.
#include "common.h"

struct event {
    __u32 len;
    __u8 proto;
    __u8 pad[3];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

SEC("socket/events")
int ringbuf_events(struct __sk_buff *skb)
{
    __u16 ethertype = 0;
    bpf_skb_load_bytes(skb, 12, &ethertype, 2);
    if (ethertype != bswap16(ETH_P_IP)) {
        struct event other = { .len = skb->len, .proto = 255 };
        bpf_ringbuf_output(&events, &other, sizeof(other), 0);
        return -1;
    }
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return -1;
    e->len = skb->len;
    e->proto = 0;
    if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, &e->proto, 1) < 0) {
        bpf_ringbuf_discard(e, 0);
        return -1;
    }
    bpf_ringbuf_submit(e, 0);
    return -1;
}

char LICENSE[] SEC("license") = "GPL";
