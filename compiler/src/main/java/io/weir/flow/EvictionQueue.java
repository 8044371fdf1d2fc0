package io.weir.flow;

/**
 * The flows of one map in the order they were made, for eviction in O(1) amortised: a ring of raw keys, each
 * with the flow's last-packet time when it was queued. Eviction is the CLOCK (second chance) approximation of
 * "the flow idle longest": the oldest queued flow goes unless a packet came since it was queued, in which case
 * it is queued again with its new time. A flow is queued again only after a packet touched it, so the work
 * over a whole run is at most one step per packet plus one per flow, and no eviction walks the map.
 *
 * <p>Storage grows by doubling (a run of few flows takes little) up to the map's bound: 48 bytes a flow (the
 * 40-byte key and an 8-byte time). One thread: the counting one.
 */
final class EvictionQueue {
    private static final int INITIAL = 1024;

    private final int keySize;
    private final int bound;
    private byte[] keys;
    private long[] times;
    private int head;
    private int size;

    /** A queue of keys of {@code keySize} bytes that grows up to {@code bound} flows (then grows no more). */
    EvictionQueue(int keySize, int bound) {
        this.keySize = keySize;
        this.bound = bound;
        int n = Math.min(INITIAL, bound);
        this.keys = new byte[n * keySize];
        this.times = new long[n];
    }

    /** Flows queued. */
    int size() {
        return size;
    }

    /** Queues the key at {@code key[0, keySize)} with the flow's last-packet time. */
    void add(byte[] key, long lastNanos) {
        if (size == times.length) {
            if (size >= bound) {
                throw new IllegalStateException("eviction queue above its bound of " + bound + " flows");
            }
            grow();
        }
        int at = (head + size) % times.length;
        System.arraycopy(key, 0, keys, at * keySize, keySize);
        times[at] = lastNanos;
        size++;
    }

    /** Removes the oldest flow: its key into {@code key}, and returns the time it was queued with. */
    long poll(byte[] key) {
        if (size == 0) {
            throw new IllegalStateException("eviction queue is empty");
        }
        System.arraycopy(keys, head * keySize, key, 0, keySize);
        long t = times[head];
        head = (head + 1) % times.length;
        size--;
        return t;
    }

    /** Doubles the ring (at most to the bound), unrolled so that the oldest flow is first again. */
    private void grow() {
        int n = times.length;
        int m = (int) Math.min(bound, 2L * n);
        byte[] k = new byte[m * keySize];
        long[] t = new long[m];
        int firstPart = n - head;
        System.arraycopy(keys, head * keySize, k, 0, firstPart * keySize);
        System.arraycopy(keys, 0, k, firstPart * keySize, head * keySize);
        System.arraycopy(times, head, t, 0, firstPart);
        System.arraycopy(times, 0, t, firstPart, head);
        keys = k;
        times = t;
        head = 0;
    }
}
