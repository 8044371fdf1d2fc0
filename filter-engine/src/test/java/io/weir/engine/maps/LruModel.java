package io.weir.engine.maps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LRU policy of {@code lru_hash} in plain Java, written apart from the maps for the tests to compare against:
 * a recency list (most recent last), a reference set and the values. Insert: most recent, unreferenced. Update of
 * an existing key: most recent, referenced. Program lookup: referenced. Full: the least recent entry is evicted
 * unless referenced, which is unmarked and made most recent instead.
 */
final class LruModel {
    private final int max;
    private final List<Long> order = new ArrayList<>();
    private final Set<Long> referenced = new HashSet<>();
    private final Map<Long, Long> values = new HashMap<>();

    LruModel(int max) {
        this.max = max;
    }

    /** {@code bpf_map_update_elem}: 0 or a negative errno. */
    int update(long key, long value, long flags) {
        boolean exists = values.containsKey(key);
        if (exists && flags == BpfMap.BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        if (!exists && flags == BpfMap.BPF_EXIST) {
            return -Errno.ENOENT;
        }
        if (exists) {
            order.remove(Long.valueOf(key)); // the element, not an index
            referenced.add(key);
        } else if (values.size() >= max) {
            evict();
        }
        order.add(key);
        values.put(key, value);
        return 0;
    }

    private void evict() {
        for (;;) {
            Long tail = order.get(0);
            order.remove(0);
            if (referenced.remove(tail)) {
                order.add(tail);
            } else {
                values.remove(tail);
                return;
            }
        }
    }

    /** A program's lookup: marks the key. */
    boolean touch(long key) {
        if (values.containsKey(key)) {
            referenced.add(key);
            return true;
        }
        return false;
    }

    /** A lookup through the Java API: the value or null, nothing marked. */
    Long get(long key) {
        return values.get(key);
    }

    int delete(long key) {
        if (values.remove(key) == null) {
            return -Errno.ENOENT;
        }
        order.remove(Long.valueOf(key)); // the element, not an index
        referenced.remove(key);
        return 0;
    }

    Map<Long, Long> contents() {
        return values;
    }
}
