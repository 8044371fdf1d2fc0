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
    private byte[] keys;
    private long[] times;
    private int head;
    private int size;

    EvictionQueue(int keySize) {
        this.keySize = keySize;
        this.keys = new byte[INITIAL * keySize];
        this.times = new long[INITIAL];
    }

    /** Flows queued. */
    int size() {
        return size;
    }

    /** Queues the key at {@code key[0, keySize)} with the flow's last-packet time. */
    void add(byte[] key, long lastNanos) {
        if (size == times.length) {
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

    /** Doubles the ring, unrolled so that the oldest flow is first again. */
    private void grow() {
        int n = times.length;
        byte[] k = new byte[2 * n * keySize];
        long[] t = new long[2 * n];
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
