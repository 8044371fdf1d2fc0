package io.weir.capture.live;

/**
 * libpcap's statistics of a live capture ({@code pcap_stats}): what the tcpdump statistics lines are made of.
 *
 * @param received           packets the kernel filter accepted ({@code ps_recv}: "received by filter"; on Linux
 *                           it counts packets whether or not they were read yet)
 * @param droppedByKernel    packets dropped for lack of buffer space ({@code ps_drop}: "dropped by kernel")
 * @param droppedByInterface packets the interface or its driver dropped ({@code ps_ifdrop})
 */
public record LiveStats(long received, long droppedByKernel, long droppedByInterface) {}
