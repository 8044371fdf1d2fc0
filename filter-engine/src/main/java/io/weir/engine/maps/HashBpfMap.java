package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.ExternalRegion;
import io.weir.engine.ebpf.MemoryModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code hash}, {@code percpu_hash} and {@code lru_hash}: a chained hash table in flat arrays, as Linux's
 * {@code htab} (only with {@code BPF_F_NO_PREALLOC} or above {@link InlineTable#MAX_BYTES}: otherwise
 * {@link InlineHashBpfMap}, {@link InlineLruHashBpfMap} or {@link InlinePerCpuHashBpfMap}). Entry {@code i} owns one row of {@code rows}, {@code rows[i*(1+kw) ..]}: a head word holding its
 * hash (high 32 bits) and its chain link (low 32 bits), then its key words; it also owns value slot(s)
 * {@code i*cpus ..} of a {@link ValueStore} and (LRU) its list links; buckets hold the first entry of their
 * chain. A hit therefore costs three dependent memory accesses (bucket, row, value), and each step along a chain
 * one: hash, key and link share a row, so a collision does not cost a miss for each. Nothing is allocated per
 * lookup.
 *
 * <p>Hash: the key words are folded in with a multiply and a shift between them, then finished with the MurmurHash3
 * 64-bit finalizer (two multiplies, three xor-shifts), whose every output bit depends on every input bit; the
 * bucket is the hash's low bits. Keys that differ only in high bits or only in one byte (addresses in network
 * byte order, ports shifted up) spread as random ones do ({@code HashDistributionTest}).
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
 * V*cpus + 8 (row head: hash and chain) + 4 (free stack) + 1 (live) + 4..8 (buckets)}; LRU adds 9 (two list links, a
 * reference bit). A 4-byte key with an 8-byte value takes 33 to 37 bytes ({@link MapSpec#memoryBytes}).
 *
 * <p>Concurrency: updates and deletes take the map's lock; lookups take none. A new entry's value is written
 * before the entry is linked into its bucket (as Linux copies the value before adding the element), so a
 * concurrent lookup never finds a key whose value is still to come: an atomic add racing with the insert lands
 * on the inserted value, not under it. Chains end in a "nulls" marker,
 * {@code ~bucket}: a lookup that walked onto an entry deleted and reused in another bucket ends on a foreign
 * marker and restarts, so a concurrent delete never makes it miss a key that stays in the map (as Linux's
 * {@code hlist_nulls}). As with Linux's preallocated maps, a value pointer taken before a delete points into an
 * entry that may be reused by another key. An update of an existing key copies the value in place: concurrent
 * readers may see a value half old, half new (only atomic adds on the value are exact under contention).
 *
 * <p>LRU order: an update puts its entry at the head of the list (an update of an existing key also sets
 * its reference bit, as Linux's new element for it); a program's lookup sets the entry's reference bit. A
 * full map evicts from the tail, giving a referenced entry a second chance (clear the bit, move to the head), as
 * Linux's LRU does with its active/inactive lists: the entry evicted is the least recently updated one among
 * those not looked up since their last pass through the tail.
 */
final class HashBpfMap extends BpfMap {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long MIX = 0x9E3779B97F4A7C15L;
    private static final long LOW = 0xFFFF_FFFFL;
    /** Entries allocated at creation (all of them when max entries is smaller). */
    static final int INITIAL_ENTRIES = 1024;

    private final int max;
    private final int keySize;
    private final int keyWords;
    /** Longs per row: the head word (hash, chain link) and the key words. */
    private final int rowWords;
    private final boolean lru;
    private final long seed;
    private final ValueStore values;
    private final int[] buckets;
    private final int mask;
    // Entry arrays of cap entries, replaced (grown) under the lock before the entries they add are published.
    private int cap;
    // Rows of rowWords longs; read once per step, after the bucket's acquire, so never older than the entry.
    private long[] rows;
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
        this.rowWords = keyWords + 1;
        this.lru = spec.type() == MapType.LRU_HASH;
        this.seed = (spec.flags() & MapSpec.F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
        long slots = (long) max * cpus;
        if (slots > Integer.MAX_VALUE - 8 || !ValueStore.fits((int) slots, spec.valueSize())
                || max > (1 << 30)) {
            throw spec.error(Errno.E2BIG, "values need " + slots * ((spec.valueSize() + 7) & ~7)
                    + " bytes, above the 2 GiB of a region");
        }
        this.cap = Math.min(max, INITIAL_ENTRIES);
        this.values = new ValueStore(max * cpus, spec.valueSize(), cap * cpus);
        this.rows = new long[Math.multiplyExact(cap, rowWords)];
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
        rows = Arrays.copyOf(rows, Math.multiplyExact(n, rowWords));
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

    /**
     * The running hash with the next key word folded in: the hash so far is stirred first (a multiply spreads low
     * bits up, the shift brings high bits down; both are bijections), so two keys that differ in one word only
     * never collide before {@link #finish}, which is a bijection too.
     */
    static long fold(long h, long word) {
        h *= MIX;
        return (h ^ (h >>> 32)) ^ word;
    }

    /** MurmurHash3's 64-bit finalizer: every output bit depends on every input bit. */
    static int finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h;
    }

    private int hash(long[] k) {
        long h = seed ^ k[0];
        for (int w = 1; w < keyWords; w++) {
            h = fold(h, k[w]);
        }
        return finish(h);
    }

    private static int hashOf(long head) {
        return (int) (head >>> 32);
    }

    private static int nextOf(long head) {
        return (int) head;
    }

    private static long head(int hash, int next) {
        return ((long) hash << 32) | (next & LOW);
    }

    private boolean keyEquals(long[] r, int base, long[] k) {
        for (int w = 0; w < keyWords; w++) {
            if (r[base + 1 + w] != k[w]) {
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
            long[] r = rows;
            int steps = 0;
            while (i >= 0 && steps++ <= max) {
                int base = i * rowWords;
                long head = (long) LONGS.getAcquire(r, base);
                if (hashOf(head) == h && keyEquals(r, base, k)) {
                    return i;
                }
                i = nextOf(head);
            }
            if (i == ~b) {
                return -1;
            }
            // Walked off into another chain (an entry was deleted and reused): start over.
            Thread.onSpinWait();
        }
    }

    /**
     * Takes a free entry for a new key (lock held), growing or (LRU) evicting when none is free; returns it, or
     * -1 when full and not LRU. The caller writes its value, then {@link #link}s it: a concurrent lookup must
     * never find the key before its value is there (an atomic add would be overwritten), as Linux copies the
     * value before adding the element to its bucket.
     */
    private int allocate() {
        if (freeTop == 0 && !grow()) {
            if (!lru) {
                return -1;
            }
            evictOne();
        }
        return free[--freeTop];
    }

    /** Publishes entry {@code i} (allocated, value written) under key {@code k} with hash {@code h}; lock held. */
    private void link(int i, long[] k, int h) {
        int base = i * rowWords;
        System.arraycopy(k, 0, rows, base + 1, keyWords);
        live[i] = 1;
        int b = h & mask;
        LONGS.setRelease(rows, base, head(h, buckets[b]));
        INTS.setRelease(buckets, b, i);
        count++;
        if (lru) {
            referenced[i] = 0;
            pushFront(i);
        }
    }

    /** Unlinks entry {@code i} (lock held). */
    private void remove(int i) {
        long[] r = rows;
        int after = nextOf(r[i * rowWords]);
        int b = hashOf(r[i * rowWords]) & mask;
        int cur = buckets[b];
        if (cur == i) {
            INTS.setRelease(buckets, b, after);
        } else {
            while (cur >= 0 && nextOf(r[cur * rowWords]) != i) {
                cur = nextOf(r[cur * rowWords]);
            }
            if (cur >= 0) {
                LONGS.setRelease(r, cur * rowWords, head(hashOf(r[cur * rowWords]), after));
            }
        }
        // Row i's link is left as is: a reader standing on i still finds the rest of the chain.
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

    /** An existing key updated: most recent, and referenced (Linux gives it a new element with the bit set). */
    private void touchUpdated(int i) {
        unlinkLru(i);
        pushFront(i);
        referenced[i] = 1;
    }

    private void evictOne() {
        int chances = count; // bounded: lookups on other threads may keep marking entries
        for (;;) {
            int t = lruTail;
            if (referenced[t] != 0 && chances-- > 0) {
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
        return slotOf(entry, cpus == 1 ? 0 : CpuSlots.current());
    }

    /** Entry {@code entry}'s value slot for per-CPU slot {@code cpu} (taken modulo the map's slots). */
    private int slotOf(int entry, int cpu) {
        return entry * cpus + (cpus == 1 ? 0 : cpu < cpus ? cpu : cpu % cpus);
    }

    // ------------------------------------------------------------------ program side

    /** Hash of a key of at most 8 bytes held in one word: the same value {@link #hash(long[])} gives. */
    private int hash1(long k0) {
        return finish(seed ^ k0);
    }

    /** {@link #find} for keys of at most 8 bytes, without the key scratch. */
    private int find1(long k0, int h) {
        int b = h & mask;
        for (;;) {
            int i = (int) INTS.getAcquire(buckets, b);
            long[] r = rows;
            int steps = 0;
            while (i >= 0 && steps++ <= max) {
                int base = i << 1;
                long head = (long) LONGS.getAcquire(r, base);
                if (hashOf(head) == h && r[base + 1] == k0) {
                    return i;
                }
                i = nextOf(head);
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
        return pointerTo(find(k, hash(k)), cpus == 1 ? 0 : CpuSlots.current());
    }

    @Override
    public boolean wordKeyed() {
        return keySize == 1 || keySize == 2 || keySize == 4 || keySize == 8;
    }

    @Override
    public long lookupWord(long key) {
        return pointerTo(find1(key, hash1(key)), cpus == 1 ? 0 : CpuSlots.current());
    }

    @Override
    public long lookupWord(long key, int cpu) {
        return pointerTo(find1(key, hash1(key)), cpu);
    }

    @Override
    public boolean stackKeyed() {
        return true;
    }

    @Override
    public long lookupStack(byte[] stack, int offset, int cpu, long[] scratch) {
        if (keyWords == 1) {
            return lookupWord(stackWord(stack, offset, keySize, 0), cpu);
        }
        for (int w = 0; w < keyWords; w++) {
            scratch[w] = stackWord(stack, offset, keySize, w);
        }
        return pointerTo(find(scratch, hash(scratch)), cpu);
    }

    /** The value pointer of entry {@code i} for per-CPU slot {@code cpu} (marking it referenced), or 0 when i < 0. */
    private long pointerTo(int i, int cpu) {
        if (i < 0) {
            return 0;
        }
        if (lru && referenced[i] == 0) {
            referenced[i] = 1;
        }
        return MemoryModel.pointer(region, values.offset(slotOf(i, cpu)));
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
                    touchUpdated(i);
                }
                values.copyIn(slotOf(i), memory, valueAddr);
                return 0;
            }
            if (flags == BPF_EXIST) {
                return -Errno.ENOENT;
            }
            i = allocate();
            if (i < 0) {
                return -Errno.E2BIG;
            }
            int first = i * cpus;
            for (int c = 0; c < cpus; c++) {
                values.zero(first + c);
            }
            try {
                values.copyIn(slotOf(i), memory, valueAddr);
            } catch (RuntimeException e) {
                free[freeTop++] = i; // a bad value pointer: the entry was never linked
                throw e;
            }
            link(i, k, h);
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
                    touchUpdated(i);
                }
            } else {
                if (flags == BPF_EXIST) {
                    return -Errno.ENOENT;
                }
                i = allocate();
                if (i < 0) {
                    return -Errno.E2BIG;
                }
                putValue(values, i * cpus, cpus, value);
                link(i, k, h);
                return 0;
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
            i = nextOf(rows[from * rowWords]);
            b = hashOf(rows[from * rowWords]) & mask;
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
        int base = i * rowWords + 1;
        for (int j = 0; j < keySize; j++) {
            out[j] = (byte) (rows[base + (j >>> 3)] >>> ((j & 7) << 3));
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

    /** Buckets copied per lock hold in {@link #forEach}: long enough to amortise the lock, short for updaters. */
    private static final int WALK_BUCKETS = 256;

    /**
     * Walks the buckets in {@link #nextKey} order without a hash lookup per entry: under the lock, the keys and
     * values of {@link #WALK_BUCKETS} buckets are copied out, then visited without it. Same consistency as the
     * general walk, except that a value is read when its bucket is copied rather than when its key is visited.
     */
    @Override
    public void forEach(EntryVisitor visitor) {
        int vs = spec.valueSize();
        byte[] key = new byte[keySize];
        byte[] value = new byte[vs];
        long[] keys = new long[64 * keyWords];
        byte[] vals = new byte[64 * vs];
        for (int from = 0; from < buckets.length; from += WALK_BUCKETS) {
            int n = 0;
            synchronized (this) {
                int to = Math.min(buckets.length, from + WALK_BUCKETS);
                for (int b = from; b < to; b++) {
                    for (int i = buckets[b]; i >= 0; i = nextOf(rows[i * rowWords])) {
                        if ((n + 1) * keyWords > keys.length) {
                            keys = Arrays.copyOf(keys, keys.length * 2);
                            vals = Arrays.copyOf(vals, vals.length * 2);
                        }
                        System.arraycopy(rows, i * rowWords + 1, keys, n * keyWords, keyWords);
                        sumValue(values, i * cpus, cpus, value);
                        System.arraycopy(value, 0, vals, n * vs, vs);
                        n++;
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                for (int b = 0; b < keySize; b++) {
                    key[b] = (byte) (keys[j * keyWords + (b >>> 3)] >>> ((b & 7) << 3));
                }
                System.arraycopy(vals, j * vs, value, 0, vs);
                visitor.visit(key, value);
            }
        }
    }

    /** The longest bucket chain and the number of empty buckets, in that order (tests of the hash's spread). */
    synchronized int[] chainStats() {
        int longest = 0;
        int empty = 0;
        for (int b = 0; b < buckets.length; b++) {
            int len = 0;
            for (int i = buckets[b]; i >= 0; i = nextOf(rows[i * rowWords])) {
                len++;
            }
            longest = Math.max(longest, len);
            empty += len == 0 ? 1 : 0;
        }
        return new int[] {longest, empty};
    }

    /** The value storage (tests of its fast paths against its general ones). */
    ValueStore valueStore() {
        return values;
    }

    /** The entries allocated so far (tests). */
    synchronized int capacity() {
        return cap;
    }

    // ------------------------------------------------------------------ region

    @Override
    public long load(int offset, int size) {
        return values.regionLoad(offset, size, spec.name());
    }

    @Override
    public void store(int offset, int size, long value) {
        values.regionStore(offset, size, value, spec.name());
    }

    @Override
    public long atomic(int offset, int size, int op, long value, long expected) {
        return values.regionAtomic(offset, size, op, value, expected, spec.name());
    }
}
