package io.weir.engine.maps;

import java.util.Objects;

/**
 * The blueprint of a map: name, type, key and value sizes, maximum entries and flags, as in a
 * {@code BPF_MAP_CREATE} call or a map definition of an ELF object, plus what BTF says about the key and value
 * (integers are shown as numbers, anything else as hex). {@link #create()} checks it as Linux does and makes the
 * live {@link BpfMap}; the spec itself holds no memory.
 *
 * @param name       the map's name (for messages and output)
 * @param type       the map type
 * @param keySize    key size in bytes (0 for a ring buffer)
 * @param valueSize  value size in bytes (0 for a ring buffer)
 * @param maxEntries the capacity (for a ring buffer: its size in bytes, a power of 2 multiple of 4096)
 * @param flags      {@code BPF_F_*} flags
 * @param keyKind    what the key is, for display
 * @param valueKind  what the value is, for display
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
        Kind keyKind, Kind valueKind) {

    /** How a key or value is displayed: an integer (little-endian) or bytes in hex. */
    public enum Kind {
        /** An unsigned integer of the key's or value's size (1, 2, 4 or 8 bytes). */
        UNSIGNED,
        /** A signed integer of the key's or value's size. */
        SIGNED,
        /** Anything else: shown as hex bytes. */
        BYTES
    }

    /** {@code BPF_F_NO_PREALLOC}. */
    public static final int F_NO_PREALLOC = 1;
    /** {@code BPF_F_NO_COMMON_LRU}. */
    public static final int F_NO_COMMON_LRU = 2;
    /** {@code BPF_F_NUMA_NODE}. */
    public static final int F_NUMA_NODE = 4;
    /** {@code BPF_F_RDONLY}. */
    public static final int F_RDONLY = 8;
    /** {@code BPF_F_WRONLY}. */
    public static final int F_WRONLY = 16;
    /** {@code BPF_F_ZERO_SEED}. */
    public static final int F_ZERO_SEED = 64;
    /** {@code BPF_F_RDONLY_PROG}. */
    public static final int F_RDONLY_PROG = 128;
    /** {@code BPF_F_WRONLY_PROG}. */
    public static final int F_WRONLY_PROG = 256;
    /** {@code BPF_F_MMAPABLE}. */
    public static final int F_MMAPABLE = 1024;

    /** The kernel's {@code MAX_BPF_STACK}: the largest hash key. */
    public static final int MAX_KEY_SIZE = 512;
    /** The kernel's {@code PCPU_MIN_UNIT_SIZE}: the largest per-CPU value. */
    public static final int MAX_PERCPU_VALUE_SIZE = 32768;
    /** The largest value Weir accepts (the kernel's {@code KMALLOC_MAX_SIZE} on x86-64 is 4 MiB). */
    public static final int MAX_VALUE_SIZE = 1 << 22;

    private static final int HASH_FLAGS = F_NO_PREALLOC | F_NO_COMMON_LRU | F_NUMA_NODE | F_RDONLY | F_WRONLY
            | F_ZERO_SEED | F_RDONLY_PROG | F_WRONLY_PROG;
    private static final int ARRAY_FLAGS = F_NUMA_NODE | F_RDONLY | F_WRONLY | F_MMAPABLE | F_RDONLY_PROG
            | F_WRONLY_PROG;

    /** A spec; nothing is checked until {@link #validate()} or {@link #create()}. */
    public MapSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        keyKind = keyKind == null ? Kind.BYTES : keyKind;
        valueKind = valueKind == null ? Kind.BYTES : valueKind;
    }

    /** A spec with no BTF information (keys and values shown as numbers when 1, 2, 4 or 8 bytes long). */
    public MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
        this(name, type, keySize, valueSize, maxEntries, flags, defaultKind(keySize), defaultKind(valueSize));
    }

    private static Kind defaultKind(int size) {
        return size == 1 || size == 2 || size == 4 || size == 8 ? Kind.UNSIGNED : Kind.BYTES;
    }

    /**
     * Checks the spec as Linux's {@code map_alloc_check} functions do.
     *
     * @throws MapException with EINVAL or E2BIG, naming the map and the field
     */
    public void validate() {
        if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
            throw error(Errno.EINVAL, "negative size");
        }
        switch (type) {
            case HASH, PERCPU_HASH, LRU_HASH -> {
                if (keySize == 0 || valueSize == 0 || maxEntries == 0) {
                    throw error(Errno.EINVAL, "key_size, value_size and max_entries must be non-zero");
                }
                if ((flags & ~HASH_FLAGS) != 0) {
                    throw error(Errno.EINVAL, String.format("unsupported flags 0x%x", flags & ~HASH_FLAGS));
                }
                if (type == MapType.LRU_HASH && (flags & F_NO_PREALLOC) != 0) {
                    throw error(Errno.EINVAL, "an LRU map is always preallocated (BPF_F_NO_PREALLOC)");
                }
                if (type != MapType.LRU_HASH && (flags & F_NO_COMMON_LRU) != 0) {
                    throw error(Errno.EINVAL, "BPF_F_NO_COMMON_LRU on a map that is not an LRU map");
                }
                if (keySize > MAX_KEY_SIZE) {
                    throw error(Errno.E2BIG, "key_size " + keySize + " above " + MAX_KEY_SIZE);
                }
            }
            case ARRAY, PERCPU_ARRAY -> {
                if (keySize != 4) {
                    throw error(Errno.EINVAL, "key_size must be 4 for an array, is " + keySize);
                }
                if (valueSize == 0 || maxEntries == 0) {
                    throw error(Errno.EINVAL, "value_size and max_entries must be non-zero");
                }
                if ((flags & ~ARRAY_FLAGS) != 0) {
                    throw error(Errno.EINVAL, String.format("unsupported flags 0x%x", flags & ~ARRAY_FLAGS));
                }
            }
            case RINGBUF -> {
                if (keySize != 0 || valueSize != 0) {
                    throw error(Errno.EINVAL, "key_size and value_size must be 0 for a ring buffer");
                }
                if (maxEntries < 4096 || Integer.bitCount(maxEntries) != 1) {
                    throw error(Errno.EINVAL, "max_entries " + maxEntries
                            + " must be a power of 2 and a multiple of the page size (4096)");
                }
                if ((flags & ~F_NUMA_NODE) != 0) {
                    throw error(Errno.EINVAL, String.format("unsupported flags 0x%x", flags & ~F_NUMA_NODE));
                }
                return;
            }
            default -> throw error(Errno.EINVAL, "unsupported map type");
        }
        if (type.isPerCpu() && valueSize > MAX_PERCPU_VALUE_SIZE) {
            throw error(Errno.E2BIG, "value_size " + valueSize + " above " + MAX_PERCPU_VALUE_SIZE);
        }
        if (valueSize > MAX_VALUE_SIZE) {
            throw error(Errno.E2BIG, "value_size " + valueSize + " above " + MAX_VALUE_SIZE);
        }
    }

    /**
     * The heap bytes the map made from this spec takes when full, with {@code cpus} value slots per entry for
     * per-CPU types (values are 8-byte aligned: {@code V = (value_size + 7) & ~7}, {@code K} likewise):
     * <ul>
     *   <li>{@code array}, {@code percpu_array}: {@code V * cpus} per entry, all allocated at creation;</li>
     *   <li>{@code hash} without {@code BPF_F_NO_PREALLOC}, up to {@link InlineTable#MAX_BYTES}: its rows and a
     *       bit per row, {@code (8 + K + V) * 4 / 3} per entry, {@code K = 0} for a key of at most 4 bytes (21.5
     *       for a 4-byte key and 8-byte value, 32.2 for an 8-byte key), all at creation;</li>
     *   <li>{@code lru_hash} up to the same ceiling: {@code (16 + K + V) * 4 / 3} (rows and list links; 32.2 for a
     *       4-byte key and 8-byte value), all at creation;</li>
     *   <li>{@code percpu_hash} up to the same ceiling: {@code (8 + K + V * cpus) * 4 / 3} (rows and one value
     *       plane per slot; 32.2 for a 4-byte key and 8-byte value on 2 slots), all at creation;</li>
     *   <li>other {@code hash}, {@code percpu_hash}: {@code K + V * cpus + 13} per entry (hash, chain link, free list,
     *       live flag) plus 4 per bucket (a power of two at least max entries), 4-byte key and 8-byte value:
     *       33 to 37 bytes per entry;</li>
     *   <li>a larger {@code lru_hash}: 9 more per entry (two list links and a reference bit);</li>
     *   <li>{@code ringbuf}: its {@code max_entries} bytes.</li>
     * </ul>
     * Hash tables grow to this in steps as entries are added (see {@link HashBpfMap}); this is their ceiling.
     */
    public long memoryBytes(int cpus) {
        long v = (valueSize + 7L) & ~7L;
        long k = (keySize + 7L) & ~7L;
        long n = Math.max(0, maxEntries);
        long inline = InlineTable.tableBytes(this, cpus);
        if (inline >= 0) {
            return inline;
        }
        return switch (type) {
            case ARRAY, PERCPU_ARRAY -> n * v * (type.isPerCpu() ? cpus : 1);
            case HASH, PERCPU_HASH, LRU_HASH -> n * (k + v * (type.isPerCpu() ? cpus : 1) + 13
                    + (type == MapType.LRU_HASH ? 9 : 0)) + 4L * bucketCount(maxEntries);
            case RINGBUF -> n;
        };
    }

    /** The bucket count of a hash table of {@code max} entries: a power of two, at least 2 and at least max. */
    static long bucketCount(int max) {
        return Math.max(2L, Long.highestOneBit(Math.max(1L, max - 1L)) << 1);
    }

    /** Validates this spec and makes the map with {@link CpuSlots#count()} value slots when per-CPU. */
    public BpfMap create() {
        return create(CpuSlots.count());
    }

    /**
     * Validates this spec and makes the map; per-CPU types keep {@code cpus} values per entry. A {@code hash},
     * {@code lru_hash} or {@code percpu_hash} map whose preallocated table takes at most
     * {@link InlineTable#MAX_BYTES} (64 MiB: 3.1M entries of a 4-byte key and 8-byte value for a hash, 2.1M for an
     * LRU or a per-CPU map on 2 slots) and that is not
     * {@code BPF_F_NO_PREALLOC} is made with open addressing and its values inline ({@link InlineHashBpfMap},
     * {@link InlineLruHashBpfMap}; {@link InlinePerCpuHashBpfMap} keeps them in per-slot planes beside the rows);
     * other hash kinds are chained and grow as they fill ({@link HashBpfMap}).
     */
    public BpfMap create(int cpus) {
        validate();
        return switch (type) {
            case HASH, PERCPU_HASH, LRU_HASH -> InlineTable.tableBytes(this, cpus) < 0
                    ? new HashBpfMap(this, type.isPerCpu() ? cpus : 1)
                    : type == MapType.LRU_HASH ? new InlineLruHashBpfMap(this)
                    : type == MapType.PERCPU_HASH ? new InlinePerCpuHashBpfMap(this, cpus) : new InlineHashBpfMap(this);
            case ARRAY, PERCPU_ARRAY -> new ArrayBpfMap(this, type.isPerCpu() ? cpus : 1);
            case RINGBUF -> new RingBuffer(this);
        };
    }

    /** This spec with another name. */
    public MapSpec withName(String newName) {
        return new MapSpec(newName, type, keySize, valueSize, maxEntries, flags, keyKind, valueKind);
    }

    MapException error(int errno, String what) {
        return new MapException(errno, "map '" + name + "' (" + type.label() + "): " + what + " ("
                + Errno.name(errno) + ")");
    }
}
