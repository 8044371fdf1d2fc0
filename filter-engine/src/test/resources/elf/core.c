// Not loadable by Weir: a CO-RE field access against a kernel type (relocated by libbpf against vmlinux BTF).
#include "common.h"

struct sk_buff_like {
    int mark;
} __attribute__((preserve_access_index));

SEC("socket")
int uses_core(struct __sk_buff *skb)
{
    struct sk_buff_like *k = (void *)(long)skb->data;
    return __builtin_preserve_access_index(k->mark);
}

char LICENSE[] SEC("license") = "GPL";
