package io.weir.engine.ebpf;

import java.util.Arrays;

/**
 * The process-wide table of {@link ExternalRegion}s by region id. Registration and removal are rare (a map is
 * created or closed) and synchronized; lookups, on every access a program makes to a map value, read a
 * volatile array without locking.
 */
public final class ExternalRegions {
    private static volatile ExternalRegion[] table = new ExternalRegion[16];

    private ExternalRegions() {}

    /** Registers {@code region} and returns its id (at least {@link MemoryModel#FIRST_MAP_REGION}). */
    public static synchronized int register(ExternalRegion region) {
        ExternalRegion[] t = table;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == null) {
                ExternalRegion[] copy = t.clone();
                copy[i] = region;
                table = copy;
                return MemoryModel.FIRST_MAP_REGION + i;
            }
        }
        ExternalRegion[] copy = Arrays.copyOf(t, t.length * 2);
        copy[t.length] = region;
        table = copy;
        return MemoryModel.FIRST_MAP_REGION + t.length;
    }

    /** Removes the region with this id (a no-op when there is none). */
    public static synchronized void unregister(int id) {
        int i = id - MemoryModel.FIRST_MAP_REGION;
        ExternalRegion[] t = table;
        if (i >= 0 && i < t.length && t[i] != null) {
            ExternalRegion[] copy = t.clone();
            copy[i] = null;
            table = copy;
        }
    }

    /** The region with this id, or null. */
    public static ExternalRegion get(int id) {
        int i = id - MemoryModel.FIRST_MAP_REGION;
        ExternalRegion[] t = table;
        return i >= 0 && i < t.length ? t[i] : null;
    }
}
