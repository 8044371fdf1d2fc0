package io.weir.compiler;

import java.nio.ByteOrder;

/**
 * What libpcap's code generator knows about the handle it compiles for, beyond the link type and snapshot
 * length: whether it is a savefile ({@code pcap_open_offline}, gencode's {@code rfile != NULL}) and, if so,
 * the byte order the file was written in (gencode's {@code swapped} is that order differing from the host's).
 * They matter on DLT_NULL and DLT_LOOP only: for a savefile {@code ip6} checks all three BSD AF_INET6 values
 * (24, 28, 30) instead of this platform's (10), and DLT_NULL's host-order address family is compared in the
 * file's byte order.
 *
 * @param fileOrder the savefile's byte order (the first section's, for pcapng), or {@code null} for a live or
 *     dead handle ({@code pcap_open_dead}, as tcpdump {@code -y}/{@code -d} without {@code -r} uses)
 * @param netmask   the IPv4 netmask {@code ip broadcast} uses, or
 *     {@link io.weir.compiler.lower.Lowering#NETMASK_UNKNOWN}; tcpdump passes 0 when reading a file
 */
public record CompileOptions(ByteOrder fileOrder, long netmask) {
    /** A live or dead handle with netmask 0: {@code tcpdump -y TYPE -d EXPR}. */
    public static final CompileOptions DEAD = new CompileOptions(null, 0);

    /** Compiling for a savefile written in {@code fileOrder}, netmask 0: {@code tcpdump -r FILE EXPR}. */
    public static CompileOptions savefile(ByteOrder fileOrder) {
        if (fileOrder == null) {
            throw new NullPointerException("fileOrder");
        }
        return new CompileOptions(fileOrder, 0);
    }

    /** Whether the handle is a savefile (libpcap's {@code rfile != NULL}). */
    public boolean isSavefile() {
        return fileOrder != null;
    }

    /** libpcap's {@code swapped}: a savefile written in the other byte order than this host's. */
    public boolean swapped() {
        return fileOrder != null && fileOrder != ByteOrder.nativeOrder();
    }

    /** The same options with another netmask. */
    public CompileOptions withNetmask(long mask) {
        return new CompileOptions(fileOrder, mask);
    }
}
