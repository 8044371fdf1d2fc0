package io.weir.compiler;

import java.nio.ByteOrder;
import java.util.Map;

/**
 * What libpcap's code generator knows about the handle it compiles for, beyond the link type and snapshot
 * length: whether it is a savefile ({@code pcap_open_offline}, gencode's {@code rfile != NULL}) and, if so,
 * the byte order the file was written in (gencode's {@code swapped} is that order differing from the host's).
 * They matter on DLT_NULL and DLT_LOOP only: for a savefile {@code ip6} checks all three BSD AF_INET6 values
 * (24, 28, 30) instead of this platform's (10), and DLT_NULL's host-order address family is compared in the
 * file's byte order.
 *
 * <p>It also carries Weir's opt-in extensions (README "Extensions"); with all of them off (the default of every
 * factory) the compiled program gives libpcap's verdicts.
 *
 * @param fileOrder    the savefile's byte order (the first section's, for pcapng), or {@code null} for a live or
 *     dead handle ({@code pcap_open_dead}, as tcpdump {@code -y}/{@code -d} without {@code -r} uses)
 * @param netmask      the IPv4 netmask {@code ip broadcast} uses, or
 *     {@link io.weir.compiler.lower.Lowering#NETMASK_UNKNOWN}; tcpdump passes 0 when reading a file
 * @param ip6Transport {@code --ip6-transport}: {@code tcp[]}, {@code udp[]}, {@code sctp[]} and {@code icmp6[]}
 *     index the transport header of IPv6 packets too, after their extension headers
 * @param vlanAny      {@code --vlan-any}: on Ethernet the filter applies after 0, 1 or 2 VLAN tags
 * @param defs         {@code --defs}: named filters usable as {@code $NAME} (name to expression), never null
 */
public record CompileOptions(ByteOrder fileOrder, long netmask, boolean ip6Transport, boolean vlanAny,
        Map<String, String> defs) {
    /** A live or dead handle with netmask 0: {@code tcpdump -y TYPE -d EXPR}. */
    public static final CompileOptions DEAD = new CompileOptions(null, 0);

    /** Copies {@code defs}; null means none. */
    public CompileOptions {
        defs = defs == null ? Map.of() : Map.copyOf(defs);
    }

    /** libpcap's options only: every extension off. */
    public CompileOptions(ByteOrder fileOrder, long netmask) {
        this(fileOrder, netmask, false, false, Map.of());
    }

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
        return new CompileOptions(fileOrder, mask, ip6Transport, vlanAny, defs);
    }

    /** The same options with {@code --ip6-transport} on or off. */
    public CompileOptions withIp6Transport(boolean on) {
        return new CompileOptions(fileOrder, netmask, on, vlanAny, defs);
    }

    /** The same options with {@code --vlan-any} on or off. */
    public CompileOptions withVlanAny(boolean on) {
        return new CompileOptions(fileOrder, netmask, ip6Transport, on, defs);
    }

    /** The same options with these named filters ({@link io.weir.compiler.parse.Defs#load}). */
    public CompileOptions withDefs(Map<String, String> named) {
        return new CompileOptions(fileOrder, netmask, ip6Transport, vlanAny, named);
    }

    /** Whether any extension is on (so the verdicts may differ from libpcap's). */
    public boolean extended() {
        return ip6Transport || vlanAny || !defs.isEmpty();
    }
}
