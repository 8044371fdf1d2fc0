package io.weir.engine.maps;

/**
 * The map types Weir implements, with their Linux {@code enum bpf_map_type} numbers (as found in a legacy
 * {@code maps} section or a BTF map definition's {@code type} field).
 */
public enum MapType {
    /** {@code BPF_MAP_TYPE_HASH}. */
    HASH(1, "hash"),
    /** {@code BPF_MAP_TYPE_ARRAY}. */
    ARRAY(2, "array"),
    /** {@code BPF_MAP_TYPE_PERCPU_HASH}: one value per worker slot, summed when read. */
    PERCPU_HASH(5, "percpu_hash"),
    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY}. */
    PERCPU_ARRAY(6, "percpu_array"),
    /** {@code BPF_MAP_TYPE_LRU_HASH}: a full map evicts its least recently used entry. */
    LRU_HASH(9, "lru_hash"),
    /** {@code BPF_MAP_TYPE_RINGBUF}: records from the program to Java, in order. */
    RINGBUF(27, "ringbuf");

    private final int code;
    private final String label;

    MapType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The Linux map type number. */
    public int code() {
        return code;
    }

    /** The name printed by the CLI ({@code hash}, {@code lru_hash}...). */
    public String label() {
        return label;
    }

    /** Whether values are kept per worker slot. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY;
    }

    /** Whether this is a hash table (HASH, PERCPU_HASH, LRU_HASH). */
    public boolean isHash() {
        return this == HASH || this == PERCPU_HASH || this == LRU_HASH;
    }

    /** Whether this is an array (ARRAY, PERCPU_ARRAY). */
    public boolean isArray() {
        return this == ARRAY || this == PERCPU_ARRAY;
    }

    /** The type with Linux number {@code code}, or null when Weir does not implement it. */
    public static MapType fromCode(int code) {
        for (MapType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
