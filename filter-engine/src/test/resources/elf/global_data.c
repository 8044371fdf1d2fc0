// A classifier with global data: drops UDP packets to a port set in .rodata, counts in .data and .bss, and
// prints the first drop with bpf_printk.
#include "common.h"

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

const volatile __u16 blocked_port = 53;
__u64 dropped = 0;
__u64 total = 1000;

SEC("classifier")
int block_port(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    __u8 *p = data;
    __sync_fetch_and_add(&total, 1);
    if (data + ETH_HLEN + 20 + 4 > data_end)
        return TC_ACT_OK;
    if (*(__u16 *)(p + 12) != bswap16(ETH_P_IP) || p[ETH_HLEN + 9] != IPPROTO_UDP || (p[ETH_HLEN] & 0xf) != 5)
        return TC_ACT_OK;
    __u16 dport = bswap16(*(__u16 *)(p + ETH_HLEN + 20 + 2));
    if (dport != blocked_port)
        return TC_ACT_OK;
    if (dropped == 0)
        bpf_printk("drop udp port %d len %d", dport, skb->len);
    __sync_fetch_and_add(&dropped, 1);
    return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
