/* Shared definitions of Weir's ELF fixtures: no kernel headers beyond linux/bpf.h. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

static __always_inline __u16 bswap16(__u16 v) { return (v << 8) | (v >> 8); }
