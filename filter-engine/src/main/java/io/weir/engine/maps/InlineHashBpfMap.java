package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.MemoryModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A preallocated {@code hash} map with open addressing and values inline: one {@code long[]} of rows
 * {@code [state, key words, value words]}, linear probing, its capacity fixed at creation. A hit is one row,
 * usually one cache line: no bucket, no chain, no separate value store (the chained {@link HashBpfMap} pays three
 * dependent misses: bucket, row, value). The state word is 0 (empty), 2 (tombstone) or, for a live row, 1 with
 * the key's hash in its high 32 bits; a key of at most 4 bytes is packed there instead of its hash, and the row
 * has no key words: such a lookup compares one word, read atomically.
 *
 * <p>Layout: {@code capacity = ceil(max_entries * 4 / 3)} rows (load at most 0.75; any count, the home row is
 * {@code hash * capacity >>> 32}), each {@code 8 * (1 + K + V)} bytes for a key of {@code K} longs (0 for a
 * packed key) and a value of {@code V} longs. The rows are the region of the {@link ValueStore}
 * ({@link ValueStore#rows}), whose checked accesses reach only the value words of a row, so a program's pointer
 * never touches a state or key word. Rows
 * never move: a value pointer a program holds stays where it is while other keys come and go (as with Linux's
 * preallocated maps, a pointer kept past its key's delete reaches whatever key reuses the row). Bytes per entry
 * at max entries: 4-byte key and 8-byte value {@code 16 * 4 / 3 = 21.3}; 8-byte key {@code 24 * 4 / 3 = 32}
 * (a chained map takes 33-37 when full, less while it fills: this one takes them all at creation, as Linux does
 * unless {@code BPF_F_NO_PREALLOC}).
 * {@link MapSpec#create} chooses it for {@code hash} maps of at most {@link #MAX_BYTES}.
 *
 * <p>Deletes leave a tombstone, never a backward shift: shifting would move live rows under the programs that
 * point into them. An insert reuses the first empty or tombstone row from its home, so probe lengths depend on
 * the live entries only; {@code maxProbe}, the longest distance from home of any key inserted since the last
 * clear, bounds every lookup, so tombstones never make a miss walk the table. A delete whose next row is empty
 * turns its run of tombstones back into empty rows.
 *
 * <p>Concurrency: updates, deletes, walks and clears take the map's lock; lookups take none. An insert writes
 * the value, then the key words and the state with release stores; a lookup reads the state, the key and the
 * state again with acquire loads (a packed key: the state alone), so it never returns a key whose value is still
 * to come, nor a row taken over by another key between its two reads (a concurrent atomic add lands on the
 * inserted value). Two inserts of one
 * key are serialised by the lock: there is never a second row for a key. {@link #nextKey} walks rows in index
 * order: a walk sees every key that stays in the map for the whole walk once (a deleted current key restarts it
 * from the first, as Linux does); keys added or deleted meanwhile may or may not be seen. An update of an
 * existing key copies its value in place (readers may see it half old, half new).
 */
final class InlineHashBpfMap extends BpfMap {
    /** The largest table made inline: larger {@code hash} maps are chained and grow as they fill. */
    static final long MAX_BYTES = 64L << 20;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long LOW = 0xFFFF_FFFFL;
    private static final long EMPTY = 0;
    /** A live row's state: this bit, and above 32 bits its key (a packed key) or its hash. */
    private static final long LIVE = 1;
    private static final long TOMB = 2;

    private final int keySize;
    private final int keyWords;
    /** Whether the key (at most 4 bytes) is packed into the state word: rows then hold no key words. */
    private final boolean packed;
    private final int rowWords;
    private final int cap;
    private final long seed;
    private final ValueStore values;
    private final long[] rows;
    /** The longest distance from home of a key inserted since the last clear: every lookup stops after it. */
    private volatile int maxProbe;
    private volatile int count;

    InlineHashBpfMap(MapSpec spec) {
        super(spec, 1);
        this.keySize = spec.keySize();
        this.keyWords = (keySize + 7) >>> 3;
        this.packed = keySize <= 4;
        this.rowWords = Math.toIntExact(rowWords(spec)); // fits: the table is at most MAX_BYTES
        this.cap = capacity(spec.maxEntries());
        this.seed = (spec.flags() & MapSpec.F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
        this.values = ValueStore.rows(cap, spec.valueSize(), rowWords, rowWords - (spec.valueSize() + 7) / 8);
        this.rows = values.words();
    }

    /**
     * State word, key words (none for a key of at most 4 bytes: it is packed into the state), value words. In
     * longs: a value_size near 2^31 would overflow int arithmetic into a small table.
     */
    private static long rowWords(MapSpec spec) {
        return 1 + (spec.keySize() <= 4 ? 0 : (spec.keySize() + 7L) / 8) + (spec.valueSize() + 7L) / 8;
    }

    /** The rows of a table of {@code max} entries: load at most 0.75. */
    static int capacity(int max) {
        return (int) Math.max(2, ((long) max * 4 + 2) / 3);
    }

    /** The bytes of the table {@code spec} makes inline, or -1 when it is made chained (see {@link MapSpec#create}). */
    static long tableBytes(MapSpec spec) {
        if (spec.type() != MapType.HASH || (spec.flags() & MapSpec.F_NO_PREALLOC) != 0) {
            return -1;
        }
        long bytes = capacity(spec.maxEntries()) * rowWords(spec) * 8;
        return bytes > 0 && bytes <= MAX_BYTES ? bytes : -1;
    }

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

    /**
     * The row holding key {@code k} (1 word), or -1; lock-free. A packed key is one atomic word; a wider one is
     * read between two reads of its state (a row reused meanwhile shows a changed state).
     */
    private int find1(long k0, int h) {
        long want = liveState(k0, h);
        int i = home(h);
        for (int n = maxProbe; ; n--) {
            int base = i * rowWords;
            long s = (long) LONGS.getAcquire(rows, base);
            if (s == want && (packed || key(base, 0) == k0 && (long) LONGS.getAcquire(rows, base) == want)) {
                return i;
            }
            if (s == EMPTY || n == 0) {
                return -1;
            }
            i = i + 1 == cap ? 0 : i + 1;
        }
    }

    /** The row holding key {@code (k0, k1)}, or -1; lock-free. */
    private int find2(long k0, long k1, int h) {
        long want = liveState(k0, h);
        int i = home(h);
        for (int n = maxProbe; ; n--) {
            int base = i * rowWords;
            long s = (long) LONGS.getAcquire(rows, base);
            if (s == want && key(base, 0) == k0 && key(base, 1) == k1
                    && (long) LONGS.getAcquire(rows, base) == want) {
                return i;
            }
            if (s == EMPTY || n == 0) {
                return -1;
            }
            i = i + 1 == cap ? 0 : i + 1;
        }
    }

    /** The row holding key {@code k}, or -1; lock-free. */
    private int find(long[] k, int h) {
        if (keyWords == 1) {
            return find1(k[0], h);
        }
        long want = liveState(k[0], h);
        int i = home(h);
        for (int n = maxProbe; ; n--) {
            int base = i * rowWords;
            long s = (long) LONGS.getAcquire(rows, base);
            if (s == want && keyEquals(base, k) && (long) LONGS.getAcquire(rows, base) == want) {
                return i;
            }
            if (s == EMPTY || n == 0) {
                return -1;
            }
            i = i + 1 == cap ? 0 : i + 1;
        }
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
     * The row a new key with hash {@code h} takes (lock held): the first row from its home that holds no key, or
     * -1 when the map is full. The caller writes the value there, then {@link #publish}es the key.
     */
    private int freeRow(int h) {
        if (count >= spec.maxEntries()) {
            return -1;
        }
        int i = home(h);
        while (((long) LONGS.get(rows, i * rowWords) & LIVE) != 0) {
            i = i + 1 == cap ? 0 : i + 1;
        }
        return i;
    }

    /** Publishes key {@code k} (hash {@code h}) in row {@code i}, whose value is written; lock held. */
    private void publish(int i, long[] k, int h) {
        int base = i * rowWords;
        for (int w = 0; !packed && w < keyWords; w++) {
            LONGS.setRelease(rows, base + 1 + w, k[w]);
        }
        int d = i - home(h);
        d = d < 0 ? d + cap : d;
        if (d > maxProbe) {
            maxProbe = d; // before the key is published: a lookup that sees the key also sees the bound
        }
        LONGS.setRelease(rows, base, liveState(k[0], h));
        count++;
    }

    /** Deletes row {@code i} (lock held): a tombstone, or empty rows when the next row is empty. */
    private void remove(int i) {
        int next = i + 1 == cap ? 0 : i + 1;
        if ((long) LONGS.get(rows, next * rowWords) == EMPTY) {
            // No key lies past an empty row from a home before it: this row and the tombstones before it empty.
            int j = i;
            do {
                LONGS.setRelease(rows, j * rowWords, EMPTY);
                j = j == 0 ? cap - 1 : j - 1;
            } while (j != i && (long) LONGS.get(rows, j * rowWords) == TOMB);
        } else {
            LONGS.setRelease(rows, i * rowWords, TOMB);
        }
        count--;
    }

    private long pointerTo(int i) {
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
    public long lookupPointer(EbpfMemory memory, long keyAddr) {
        long[] k = readKey(memory, keyAddr, keySize);
        return pointerTo(find(k, hash(k)));
    }

    @Override
    public boolean wordKeyed() {
        return keySize == 1 || keySize == 2 || keySize == 4 || keySize == 8;
    }

    @Override
    public long lookupWord(long key) {
        return pointerTo(find1(key, HashBpfMap.finish(seed ^ key)));
    }

    @Override
    public long lookupWord(long key, int cpu) {
        return lookupWord(key);
    }

    @Override
    public boolean stackKeyed() {
        return true;
    }

    @Override
    public long lookupStack(byte[] stack, int offset, int cpu, long[] scratch) {
        long k0 = stackWord(stack, offset, keySize, 0);
        if (keyWords == 1) {
            return lookupWord(k0);
        }
        if (keyWords == 2) {
            long k1 = stackWord(stack, offset, keySize, 1);
            return pointerTo(find2(k0, k1, HashBpfMap.finish(HashBpfMap.fold(seed ^ k0, k1))));
        }
        scratch[0] = k0;
        for (int w = 1; w < keyWords; w++) {
            scratch[w] = stackWord(stack, offset, keySize, w);
        }
        return pointerTo(find(scratch, hash(scratch)));
    }

    @Override
    public long updateFrom(EbpfMemory memory, long keyAddr, long valueAddr, long flags) {
        if (flags < 0 || flags > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        return put(readKey(memory, keyAddr, keySize), flags, memory, valueAddr, null);
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
        values.copyOut(i, value, 0);
        return true;
    }

    @Override
    public boolean lookupPerCpu(byte[] key, byte[] out) {
        return lookup(key, out);
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
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
            if (insert && (i = freeRow(h)) < 0) {
                return -Errno.E2BIG;
            }
            // A new key's value first (a bad value pointer faults here, the map unchanged), then the key.
            if (value != null) {
                values.copyIn(i, value, 0);
            } else {
                values.copyIn(i, memory, valueAddr);
            }
            if (insert) {
                publish(i, k, h);
            }
            return 0;
        }
    }

    @Override
    public int delete(byte[] key) {
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
    public synchronized int nextKey(byte[] key, byte[] out) {
        int i = 0;
        if (key != null) {
            long[] k = readKey(key);
            int from = find(k, hash(k));
            i = from < 0 ? 0 : from + 1;
        }
        for (; i < cap; i++) {
            int base = i * rowWords;
            if ((rows[base] & LIVE) != 0) {
                keyOf(i, out);
                return 0;
            }
        }
        return -Errno.ENOENT;
    }

    /** Visits the live rows in {@link #nextKey} order, each key and value read under the lock. */
    @Override
    public void forEach(EntryVisitor visitor) {
        byte[] key = new byte[keySize];
        byte[] value = new byte[spec.valueSize()];
        for (int i = 0; i < cap; i++) {
            synchronized (this) {
                int base = i * rowWords;
                if ((rows[base] & LIVE) == 0) {
                    continue;
                }
                keyOf(i, key);
                values.copyOut(i, value, 0);
            }
            visitor.visit(key, value);
        }
    }

    @Override
    public synchronized void clear() {
        for (int i = 0; i < cap; i++) {
            LONGS.setRelease(rows, i * rowWords, EMPTY);
        }
        values.zeroAll();
        count = 0;
        maxProbe = 0;
    }

    @Override
    public int size() {
        return count;
    }

    /** The rows of the table (tests). */
    int capacity() {
        return cap;
    }

    /** The longest probe a lookup takes now (tests: tombstones must not lengthen it). */
    int maxProbe() {
        return maxProbe;
    }

    /** The value storage (tests of its fast paths against its general ones). */
    ValueStore valueStore() {
        return values;
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
