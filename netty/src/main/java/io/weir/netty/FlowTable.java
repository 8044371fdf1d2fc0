package io.weir.netty;

import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-flow counters in a BPF map ({@code hash} or {@code lru_hash} from {@code io.weir.engine.maps}), readable
 * from Java while the pipeline runs.
 *
 * <p>The key is the 5-tuple, 40 bytes: source address (16, IPv4 mapped as {@code ::ffff:a.b.c.d}), destination
 * address (16), source port (2, big-endian), destination port (2), IP protocol (1), 3 zero bytes. Ports are 0
 * for protocols other than TCP, UDP and SCTP, for non-first IPv4 fragments and for IPv6 packets with extension
 * headers (the next-header chain is not walked). The value is four little-endian u64, as an eBPF program on x86
 * would store them: matched packets, matched bytes, missed packets, missed bytes (bytes = wire length).
 *
 * <p>The handler updates the map from Java after the verdict, under this table's lock (a lookup, an add and an
 * update; no allocation). A program-side update (the filter itself counting with {@code map_update_elem}) would
 * avoid the lock; it is left for later. Packets that are not IPv4/IPv6 are not counted. When a {@code hash} map
 * is full, new flows are not counted and {@link #overflows()} grows; an {@code lru_hash} map evicts the least
 * recently used flow instead.
 *
 * <pre>{@code
 * FlowTable flows = FlowTable.lruHash(65_536);
 * ChannelHandler h = BpfFilterHandler.builder().expression("udp").flowTable(flows).build();
 * flows.snapshot().forEach((flow, counts) -> System.out.println(flow + " " + counts));
 * }</pre>
 */
public final class FlowTable {
    /** Bytes of a key. */
    public static final int KEY_SIZE = 40;
    /** Bytes of a value. */
    public static final int VALUE_SIZE = 32;

    private final BpfMap map;
    private final byte[] key = new byte[KEY_SIZE];
    private final byte[] value = new byte[VALUE_SIZE];
    private final LongAdder overflows = new LongAdder();

    private FlowTable(BpfMap map) {
        this.map = map;
    }

    /** A table over a new {@code hash} map of at most {@code maxEntries} flows. */
    public static FlowTable hash(int maxEntries) {
        return new FlowTable(new MapSpec("weir_flows", MapType.HASH, KEY_SIZE, VALUE_SIZE, maxEntries, 0).create());
    }

    /** A table over a new {@code lru_hash} map of at most {@code maxEntries} flows. */
    public static FlowTable lruHash(int maxEntries) {
        return new FlowTable(new MapSpec("weir_flows", MapType.LRU_HASH, KEY_SIZE, VALUE_SIZE, maxEntries, 0)
                .create());
    }

    /**
     * A table over an existing map (for example one a clang-built object also reads).
     *
     * @throws IllegalArgumentException when the map is not a non-per-CPU hash map with this table's key and value
     *     sizes
     */
    public static FlowTable of(BpfMap map) {
        if (!map.type().isHash() || map.type().isPerCpu() || map.keySize() != KEY_SIZE
                || map.valueSize() != VALUE_SIZE) {
            throw new IllegalArgumentException("flow table map '" + map.name() + "' must be a hash or lru_hash map"
                    + " with " + KEY_SIZE + "-byte keys and " + VALUE_SIZE + "-byte values, not " + map.type().label()
                    + " " + map.keySize() + "/" + map.valueSize());
        }
        return new FlowTable(map);
    }

    /** The map holding the counters. */
    public BpfMap map() {
        return map;
    }

    /** Flows not counted because the map was full. */
    public long overflows() {
        return overflows.sum();
    }

    /** A flow, decoded from a key. */
    public record Flow(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
            int protocol) {
        /** The map key of this flow. */
        public byte[] key() {
            byte[] k = new byte[KEY_SIZE];
            putAddress(k, 0, source.getAddress());
            putAddress(k, 16, destination.getAddress());
            k[32] = (byte) (sourcePort >>> 8);
            k[33] = (byte) sourcePort;
            k[34] = (byte) (destinationPort >>> 8);
            k[35] = (byte) destinationPort;
            k[36] = (byte) protocol;
            return k;
        }

        private static void putAddress(byte[] k, int at, byte[] a) {
            if (a.length == 4) {
                k[at + 10] = (byte) 0xff;
                k[at + 11] = (byte) 0xff;
                System.arraycopy(a, 0, k, at + 12, 4);
            } else {
                System.arraycopy(a, 0, k, at, 16);
            }
        }

        static Flow of(byte[] k) {
            int sp = ((k[32] & 0xff) << 8) | (k[33] & 0xff);
            int dp = ((k[34] & 0xff) << 8) | (k[35] & 0xff);
            return new Flow(address(k, 0), address(k, 16), sp, dp, k[36] & 0xff);
        }

        private static InetAddress address(byte[] k, int at) {
            try {
                // getByAddress turns a mapped ::ffff:a.b.c.d into an Inet4Address by itself.
                return InetAddress.getByAddress(Arrays.copyOfRange(k, at, at + 16));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public String toString() {
            return protocol + " " + source.getHostAddress() + "." + sourcePort + " > "
                    + destination.getHostAddress() + "." + destinationPort;
        }
    }

    /** The counters of a flow. */
    public record Counts(long matchedPackets, long matchedBytes, long missedPackets, long missedBytes) {
        static Counts of(byte[] v) {
            return new Counts(le64(v, 0), le64(v, 8), le64(v, 16), le64(v, 24));
        }
    }

    /** The counters of {@code flow}, or null when it has not been seen (or was evicted). */
    public Counts lookup(Flow flow) {
        byte[] v = new byte[VALUE_SIZE];
        return map.lookup(flow.key(), v) ? Counts.of(v) : null;
    }

    /** A copy of every flow and its counters, in the map's iteration order. */
    public Map<Flow, Counts> snapshot() {
        Map<Flow, Counts> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(Flow.of(k), Counts.of(v)));
        return out;
    }

    /** Counts the packet in {@code view} (a frame of {@code linkType}) as matched or missed. */
    void record(PacketView view, int linkType, boolean matched) {
        int n = LinkTypes.networkOffset(linkType, view);
        if (n < 0) {
            return;
        }
        synchronized (this) {
            if (!fillKey(view, n)) {
                return;
            }
            if (!map.lookup(key, value)) {
                Arrays.fill(value, (byte) 0);
            }
            int at = matched ? 0 : 16;
            putLe64(value, at, le64(value, at) + 1);
            putLe64(value, at + 8, le64(value, at + 8) + view.wireLen());
            if (map.update(key, value, BpfMap.BPF_ANY) != 0) {
                overflows.increment();
            }
        }
    }

    /** Writes the 5-tuple of the IP packet at {@code n} into {@link #key}; false when it is truncated. */
    private boolean fillKey(PacketView v, int n) {
        int cap = v.capLen();
        Arrays.fill(key, (byte) 0);
        int version = v.u8(n) >>> 4;
        int transport;
        int proto;
        if (version == 4) {
            if (n + 20 > cap) {
                return false;
            }
            proto = v.u8(n + 9);
            key[10] = (byte) 0xff;
            key[11] = (byte) 0xff;
            key[26] = (byte) 0xff;
            key[27] = (byte) 0xff;
            for (int i = 0; i < 4; i++) {
                key[12 + i] = (byte) v.u8(n + 12 + i);
                key[28 + i] = (byte) v.u8(n + 16 + i);
            }
            boolean laterFragment = (v.u16(n + 6) & 0x1fff) != 0;
            transport = laterFragment ? -1 : n + (v.u8(n) & 0xf) * 4;
        } else if (version == 6) {
            if (n + 40 > cap) {
                return false;
            }
            proto = v.u8(n + 6);
            for (int i = 0; i < 16; i++) {
                key[i] = (byte) v.u8(n + 8 + i);
                key[16 + i] = (byte) v.u8(n + 24 + i);
            }
            transport = n + 40;
        } else {
            return false;
        }
        key[36] = (byte) proto;
        boolean ports = proto == 6 || proto == 17 || proto == 132;
        if (ports && transport >= 0 && transport + 4 <= cap) {
            for (int i = 0; i < 4; i++) {
                key[32 + i] = (byte) v.u8(transport + i);
            }
        }
        return true;
    }

    private static long le64(byte[] b, int at) {
        long r = 0;
        for (int i = 7; i >= 0; i--) {
            r = (r << 8) | (b[at + i] & 0xff);
        }
        return r;
    }

    private static void putLe64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
