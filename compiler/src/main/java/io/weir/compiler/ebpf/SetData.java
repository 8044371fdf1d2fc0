package io.weir.compiler.ebpf;

import io.weir.compiler.lower.SetLookup;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;

/**
 * The contents of one set map as plain data: its name, its key size and its keys laid end to end (each
 * {@link SetLookup#key(int)}'s layout). This is what a compiled filter ships to another JVM (a Spark executor)
 * and what {@link CompiledFilter#createMaps()} fills the hash maps from; it holds no live map.
 */
final class SetData {
    /** Bytes of a map value: the maps are sets, the value is never read. */
    static final int VALUE_SIZE = 1;

    private final String name;
    private final int keySize;
    private final int count;
    private final byte[] keys;

    SetData(String name, int keySize, int count, byte[] keys) {
        if (keySize <= 0 || keySize > MapSpec.MAX_KEY_SIZE || count < 0 || (long) keySize * count != keys.length) {
            throw new IllegalArgumentException("set map '" + name + "': " + count + " keys of " + keySize
                    + " bytes do not fill " + keys.length + " bytes");
        }
        this.name = name;
        this.keySize = keySize;
        this.count = count;
        this.keys = keys;
    }

    /** The data of table {@code t}, which becomes map fd {@code fd}. */
    static SetData of(SetLookup t, int fd) {
        int ks = t.keySize();
        byte[] keys = new byte[t.size() * ks];
        for (int i = 0; i < t.size(); i++) {
            System.arraycopy(t.key(i), 0, keys, i * ks, ks);
        }
        return new SetData("set" + fd + "_" + t.kind().name().toLowerCase(java.util.Locale.ROOT), ks, t.size(), keys);
    }

    String name() {
        return name;
    }

    int keySize() {
        return keySize;
    }

    int count() {
        return count;
    }

    /** The keys end to end (not copied: callers only read). */
    byte[] keys() {
        return keys;
    }

    /** The map's blueprint: a hash map from key to a one-byte value, sized for the keys. */
    MapSpec spec() {
        return new MapSpec(name, MapType.HASH, keySize, VALUE_SIZE, Math.max(1, count), 0);
    }

    /** Creates the map and puts every key in it; the map is closed again if a key does not go in. */
    BpfMap create() {
        BpfMap m = spec().create();
        byte[] one = {1};
        byte[] key = new byte[keySize];
        try {
            for (int i = 0; i < count; i++) {
                System.arraycopy(keys, i * keySize, key, 0, keySize);
                int r = m.update(key, one, BpfMap.BPF_ANY);
                if (r != 0) {
                    throw new IllegalStateException("map " + m.name() + ": update failed (" + r + ")");
                }
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }
}
