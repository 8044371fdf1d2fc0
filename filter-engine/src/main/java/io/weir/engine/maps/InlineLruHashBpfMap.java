package io.weir.engine.maps;

/**
 * A preallocated {@code lru_hash} map on the open-addressing rows of {@link InlineTable} (values inline, rows
 * that never move, lock-free lookups), with Linux's LRU policy: a new key for a full map evicts an entry instead
 * of failing with {@code -E2BIG}.
 *
 * <p>Order: the entries form one recency list, kept in an {@code int[]} beside the rows (a previous and a next
 * row index per row), changed only under the map's lock. An insert puts its entry at the head; so does an update
 * of an existing key, which also marks it referenced (Linux gives the key a new element with its reference bit
 * set). A program's lookup marks the entry referenced and moves nothing, as Linux's {@code bpf_lru_node_set_ref};
 * a lookup through the Java API does not mark, as Linux's lookup from user space. A new key for a full map takes
 * the tail: a referenced tail gets a second chance (its bit cleared, moved to the head), an unreferenced one is
 * evicted. The entry evicted is thus the least recently inserted or updated among those not looked up since they
 * last passed the tail: Linux's inactive list (unreferenced first) and active list (referenced entries rotated
 * back) in one list. The walk is bounded by the entry count, so lookups that keep marking entries from other
 * threads cannot hold an insert in the loop.
 *
 * <p>The reference bit is bit {@link #REF} of the row's state word, in the line the lookup has just read: the
 * check costs nothing, and a lookup writes only when the bit is not yet set (a compare-and-set from the state it
 * read, so it can never bring back a row the lock holder has just deleted or reused; a lost race only loses a
 * mark, which Linux's {@code WRITE_ONCE} of its bit may lose too). A key marked once costs no more writes until it
 * reaches the tail, so threads that count into the same entries do not share a written line beyond the value.
 *
 * <p>Bytes per entry at max entries: rows as {@link InlineHashBpfMap} plus {@link #LINK_BYTES} per row, all times
 * {@code 4 / 3}: 4-byte key and 8-byte value {@code (16 + 8) * 4 / 3 = 32} (32.2 with the table's bit per row);
 * 8-byte key {@code 42.7}; the flow table's 40-byte key and 80-byte value {@code 181.3} (the chained
 * {@link HashBpfMap} takes 42-46 for the first). {@code BPF_F_NO_COMMON_LRU} is accepted and keeps one list for the map (Linux keeps one per CPU and
 * evicts from the updating CPU's own list: an eviction may then come before the map is full).
 */
final class InlineLruHashBpfMap extends InlineTable {
    /** List bytes per row: a previous and a next row index. */
    static final int LINK_BYTES = 8;
    private static final int NONE = -1;

    /** Row {@code i}'s previous (towards the head) at {@code 2i}, next (towards the tail) at {@code 2i + 1}. */
    private final int[] links;
    private int head = NONE;
    private int tail = NONE;

    InlineLruHashBpfMap(MapSpec spec) {
        super(spec);
        this.links = new int[Math.multiplyExact(2, cap)];
    }

    /** Marks row {@code i} referenced when it is not yet (a compare-and-set from the state read), lock-free. */
    @Override
    long hit(int i) {
        int base = i * rowWords;
        long s = (long) LONGS.get(rows, base);
        if ((s & (LIVE | REF)) == LIVE) {
            LONGS.compareAndSet(rows, base, s, s | REF);
        }
        return pointerTo(i);
    }

    @Override
    boolean makeRoom() {
        int chances = size();
        for (;;) {
            int t = tail;
            int base = t * rowWords;
            if (((long) LONGS.getAcquire(rows, base) & REF) != 0 && chances-- > 0) {
                LONGS.getAndBitwiseAnd(rows, base, ~REF);
                unlink(t);
                pushFront(t);
                continue;
            }
            remove(t);
            return true;
        }
    }

    @Override
    void placed(int i, boolean fresh) {
        if (!fresh) {
            unlink(i);
            LONGS.getAndBitwiseOr(rows, i * rowWords, REF);
        }
        pushFront(i);
    }

    @Override
    void removed(int i) {
        unlink(i);
    }

    @Override
    void cleared() {
        head = tail = NONE;
    }

    private void pushFront(int i) {
        links[2 * i] = NONE;
        links[2 * i + 1] = head;
        if (head != NONE) {
            links[2 * head] = i;
        } else {
            tail = i;
        }
        head = i;
    }

    private void unlink(int i) {
        int p = links[2 * i];
        int n = links[2 * i + 1];
        if (p != NONE) {
            links[2 * p + 1] = n;
        } else {
            head = n;
        }
        if (n != NONE) {
            links[2 * n] = p;
        } else {
            tail = p;
        }
    }
}
