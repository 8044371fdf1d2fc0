// A socket filter with a hash map of per-protocol counters: counts IPv4 packets by IP protocol and keeps
// TCP packets whole, drops the others.
#include "common.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u64);
} proto_packets SEC(".maps");

SEC("socket")
int count_protocols(struct __sk_buff *skb)
{
    __u16 ethertype;
    __u8 proto;
    if (bpf_skb_load_bytes(skb, 12, &ethertype, 2) < 0 || ethertype != bswap16(ETH_P_IP))
        return 0;
    if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1) < 0)
        return 0;
    __u32 key = proto;
    __u64 *count = bpf_map_lookup_elem(&proto_packets, &key);
    if (count) {
        __sync_fetch_and_add(count, 1);
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&proto_packets, &key, &one, BPF_NOEXIST);
    }
    return proto == IPPROTO_TCP ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";
