package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.MemoryModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The open-addressing table with values inline that preallocated {@code hash} ({@link InlineHashBpfMap}),
 * {@code lru_hash} ({@link InlineLruHashBpfMap}) and {@code percpu_hash} ({@link InlinePerCpuHashBpfMap}, whose
 * values are not in its rows but in one plane per CPU slot beside them) maps share: one {@code long[]} of rows
 * {@code [state, key words, value words]}, linear probing, its capacity fixed at creation. A hit is one row,
 * usually one cache line: no bucket, no chain, no separate value store (the chained {@link HashBpfMap} pays three
 * dependent misses: bucket, row, value). The state word's low 2 bits are 0 (no key) or 1 (live), with, for a
 * live row, the key's hash in its high 32 bits; a key of at most 4 bytes is packed there instead of its hash, and
 * the row has no key words: such a lookup compares one word, read atomically. Bit {@link #REF} of a live state
 * is an LRU map's reference bit. Bits 3 to 22 are the row's <em>hops</em>: bit {@code 3 + d - 1} is set while the
 * row {@code d} (1 to {@value #HOPS}) after it holds a key whose home it is; bits 23 to 31 are its <em>far
 * bound</em>, how far beyond the hops the farthest key homed there lies (saturated: then up to the farthest any
 * key was placed since the last clear). These bits belong to the row as a home, whatever the row itself holds;
 * lookups compare the key bits and the kind only.
 *
 * <p>Layout: {@code capacity = ceil(max_entries * 4 / 3)} rows (load at most 0.75; any count, the home row is
 * {@code hash * capacity >>> 32}), each {@code 8 * (1 + K + V)} bytes for a key of {@code K} longs (0 for a
 * packed key) and a value of {@code V} longs. The rows are the region of the {@link ValueStore}
 * ({@link ValueStore#rows}), whose checked accesses reach only the value words of a row, so a program's pointer
 * never touches a state or key word. Rows never move: a value pointer a program holds stays where it is while
 * other keys come and go (as with Linux's preallocated maps, a pointer kept past its key's delete reaches
 * whatever key reuses the row).
 *
 * <p>A lookup reads its home row, then only the rows its hops name, then the rows of its far bound: a hit at
 * home costs one row, a miss one row plus one per key homed there (plus the far bound's rows, for the few homes
 * with one), whatever lies between. An insert takes the first row without a key from its home, sets its hop or
 * raises its far bound in the home row, then publishes the key; a delete clears the key and its hop, or lowers
 * the far bound to the far keys left (a scan of the old bound). Deleted rows
 * need no tombstones (a lookup never walks past rows looking for an empty one), and rows never move: a delete
 * is never a backward shift, which would move live rows under the programs that point into them. (A walk to the
 * first empty row, with tombstones for deletes, costs a miss about 270 rows once eviction churn has turned every
 * free row into a tombstone: measured in a 100k-entry LRU table turned over 50 times.)
 *
 * <p>Concurrency: updates, deletes, walks and clears take the map's lock; lookups take none. An insert writes
 * the value, then the key words and the state with release stores; a lookup reads the state, the key and the
 * state again with acquire loads (a packed key: the state alone), so it never returns a key whose value is still
 * to come, nor a row taken over by another key between its two reads (a concurrent atomic add lands on the
 * inserted value). Two inserts of one key are serialised by the lock: there is never a second row for a key.
 * {@link #nextKey} walks rows in index order: a walk sees every key that stays in the map for the whole walk once
 * (a deleted current key restarts it from the first, as Linux does); keys added or deleted meanwhile may or may
 * not be seen. An update of an existing key copies its value in place (readers may see it half old, half new).
 *
 * <p>What the two kinds differ in are hooks called with the lock held: {@link #hit} (a program's lookup found a
 * row), {@link #makeRoom} (a new key for a full map), {@link #placed} (a key inserted or updated),
 * {@link #removed} and {@link #cleared}.
 */
abstract class InlineTable extends BpfMap {
    /** The largest table made inline: larger hash maps are chained and grow as they fill. */
    static final long MAX_BYTES = 64L << 20;

    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long LOW = 0xFFFF_FFFFL;
    /** A row without a key. */
    static final long EMPTY = 0;
    /** A live row's state: this bit, and above 32 bits its key (a packed key) or its hash. */
    static final long LIVE = 1;
    /** An LRU map's reference bit in a live state: set by program lookups, never by a {@code hash} map. */
    static final long REF = 4;
    /** The bits that say whether a row holds a key. */
    private static final long KIND = 3;
    /** The bits a lookup compares: the key or hash, and the kind. */
    private static final long MATCH = 0xFFFF_FFFF_0000_0003L;
    /** The distances a home row's hop bits cover. */
    static final int HOPS = 20;
    private static final int HOP_SHIFT = 3;
    private static final long HOP_MASK = (1L << HOPS) - 1;
    private static final int FAR_SHIFT = HOP_SHIFT + HOPS;
    /** The largest far bound, meaning "up to {@link #farthest}". */
    private static final int FAR_MAX = (1 << (32 - FAR_SHIFT)) - 1;
    private static final long FAR = (long) FAR_MAX << FAR_SHIFT;
    /** The bits of a row as a home (hops and far bound), kept whatever the row holds. */
    private static final long HOME = HOP_MASK << HOP_SHIFT | FAR;

    private final int keySize;
    private final int keyWords;
    /** Whether the key (at most 4 bytes) is packed into the state word: rows then hold no key words. */
    private final boolean packed;
    final int rowWords;
    final int cap;
    private final long seed;
    final ValueStore values;
    final long[] rows;
    private volatile int count;
    /**
     * Rows holding a key, a bit each (and the bits past the last row set): an insert finds its free row here, in a
     * word or two, instead of reading rows from its home (about 8.5 at load 0.75). Lock held.
     */
    private final long[] used;
    /** The farthest from its home any key was placed since the last clear (saturated far bounds walk to it). */
    private volatile int farthest;

    InlineTable(MapSpec spec) {
        this(spec, 1);
    }

    /**
     * A table with {@code cpus} value slots per row: a per-CPU type keeps its values out of the rows, in one plane
     * per slot ({@link InlinePerCpuHashBpfMap}: value {@code c * capacity + i} is slot {@code c} of row {@code i}).
     */
    InlineTable(MapSpec spec, int cpus) {
        super(spec, cpus);
        this.keySize = spec.keySize();
        this.keyWords = (keySize + 7) >>> 3;
        this.packed = keySize <= 4;
        this.rowWords = Math.toIntExact(rowWords(spec)); // fits: the table is at most MAX_BYTES
        this.cap = capacity(spec.maxEntries());
        this.seed = (spec.flags() & MapSpec.F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
        if (spec.type().isPerCpu()) {
            int valueWords = (spec.valueSize() + 7) / 8;
            this.values = ValueStore.rows(Math.multiplyExact(cap, cpus), spec.valueSize(), valueWords, 0);
            this.rows = new long[Math.multiplyExact(cap, rowWords)];
        } else {
            this.values = ValueStore.rows(cap, spec.valueSize(), rowWords, rowWords - (spec.valueSize() + 7) / 8);
            this.rows = values.words();
        }
        this.used = new long[(cap + 63) >>> 6];
        markPastEnd();
    }

    /** Sets the bits of {@link #used} past the last row, so no insert takes them. */
    private void markPastEnd() {
        if ((cap & 63) != 0) {
            used[used.length - 1] = -1L << (cap & 63);
        }
    }

    /**
     * State word, key words (none for a key of at most 4 bytes: it is packed into the state), value words. In
     * longs: a value_size near 2^31 would overflow int arithmetic into a small table.
     */
    static long rowWords(MapSpec spec) {
        return 1 + (spec.keySize() <= 4 ? 0 : (spec.keySize() + 7L) / 8)
                + (spec.type().isPerCpu() ? 0 : (spec.valueSize() + 7L) / 8);
    }

    /** The rows of a table of {@code max} entries: load at most 0.75. */
    static int capacity(int max) {
        return (int) Math.max(2, ((long) max * 4 + 2) / 3);
    }

    /**
     * The bytes of the table {@code spec} makes inline (its rows and a bit per row; an LRU map's list links too),
     * or -1 when it is made chained (see {@link MapSpec#create}).
     */
    static long tableBytes(MapSpec spec) {
        return tableBytes(spec, CpuSlots.count());
    }

    /** {@link #tableBytes(MapSpec)} with {@code cpus} value slots per entry of a per-CPU type (its planes). */
    static long tableBytes(MapSpec spec, int cpus) {
        boolean lru = spec.type() == MapType.LRU_HASH;
        boolean perCpu = spec.type() == MapType.PERCPU_HASH;
        if (spec.type() != MapType.HASH && !lru && !perCpu || (spec.flags() & MapSpec.F_NO_PREALLOC) != 0) {
            return -1;
        }
        long rows = capacity(spec.maxEntries());
        long planes = perCpu ? (spec.valueSize() + 7L) / 8 * 8 * cpus : 0;
        long bytes = rows * (rowWords(spec) * 8 + planes + (lru ? InlineLruHashBpfMap.LINK_BYTES : 0))
                + (rows + 63) / 64 * 8;
        return bytes > 0 && bytes <= MAX_BYTES ? bytes : -1;
    }

    // ------------------------------------------------------------------ hooks (lock held, except hit)

    /** A program's lookup found row {@code i} (lock-free): the value pointer it returns. */
    abstract long hit(int i);

    /** {@link #hit(int)} by a caller in per-CPU slot {@code cpu} (a per-CPU map returns that slot's value). */
    long hit(int i, int cpu) {
        return hit(i);
    }

    /**
     * Writes row {@code i}'s value (lock held): from Java ({@code value}) or else from program memory at
     * {@code valueAddr}; {@code fresh} for a new key, not yet published. A per-CPU map writes its slots.
     */
    void write(int i, boolean fresh, byte[] value, EbpfMemory memory, long valueAddr) {
        if (value != null) {
            values.copyIn(i, value, 0);
        } else {
            values.copyIn(i, memory, valueAddr);
        }
    }

    /** Copies row {@code i}'s value into {@code out} for the Java API (a per-CPU map sums its slots). */
    void read(int i, byte[] out) {
        values.copyOut(i, out, 0);
    }

    /** A new key arrives in a full map: frees an entry and returns true, or returns false ({@code -E2BIG}). */
    abstract boolean makeRoom();

    /** Row {@code i} was just inserted ({@code fresh}) or had its value updated. */
    abstract void placed(int i, boolean fresh);

    /** Row {@code i}'s key was just removed. */
    abstract void removed(int i);

    /** Every row was just emptied. */
    abstract void cleared();

    // ------------------------------------------------------------------ the table

    private int hash(long[] k) {
        long h = seed ^ k[0];
        for (int w = 1; w < keyWords; w++) {
            h = HashBpfMap.fold(h, k[w]);
        }
        return HashBpfMap.finish(h);
    }

    private int home(int h) {
        return (int) (((h & LOW) * cap) >>> 32);
    }

    private long key(int base, int w) {
        return (long) LONGS.getAcquire(rows, base + 1 + w);
    }

    /** The state word of a live row holding key {@code k0} (packed) or a key of hash {@code h}. */
    private long liveState(long k0, int h) {
        return (packed ? k0 : h & LOW) << 32 | LIVE;
    }

    /** Row {@code base}'s state without its reference bit and home bits (acquire). */
    private long state(int base) {
        return (long) LONGS.getAcquire(rows, base) & MATCH;
    }

    /** Row {@code d} rows after {@code home}. */
    private int at(int home, int d) {
        int i = home + d;
        return i >= cap ? i - cap : i;
    }

    /** The distance from row {@code from} forward to row {@code to}. */
    private int distance(int from, int to) {
        int d = to - from;
        return d < 0 ? d + cap : d;
    }

    /** The farthest distance a key homed at a row with state {@code s} may lie at ({@link #HOPS} without far keys). */
    private int farLimit(long s) {
        int far = (int) ((s & FAR) >>> FAR_SHIFT);
        return far == FAR_MAX ? farthest : HOPS + far;
    }

    /** State {@code s} with far bound {@code far} (distance beyond the hops, saturated). */
    private static long withFar(long s, int far) {
        return s & ~FAR | (long) Math.min(far, FAR_MAX) << FAR_SHIFT;
    }

    /** The home row of the key in live row state {@code s}. */
    private int homeOf(long s) {
        return home(packed ? HashBpfMap.finish(seed ^ (s >>> 32)) : (int) (s >>> 32));
    }

    /** The hops of home state {@code s}: bit {@code d - 1} for a key homed there {@code d} rows on. */
    private static long hops(long s) {
        return s >>> HOP_SHIFT & HOP_MASK;
    }

    /** Whether a key homed at a row of state {@code s} may lie beyond the hops (rare: its own walk). */
    private static boolean far(long s) {
        return (s & FAR) != 0;
    }

    /**
     * The row holding key {@code k} (1 word), or -1; lock-free. A packed key is one atomic word; a wider one is
     * read between two reads of its state (a row reused meanwhile shows a changed state).
     */
    private int find1(long k0, int h) {
        long want = liveState(k0, h);
        int home = home(h);
        long s = (long) LONGS.getAcquire(rows, home * rowWords);
        if ((s & MATCH) == want && (packed || key(home * rowWords, 0) == k0 && state(home * rowWords) == want)) {
            return home;
        }
        for (long hops = hops(s); hops != 0; hops &= hops - 1) {
            int i = at(home, Long.numberOfTrailingZeros(hops) + 1);
            int base = i * rowWords;
            if (state(base) == want && (packed || key(base, 0) == k0 && state(base) == want)) {
                return i;
            }
        }
        return far(s) ? farFind1(k0, want, home, s) : -1;
    }

    private int farFind1(long k0, long want, int home, long s) {
        for (int d = HOPS + 1, limit = farLimit(s); d <= limit; d++) {
            int i = at(home, d);
            int base = i * rowWords;
            if (state(base) == want && (packed || key(base, 0) == k0 && state(base) == want)) {
                return i;
            }
        }
        return -1;
    }

    /** The row holding key {@code (k0, k1)}, or -1; lock-free. */
    private int find2(long k0, long k1, int h) {
        long want = liveState(k0, h);
        int home = home(h);
        long s = (long) LONGS.getAcquire(rows, home * rowWords);
        for (long hops = hops(s) << 1 | 1; hops != 0; hops &= hops - 1) {
            int i = at(home, Long.numberOfTrailingZeros(hops));
            int base = i * rowWords;
            if (state(base) == want && key(base, 0) == k0 && key(base, 1) == k1 && state(base) == want) {
                return i;
            }
        }
        return far(s) ? farFind2(k0, k1, want, home, s) : -1;
    }

    private int farFind2(long k0, long k1, long want, int home, long s) {
        for (int d = HOPS + 1, limit = farLimit(s); d <= limit; d++) {
            int i = at(home, d);
            int base = i * rowWords;
            if (state(base) == want && key(base, 0) == k0 && key(base, 1) == k1 && state(base) == want) {
                return i;
            }
        }
        return -1;
    }

    /** The row holding key {@code k}, or -1; lock-free. */
    private int find(long[] k, int h) {
        if (keyWords == 1) {
            return find1(k[0], h);
        }
        long want = liveState(k[0], h);
        int home = home(h);
        long s = (long) LONGS.getAcquire(rows, home * rowWords);
        for (long hops = hops(s) << 1 | 1; hops != 0; hops &= hops - 1) {
            int i = at(home, Long.numberOfTrailingZeros(hops));
            int base = i * rowWords;
            if (state(base) == want && keyEquals(base, k) && state(base) == want) {
                return i;
            }
        }
        return far(s) ? farFind(k, want, home, s) : -1;
    }

    /** The far walks, out of line: rare, and kept out of the compiled lookups that JIT-compiled programs inline. */
    private int farFind(long[] k, long want, int home, long s) {
        for (int d = HOPS + 1, limit = farLimit(s); d <= limit; d++) {
            int i = at(home, d);
            int base = i * rowWords;
            if (state(base) == want && keyEquals(base, k) && state(base) == want) {
                return i;
            }
        }
        return -1;
    }

    private boolean keyEquals(int base, long[] k) {
        for (int w = 0; w < keyWords; w++) {
            if (key(base, w) != k[w]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The row a new key with hash {@code h} takes (lock held): the first row from its home that holds no key. The
     * map is not full (fewer than max entries: rows without a key exist). The caller writes the value there, then
     * {@link #publish}es the key.
     */
    private int freeRow(int h) {
        int i = home(h);
        int w = i >>> 6;
        long free = ~used[w] & -1L << (i & 63);
        while (free == 0) {
            w = w + 1 == used.length ? 0 : w + 1;
            free = ~used[w];
        }
        return w << 6 | Long.numberOfTrailingZeros(free);
    }

    /** Row {@code j}'s state with {@code set} bits set and {@code clear} bits cleared (lock held). */
    private void change(int j, long clear, long set) {
        LONGS.setRelease(rows, j * rowWords, (long) LONGS.get(rows, j * rowWords) & ~clear | set);
    }

    /** Publishes key {@code k} (hash {@code h}) in row {@code i}, whose value is written; lock held. */
    private void publish(int i, long[] k, int h) {
        int base = i * rowWords;
        for (int w = 0; !packed && w < keyWords; w++) {
            LONGS.setRelease(rows, base + 1 + w, k[w]);
        }
        // The home's hop before the key: a lookup that reads the home after this finds the key.
        int d = distance(home(h), i);
        if (d > HOPS) {
            if (d > farthest) {
                farthest = d;
            }
            int hb = home(h) * rowWords;
            long hs = (long) LONGS.get(rows, hb);
            if (d > farLimit(hs)) {
                LONGS.setRelease(rows, hb, withFar(hs, d - HOPS));
            }
        } else if (d > 0) {
            change(home(h), 0, 1L << (HOP_SHIFT + d - 1));
        }
        change(i, ~HOME, liveState(k[0], h));
        used[i >>> 6] |= 1L << i;
        count++;
    }

    /** Deletes row {@code i} (lock held): its key, then its hop or its home's far bound. */
    final void remove(int i) {
        int home = homeOf((long) LONGS.get(rows, i * rowWords));
        change(i, ~HOME, EMPTY);
        used[i >>> 6] &= ~(1L << i);
        int d = distance(home, i);
        if (d > HOPS) {
            shrinkFar(home);
        } else if (d > 0) {
            change(home, 1L << (HOP_SHIFT + d - 1), 0);
        }
        count--;
        removed(i);
    }

    /** Lowers {@code home}'s far bound to the far keys homed there that are left (lock held). */
    private void shrinkFar(int home) {
        int hb = home * rowWords;
        int limit = farLimit((long) LONGS.get(rows, hb));
        int far = 0;
        for (int d = HOPS + 1; d <= limit; d++) {
            long s = (long) LONGS.get(rows, at(home, d) * rowWords);
            if ((s & KIND) == LIVE && homeOf(s) == home) {
                far = d - HOPS;
            }
        }
        LONGS.setRelease(rows, hb, withFar((long) LONGS.get(rows, hb), far));
    }

    /** The value pointer of row {@code i}, or 0 when {@code i < 0}. */
    final long pointerTo(int i) {
        return i < 0 ? 0 : MemoryModel.pointer(region, values.rowOffset(i));
    }

    /** Writes the key of live row {@code i} (lock held) into {@code out}. */
    private void keyOf(int i, byte[] out) {
        int base = i * rowWords;
        for (int j = 0; j < keySize; j++) {
            out[j] = (byte) (packed ? rows[base] >>> (32 + (j << 3)) : rows[base + 1 + (j >>> 3)] >>> ((j & 7) << 3));
        }
    }

    // ------------------------------------------------------------------ program side

    @Override
    public final long lookupPointer(EbpfMemory memory, long keyAddr) {
        long[] k = readKey(memory, keyAddr, keySize);
        int i = find(k, hash(k));
        return i < 0 ? 0 : hit(i, cpus == 1 ? 0 : CpuSlots.current());
    }

    @Override
    public final boolean wordKeyed() {
        return keySize == 1 || keySize == 2 || keySize == 4 || keySize == 8;
    }

    @Override
    public final long lookupWord(long key) {
        return lookupWord(key, cpus == 1 ? 0 : CpuSlots.current());
    }

    @Override
    public final long lookupWord(long key, int cpu) {
        int i = find1(key, HashBpfMap.finish(seed ^ key));
        return i < 0 ? 0 : hit(i, cpu);
    }

    @Override
    public final boolean stackKeyed() {
        return true;
    }

    @Override
    public final long lookupStack(byte[] stack, int offset, int cpu, long[] scratch) {
        // One small method per key width: what C2 inlines into a JIT-compiled caller is then the width it uses.
        if (keyWords == 1) {
            return lookupWord(stackWord(stack, offset, keySize, 0), cpu);
        }
        return keyWords == 2 ? lookupStack2(stack, offset, cpu) : lookupStackN(stack, offset, cpu, scratch);
    }

    private long lookupStack2(byte[] stack, int offset, int cpu) {
        long k0 = stackWord(stack, offset, keySize, 0);
        long k1 = stackWord(stack, offset, keySize, 1);
        int i = find2(k0, k1, HashBpfMap.finish(HashBpfMap.fold(seed ^ k0, k1)));
        return i < 0 ? 0 : hit(i, cpu);
    }

    private long lookupStackN(byte[] stack, int offset, int cpu, long[] scratch) {
        for (int w = 0; w < keyWords; w++) {
            scratch[w] = stackWord(stack, offset, keySize, w);
        }
        int i = find(scratch, hash(scratch));
        return i < 0 ? 0 : hit(i, cpu);
    }

    @Override
    public final long updateFrom(EbpfMemory memory, long keyAddr, long valueAddr, long flags) {
        if (flags < 0 || flags > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        return put(readKey(memory, keyAddr, keySize), flags, memory, valueAddr, null);
    }

    @Override
    public final long deleteFrom(EbpfMemory memory, long keyAddr) {
        return deleteKey(readKey(memory, keyAddr, keySize));
    }

    // ------------------------------------------------------------------ Java API

    /** Copies the value of {@code key}; as Linux's lookup from user space, it does not mark an LRU entry. */
    @Override
    public final boolean lookup(byte[] key, byte[] value) {
        int i = rowOf(key);
        if (i < 0) {
            return false;
        }
        read(i, value);
        return true;
    }

    /** The row holding Java key {@code key}, or -1; lock-free. */
    final int rowOf(byte[] key) {
        long[] k = readKey(key);
        return find(k, hash(k));
    }

    @Override
    public boolean lookupPerCpu(byte[] key, byte[] out) {
        return lookup(key, out);
    }

    @Override
    public final int update(byte[] key, byte[] value, long flags) {
        checkValue(value);
        if (flags < 0 || flags > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        return put(readKey(key), flags, null, 0, value);
    }

    /**
     * An update of key {@code k} by either API, its value from {@code value} (Java) or else from program memory
     * at {@code valueAddr}: 0 or a negative errno.
     */
    private int put(long[] k, long flags, EbpfMemory memory, long valueAddr, byte[] value) {
        int h = hash(k);
        synchronized (this) {
            int i = find(k, h);
            if (i >= 0 ? flags == BPF_NOEXIST : flags == BPF_EXIST) {
                return i >= 0 ? -Errno.EEXIST : -Errno.ENOENT;
            }
            boolean insert = i < 0;
            if (insert) {
                // Room first (an LRU evicts: a bad value pointer below then faults with one entry gone), then the row.
                if (count >= spec.maxEntries() && !makeRoom()) {
                    return -Errno.E2BIG;
                }
                i = freeRow(h);
            }
            // A new key's value first (a bad value pointer faults here, the key not added), then the key.
            write(i, insert, value, memory, valueAddr);
            if (insert) {
                publish(i, k, h);
            }
            placed(i, insert);
            return 0;
        }
    }

    @Override
    public final int delete(byte[] key) {
        return deleteKey(readKey(key));
    }

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
    public final synchronized int nextKey(byte[] key, byte[] out) {
        int i = 0;
        if (key != null) {
            long[] k = readKey(key);
            int from = find(k, hash(k));
            i = from < 0 ? 0 : from + 1;
        }
        for (; i < cap; i++) {
            if ((rows[i * rowWords] & LIVE) != 0) {
                keyOf(i, out);
                return 0;
            }
        }
        return -Errno.ENOENT;
    }

    /** Visits the live rows in {@link #nextKey} order, each key and value read under the lock. */
    @Override
    public final void forEach(EntryVisitor visitor) {
        byte[] key = new byte[keySize];
        byte[] value = new byte[spec.valueSize()];
        for (int i = 0; i < cap; i++) {
            synchronized (this) {
                if ((rows[i * rowWords] & LIVE) == 0) {
                    continue;
                }
                keyOf(i, key);
                read(i, value);
            }
            visitor.visit(key, value);
        }
    }

    @Override
    public final synchronized void clear() {
        for (int i = 0; i < cap; i++) {
            LONGS.setRelease(rows, i * rowWords, EMPTY);
        }
        values.zeroAll();
        java.util.Arrays.fill(used, 0);
        markPastEnd();
        count = 0;
        farthest = 0;
        cleared();
    }

    @Override
    public final int size() {
        return count;
    }

    /** The rows of the table (tests). */
    final int capacity() {
        return cap;
    }

    /** The farthest any live key is from its home (tests). */
    final synchronized int maxProbe() {
        int max = 0;
        for (int i = 0; i < cap; i++) {
            long s = rows[i * rowWords];
            if ((s & KIND) == LIVE) {
                max = Math.max(max, distance(homeOf(s), i));
            }
        }
        return max;
    }

    /** The rows a miss reads, on average over the homes (tests: what a new key's first lookup costs). */
    final synchronized double missRows() {
        long sum = 0;
        for (int i = 0; i < cap; i++) {
            long s = rows[i * rowWords];
            sum += 1 + Long.bitCount(s & HOP_MASK << HOP_SHIFT) + farLimit(s) - HOPS;
        }
        return sum / (double) cap;
    }

    /** The value storage (tests of its fast paths against its general ones). */
    final ValueStore valueStore() {
        return values;
    }

    // ------------------------------------------------------------------ region

    @Override
    public final long load(int offset, int size) {
        return values.regionLoad(offset, size, spec.name());
    }

    @Override
    public final void store(int offset, int size, long value) {
        values.regionStore(offset, size, value, spec.name());
    }

    @Override
    public final long atomic(int offset, int size, int op, long value, long expected) {
        return values.regionAtomic(offset, size, op, value, expected, spec.name());
    }
}
