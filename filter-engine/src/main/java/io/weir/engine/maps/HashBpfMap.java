package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.MemoryModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code hash}, {@code percpu_hash} and {@code lru_hash}: a chained hash table in flat arrays, as Linux's
 * {@code htab}. Entry {@code i} owns key words {@code keys[i*kw ..]}, value slot(s) {@code i*cpus ..} of a
 * {@link ValueStore}, its hash, its chain link and (LRU) its list links; buckets hold the first entry of their
 * chain. Nothing is allocated per lookup.
 *
 * <p>Growth: the buckets (a power of two at least max entries) are allocated at creation; the entries start at
 * {@link #INITIAL_ENTRIES} (or max entries when fewer) and double, under the map's lock, when an insert finds no
 * free entry, up to max entries; only then is the map full ({@code -E2BIG}, or an eviction for LRU). Entry
 * arrays are copied when they grow (readers that still hold the old ones see a consistent older table, whose
 * chains end as the "nulls" markers below say); value chunks are only added, never moved, so value pointers and
 * atomic adds stay exact during a growth. An empty map of a million entries takes its buckets (4 MiB) and a few
 * KiB, not the 37 MiB it takes full.
 *
 * <p>Bytes per entry when full (8-byte aligned key and value rounded up: {@code K}, {@code V}): {@code K +
 * V*cpus + 4 (hash) + 4 (chain) + 4 (free stack) + 1 (live) + 4..8 (buckets)}; LRU adds 9 (two list links, a
 * reference bit). A 4-byte key with an 8-byte value takes 33 to 37 bytes ({@link MapSpec#memoryBytes}).
 *
 * <p>Concurrency: updates and deletes take the map's lock; lookups take none. Chains end in a "nulls" marker,
 * {@code ~bucket}: a lookup that walked onto an entry deleted and reused in another bucket ends on a foreign
 * marker and restarts, so a concurrent delete never makes it miss a key that stays in the map (as Linux's
 * {@code hlist_nulls}). As with Linux's preallocated maps, a value pointer taken before a delete points into an
 * entry that may be reused by another key. An update of an existing key copies the value in place: concurrent
 * readers may see a value half old, half new (only atomic adds on the value are exact under contention).
 *
 * <p>LRU order: an update puts its entry at the head of the list; a lookup sets the entry's reference bit. A
 * full map evicts from the tail, giving a referenced entry a second chance (clear the bit, move to the head), as
 * Linux's LRU does with its active/inactive lists: the entry evicted is the least recently updated one among
 * those not looked up since their last pass through the tail.
 */
final class HashBpfMap extends BpfMap {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    /** Entries allocated at creation (all of them when max entries is smaller). */
    static final int INITIAL_ENTRIES = 1024;

    private final int max;
    private final int keySize;
    private final int keyWords;
    private final boolean lru;
    private final int seed;
    private final ValueStore values;
    private final int[] buckets;
    private final int mask;
    // Entry arrays of cap entries, replaced (grown) under the lock before the entries they add are published.
    private int cap;
    private long[] keys;
    private int[] hashes;
    private int[] next;
    private byte[] live;
    private int[] free;
    private int freeTop;
    private volatile int count;
    // LRU list: head is the most recent; -1 ends it.
    private int[] lruPrev;
    private int[] lruNext;
    private byte[] referenced;
    private int lruHead = -1;
    private int lruTail = -1;

    HashBpfMap(MapSpec spec, int cpus) {
        super(spec, cpus);
        this.max = spec.maxEntries();
        this.keySize = spec.keySize();
        this.keyWords = (keySize + 7) >>> 3;
        this.lru = spec.type() == MapType.LRU_HASH;
        this.seed = (spec.flags() & MapSpec.F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextInt();
        long slots = (long) max * cpus;
        if (slots > Integer.MAX_VALUE - 8 || !ValueStore.fits((int) slots, spec.valueSize())
                || max > (1 << 30)) {
            throw spec.error(Errno.E2BIG, "values need " + slots * ((spec.valueSize() + 7) & ~7)
                    + " bytes, above the 2 GiB of a region");
        }
        this.cap = Math.min(max, INITIAL_ENTRIES);
        this.values = new ValueStore(max * cpus, spec.valueSize(), cap * cpus);
        this.keys = new long[Math.multiplyExact(cap, keyWords)];
        this.hashes = new int[cap];
        this.next = new int[cap];
        this.live = new byte[cap];
        int nb = (int) MapSpec.bucketCount(max);
        this.buckets = new int[nb];
        this.mask = nb - 1;
        this.free = new int[cap];
        this.lruPrev = lru ? new int[cap] : null;
        this.lruNext = lru ? new int[cap] : null;
        this.referenced = lru ? new byte[cap] : null;
        reset();
    }

    private void reset() {
        for (int b = 0; b < buckets.length; b++) {
            buckets[b] = ~b;
        }
        for (int i = 0; i < cap; i++) {
            free[i] = cap - 1 - i;
        }
        freeTop = cap;
        count = 0;
        lruHead = lruTail = -1;
        Arrays.fill(live, (byte) 0);
    }

    /** Doubles the entries (up to max), the new ones free; lock held. False when already at max. */
    private boolean grow() {
        if (cap >= max) {
            return false;
        }
        int n = (int) Math.min(max, 2L * cap);
        values.grow(n * cpus);
        keys = Arrays.copyOf(keys, Math.multiplyExact(n, keyWords));
        hashes = Arrays.copyOf(hashes, n);
        int[] nx = Arrays.copyOf(next, n);
        next = nx;
        live = Arrays.copyOf(live, n);
        if (lru) {
            lruPrev = Arrays.copyOf(lruPrev, n);
            lruNext = Arrays.copyOf(lruNext, n);
            referenced = Arrays.copyOf(referenced, n);
        }
        int[] f = Arrays.copyOf(free, n);
        for (int i = n - 1; i >= cap; i--) {
            f[freeTop++] = i;
        }
        free = f;
        cap = n;
        return true;
    }

    // ------------------------------------------------------------------ the table

    private int hash(long[] k) {
        long h = seed;
        for (int w = 0; w < keyWords; w++) {
            h = (h ^ k[w]) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        h ^= h >>> 32;
        return (int) h;
    }

    private boolean keyEquals(int i, long[] k) {
        int base = i * keyWords;
        for (int w = 0; w < keyWords; w++) {
            if (keys[base + w] != k[w]) {
                return false;
            }
        }
        return true;
    }

    /** The entry holding key {@code k} with hash {@code h}, or -1; lock-free. */
    private int find(long[] k, int h) {
        int b = h & mask;
        for (;;) {
            int i = (int) INTS.getAcquire(buckets, b);
            int steps = 0;
            while (i >= 0 && steps++ <= max) {
                if (hashes[i] == h && keyEquals(i, k)) {
                    return i;
                }
                i = (int) INTS.getAcquire(next, i);
            }
            if (i == ~b) {
                return -1;
            }
            // Walked off into another chain (an entry was deleted and reused): start over.
            Thread.onSpinWait();
        }
    }

    /** Inserts a new entry (lock held); returns it, or -1 when full and not LRU. */
    private int insert(long[] k, int h) {
        if (freeTop == 0 && !grow()) {
            if (!lru) {
                return -1;
            }
            evictOne();
        }
        int i = free[--freeTop];
        System.arraycopy(k, 0, keys, i * keyWords, keyWords);
        hashes[i] = h;
        live[i] = 1;
        int b = h & mask;
        next[i] = buckets[b];
        INTS.setRelease(buckets, b, i);
        count++;
        if (lru) {
            referenced[i] = 0;
            pushFront(i);
        }
        return i;
    }

    /** Unlinks entry {@code i} (lock held). */
    private void remove(int i) {
        int b = hashes[i] & mask;
        int cur = buckets[b];
        if (cur == i) {
            INTS.setRelease(buckets, b, next[i]);
        } else {
            while (cur >= 0 && next[cur] != i) {
                cur = next[cur];
            }
            if (cur >= 0) {
                INTS.setRelease(next, cur, next[i]);
            }
        }
        // next[i] is left as is: a reader standing on i still finds the rest of the chain.
        live[i] = 0;
        free[freeTop++] = i;
        count--;
        if (lru) {
            unlinkLru(i);
        }
    }

    private void pushFront(int i) {
        lruPrev[i] = -1;
        lruNext[i] = lruHead;
        if (lruHead >= 0) {
            lruPrev[lruHead] = i;
        }
        lruHead = i;
        if (lruTail < 0) {
            lruTail = i;
        }
    }

    private void unlinkLru(int i) {
        int p = lruPrev[i];
        int n = lruNext[i];
        if (p >= 0) {
            lruNext[p] = n;
        } else {
            lruHead = n;
        }
        if (n >= 0) {
            lruPrev[n] = p;
        } else {
            lruTail = p;
        }
    }

    private void evictOne() {
        for (;;) {
            int t = lruTail;
            if (referenced[t] != 0) {
                referenced[t] = 0;
                unlinkLru(t);
                pushFront(t);
                continue;
            }
            remove(t);
            return;
        }
    }

    private int slotOf(int entry) {
        return entry * cpus + (cpus == 1 ? 0 : CpuSlots.current());
    }

    // ------------------------------------------------------------------ program side

    /** Hash of a key of at most 8 bytes held in one word: the same value {@link #hash(long[])} gives. */
    private int hash1(long k0) {
        long h = (seed ^ k0) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h ^= h >>> 32;
        return (int) h;
    }

    /** {@link #find} for keys of at most 8 bytes, without the key scratch. */
    private int find1(long k0, int h) {
        int b = h & mask;
        for (;;) {
            int i = (int) INTS.getAcquire(buckets, b);
            int steps = 0;
            while (i >= 0 && steps++ <= max) {
                if (hashes[i] == h && keys[i] == k0) {
                    return i;
                }
                i = (int) INTS.getAcquire(next, i);
            }
            if (i == ~b) {
                return -1;
            }
            Thread.onSpinWait();
        }
    }

    private static long readKey1(EbpfMemory m, long addr, int size) {
        switch (size) {
            case 1: case 2: case 4: case 8:
                return m.load(addr, size);
            default:
                long v = 0;
                for (int i = 0; i < size; i++) {
                    v |= m.load(addr + i, 1) << (i << 3);
                }
                return v;
        }
    }

    @Override
    public long lookupPointer(EbpfMemory memory, long keyAddr) {
        if (keyWords == 1) {
            return lookupWord(readKey1(memory, keyAddr, keySize));
        }
        long[] k = readKey(memory, keyAddr, keySize);
        return pointerTo(find(k, hash(k)));
    }

    @Override
    public boolean wordKeyed() {
        return keySize == 1 || keySize == 2 || keySize == 4 || keySize == 8;
    }

    @Override
    public long lookupWord(long key) {
        return pointerTo(find1(key, hash1(key)));
    }

    /** The value pointer of entry {@code i} for this thread's slot (marking it referenced), or 0 when i < 0. */
    private long pointerTo(int i) {
        if (i < 0) {
            return 0;
        }
        if (lru && referenced[i] == 0) {
            referenced[i] = 1;
        }
        return MemoryModel.pointer(region, values.offset(slotOf(i)));
    }

    @Override
    public long updateFrom(EbpfMemory memory, long keyAddr, long valueAddr, long flags) {
        if (flags < 0 || flags > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        long[] k = readKey(memory, keyAddr, keySize);
        int h = hash(k);
        synchronized (this) {
            int i = find(k, h);
            if (i >= 0) {
                if (flags == BPF_NOEXIST) {
                    return -Errno.EEXIST;
                }
                if (lru) {
                    unlinkLru(i);
                    pushFront(i);
                }
                values.copyIn(slotOf(i), memory, valueAddr);
                return 0;
            }
            if (flags == BPF_EXIST) {
                return -Errno.ENOENT;
            }
            i = insert(k, h);
            if (i < 0) {
                return -Errno.E2BIG;
            }
            int first = i * cpus;
            for (int c = 0; c < cpus; c++) {
                values.zero(first + c);
            }
            values.copyIn(slotOf(i), memory, valueAddr);
            return 0;
        }
    }

    @Override
    public long deleteFrom(EbpfMemory memory, long keyAddr) {
        return deleteKey(readKey(memory, keyAddr, keySize));
    }

    // ------------------------------------------------------------------ Java API

    @Override
    public boolean lookup(byte[] key, byte[] value) {
        long[] k = readKey(key);
        int i = find(k, hash(k));
        if (i < 0) {
            return false;
        }
        sumValue(values, i * cpus, cpus, value);
        return true;
    }

    @Override
    public boolean lookupPerCpu(byte[] key, byte[] out) {
        long[] k = readKey(key);
        int i = find(k, hash(k));
        if (i < 0) {
            return false;
        }
        for (int c = 0; c < cpus; c++) {
            values.copyOut(i * cpus + c, out, c * values.valueSize);
        }
        return true;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        checkValue(value);
        if (flags < 0 || flags > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        long[] k = readKey(key);
        int h = hash(k);
        synchronized (this) {
            int i = find(k, h);
            if (i >= 0) {
                if (flags == BPF_NOEXIST) {
                    return -Errno.EEXIST;
                }
                if (lru) {
                    unlinkLru(i);
                    pushFront(i);
                }
            } else {
                if (flags == BPF_EXIST) {
                    return -Errno.ENOENT;
                }
                i = insert(k, h);
                if (i < 0) {
                    return -Errno.E2BIG;
                }
            }
            putValue(values, i * cpus, cpus, value);
            return 0;
        }
    }

    @Override
    public int delete(byte[] key) {
        return deleteKey(readKey(key));
    }

    /** Deletes a key read by either API (the program's helper or Java): 0, or -ENOENT when absent. */
    private int deleteKey(long[] k) {
        int h = hash(k);
        synchronized (this) {
            int i = find(k, h);
            if (i < 0) {
                return -Errno.ENOENT;
            }
            remove(i);
            return 0;
        }
    }

    @Override
    public synchronized int nextKey(byte[] key, byte[] out) {
        int from;
        if (key == null) {
            from = -1;
        } else {
            long[] k = readKey(key);
            from = find(k, hash(k));
        }
        int i;
        int b;
        if (from >= 0) {
            i = next[from];
            b = hashes[from] & mask;
        } else {
            i = -1;
            b = -1;
        }
        while (i < 0) {
            if (++b >= buckets.length) {
                return -Errno.ENOENT;
            }
            i = buckets[b];
        }
        int base = i * keyWords;
        for (int j = 0; j < keySize; j++) {
            out[j] = (byte) (keys[base + (j >>> 3)] >>> ((j & 7) << 3));
        }
        return 0;
    }

    @Override
    public synchronized void clear() {
        reset();
        values.zeroAll();
    }

    @Override
    public int size() {
        return count;
    }

    /** The entries allocated so far (tests). */
    synchronized int capacity() {
        return cap;
    }

    // ------------------------------------------------------------------ region

    @Override
    public long load(int offset, int size) {
        values.check(offset, size, "read", spec.name());
        return values.load(offset, size);
    }

    @Override
    public void store(int offset, int size, long value) {
        values.check(offset, size, "write", spec.name());
        values.store(offset, size, value);
    }

    @Override
    public long atomic(int offset, int size, int op, long value, long expected) {
        values.check(offset, size, "atomic access", spec.name());
        return values.atomic(offset, size, op, value, expected, spec.name());
    }
}
