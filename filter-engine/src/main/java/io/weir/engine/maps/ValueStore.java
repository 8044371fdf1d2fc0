package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.ExternalRegion;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Flat value storage of a map: up to {@code maxSlots} values of {@code valueSize} bytes, each starting on an
 * 8-byte boundary (a stride of {@code valueSize} rounded up to 8, as the kernel aligns values), packed
 * little-endian in {@code long[]} chunks of {@link #chunkSlots} values. Chunks are allocated as the map grows
 * ({@link #grow}) and never move or shrink, so a program's pointer into a value and its atomic adds stay valid
 * while other threads insert. A small map is one chunk.
 *
 * <p>A program addresses value {@code slot} as region offset {@link #offset(int)}: the chunk number above
 * {@code chunkBits} bits, the byte within the chunk below (offsets are not contiguous across chunks, and need
 * not be: an access never leaves its value).
 *
 * <p>Thread safety: 8-byte aligned loads and stores are single array accesses; narrower or unaligned stores
 * compare-and-set their word so that they never undo a neighbour's concurrent write; atomic operations use the
 * {@code long[]} element {@link VarHandle} ({@code getAndAdd}, {@code compareAndSet}), so concurrent adds lose no
 * counts. Accesses are bounded to one value: a pointer into value {@code i} cannot reach value {@code i + 1}.
 * {@link #grow} runs under the owning map's lock and publishes new chunks before the entries that use them.
 *
 * <p>Aligned 4- and 8-byte loads, stores and adds inside one value (what a JIT-compiled counter does) take small
 * fast paths that C2 inlines into the program; any other access, and every bad one, takes the general check and
 * method, so results and fault messages do not depend on the path ({@code ValueFastPathTest}).
 */
final class ValueStore {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    /** The value bytes of one chunk of a large map: small enough not to be a humongous object for G1. */
    static final int CHUNK_BYTES = 1 << 18;

    final int valueSize;
    /** Bytes from one value to the next: the value rounded up to 8, or the row of a table with values inline. */
    final int stride;
    /** Longs from one value to the next ({@code stride / 8}). */
    final int wordsPerValue;
    /** Longs of one value ({@code valueSize} rounded up to 8, over 8). */
    final int valueWords;
    /** Where a value starts within its stride, in longs (0 unless values are inline in rows) and in bytes. */
    final int valueWord;
    private final int valueStart;
    /** Lemire's fastmod multiplier for {@code stride} (no division on the access path when it is no power of 2). */
    private final long strideMagic;
    final int maxSlots;
    /** Values per chunk, a power of two. */
    final int chunkSlots;
    private final int slotMask;
    private final int slotShift;
    /** Offset bits within a chunk. */
    private final int chunkBits;
    private final int inChunkMask;
    /** {@code stride - 1} when the stride is a power of two (the common case), else -1. */
    private final int strideMask;
    /** The chunks allocated so far; replaced (never modified) when one is added. */
    private long[][] chunks = new long[0][];
    /** Slots allocated so far. */
    private int slots;
    /**
     * The chunk of a store that is one chunk, allocated whole at creation (any map whose values fit
     * {@link #CHUNK_BYTES}), else null: the fast paths then reach a value in one step fewer.
     */
    private final long[] single;

    /** A store of at most {@code maxSlots} values with the first {@code initialSlots} allocated. */
    ValueStore(int maxSlots, int valueSize, int initialSlots) {
        this(maxSlots, valueSize, initialSlots, (valueSize + 7) >>> 3, 0, false);
    }

    /**
     * A store of {@code rows} rows of {@code rowWords} longs, all allocated as one chunk ({@link #words()}), whose
     * value {@code i} starts at long {@code valueWord} of row {@code i}: a table that keeps its values inline
     * ({@link InlineHashBpfMap}) owns the other words of each row. With {@code rowWords} the value's own words and
     * {@code valueWord} 0 it is a flat array of values (the per-slot planes of {@link InlinePerCpuHashBpfMap}).
     */
    static ValueStore rows(int rows, int valueSize, int rowWords, int valueWord) {
        return new ValueStore(rows, valueSize, rows, rowWords, valueWord, true);
    }

    private ValueStore(int maxSlots, int valueSize, int initialSlots, int strideWords, int valueWord, boolean one) {
        this.maxSlots = maxSlots;
        this.valueSize = valueSize;
        this.stride = strideWords << 3;
        this.wordsPerValue = strideWords;
        this.valueWords = (valueSize + 7) >>> 3;
        this.valueWord = valueWord;
        this.valueStart = valueWord << 3;
        this.strideMagic = Long.divideUnsigned(-1L, stride) + 1;
        // A small map is one chunk; a large one has chunks of about CHUNK_BYTES (a power of two values each).
        if (one || (long) maxSlots * stride <= CHUNK_BYTES) {
            this.chunkSlots = maxSlots <= 1 ? 1 : Integer.highestOneBit(maxSlots - 1) << 1;
        } else {
            this.chunkSlots = Integer.highestOneBit(Math.max(1, CHUNK_BYTES / stride));
        }
        this.slotMask = chunkSlots - 1;
        this.slotShift = Integer.numberOfTrailingZeros(chunkSlots);
        long chunkBytes = (long) chunkSlots * stride;
        this.chunkBits = 64 - Long.numberOfLeadingZeros(Math.max(1, chunkBytes - 1));
        this.inChunkMask = (int) ((1L << chunkBits) - 1);
        this.strideMask = (stride & (stride - 1)) == 0 ? stride - 1 : -1;
        grow(initialSlots);
        this.single = chunks.length == 1 && slots == maxSlots ? chunks[0] : null;
    }

    /** Whether a store of {@code maxSlots} values of {@code valueSize} bytes fits a region's 2^31 offsets. */
    static boolean fits(int maxSlots, int valueSize) {
        long stride = (valueSize + 7L) & ~7L;
        long all = maxSlots * stride;
        if (all <= CHUNK_BYTES) {
            return true;
        }
        long per = Long.highestOneBit(Math.max(1, CHUNK_BYTES / stride));
        long chunks = (maxSlots + per - 1) / per;
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, per * stride - 1));
        return bits < 31 && chunks <= (1L << (31 - bits));
    }

    /** The one chunk of a store made by {@link #rows} (or any store that is one chunk), else null. */
    long[] words() {
        return single;
    }

    /** {@code in mod stride} for {@code in >= 0}: a mask, or Lemire's fastmod (two multiplies, no division). */
    private int within(int in) {
        if (strideMask >= 0) {
            return in & strideMask;
        }
        long low = strideMagic * (in & 0xffff_ffffL);
        return (int) (Math.multiplyHigh(low, stride) + ((low >> 63) & stride));
    }

    /** Slots allocated so far. */
    int slots() {
        return slots;
    }

    /** Allocates chunks until at least {@code needed} slots (at most {@link #maxSlots}) exist; lock held. */
    void grow(int needed) {
        int target = Math.min(needed, maxSlots);
        if (target <= slots) {
            return;
        }
        long[][] c = chunks;
        int have = slots;
        while (have < target) {
            int n = Math.min(chunkSlots, maxSlots - have);
            c = Arrays.copyOf(c, c.length + 1);
            c[c.length - 1] = new long[Math.multiplyExact(n, wordsPerValue)];
            have += n;
        }
        chunks = c;
        slots = have;
    }

    /** The region offset of value {@code slot}. */
    int offset(int slot) {
        return (slot >>> slotShift) << chunkBits | ((slot & slotMask) * stride + valueStart);
    }

    /** {@link #offset} for a store made by {@link #rows} (one chunk): the value of row {@code row}. */
    int rowOffset(int row) {
        return row * stride + valueStart;
    }

    /** Checks that {@code size} bytes at region offset {@code off} stay inside one allocated value. */
    void check(int off, int size, String what, String name) {
        long[][] c = chunks;
        int chunk = off >>> chunkBits;
        int in = off & inChunkMask;
        int within = within(in) - valueStart;
        if (off < 0 || chunk >= c.length || (long) in + size > (long) c[chunk].length << 3
                || within < 0 || within + size > valueSize) {
            throw new EbpfMemory.Fault("out-of-bounds " + what + " of " + size + " bytes at offset " + off
                    + " of map '" + name + "' (value_size " + valueSize + ")");
        }
    }

    // Fast paths for what a JIT-compiled program does most: an aligned 8-byte load, store or add inside one value.
    // Each is small enough for C2 to inline into the program; anything else, including every bad access, takes
    // the general check and method, so faults and their messages are those of the general path.

    /**
     * The chunk holding an aligned access of {@code size} (4 or 8, a constant at every call) bytes at {@code off}
     * that stays inside one value, or null.
     */
    private long[] aligned(int off, int size) {
        long[] words = single;
        int in = off;
        if (words == null) {
            long[][] c = chunks;
            int ci = off >>> chunkBits;
            if (ci >= c.length) {
                return null;
            }
            words = c[ci];
            in = off & inChunkMask;
        }
        int within = within(in) - valueStart;
        return in >= 0 && (in & (size - 1)) == 0 && (in >>> 3) < words.length && within >= 0
                && within + size <= valueSize ? words : null;
    }

    /** {@code check} then {@code load(off, 4)}, with a fast path. */
    long load4(int off, String name) {
        long[] words = aligned(off, 4);
        if (words != null) {
            int in = off & inChunkMask;
            return (words[in >>> 3] >>> ((in & 4) << 3)) & 0xffff_ffffL;
        }
        check(off, 4, "read", name);
        return load(off, 4);
    }

    /**
     * {@code check} then a 4-byte atomic add, or, and or xor (ExternalRegion codes; others take the general
     * path), returning the old value zero-extended: a compare-and-set loop on the word holding it.
     */
    long atomic4(int off, int op, long value, String name) {
        long[] words = aligned(off, 4);
        if (words == null || op > ExternalRegion.ATOMIC_XOR) {
            check(off, 4, "atomic access", name);
            return atomic(off, 4, op, value, 0, name);
        }
        int in = off & inChunkMask;
        int w = in >>> 3;
        int shift = (in & 4) << 3;
        int v = (int) value;
        for (;;) {
            long old = (long) WORDS.getVolatile(words, w);
            int cur = (int) (old >>> shift);
            int next = op == ExternalRegion.ATOMIC_ADD ? cur + v : op == ExternalRegion.ATOMIC_OR ? cur | v
                    : op == ExternalRegion.ATOMIC_AND ? cur & v : cur ^ v;
            long updated = (old & ~(0xffff_ffffL << shift)) | ((next & 0xffff_ffffL) << shift);
            if (WORDS.compareAndSet(words, w, old, updated)) {
                return cur & 0xffff_ffffL;
            }
        }
    }

    /** {@code check} then {@code load(off, 8)}, with a fast path. */
    long load8(int off, String name) {
        long[] words = aligned(off, 8);
        if (words != null) {
            return words[(off & inChunkMask) >>> 3];
        }
        check(off, 8, "read", name);
        return load(off, 8);
    }

    /** {@code check} then {@code store(off, 8, value)}, with a fast path. */
    void store8(int off, long value, String name) {
        long[] words = aligned(off, 8);
        if (words != null) {
            words[(off & inChunkMask) >>> 3] = value;
            return;
        }
        check(off, 8, "write", name);
        store(off, 8, value);
    }

    /** {@code check} then an atomic 8-byte add (returns the old value), with a fast path. */
    long add8(int off, long value, String name) {
        long[] words = aligned(off, 8);
        if (words != null) {
            return (long) WORDS.getAndAdd(words, (off & inChunkMask) >>> 3, value);
        }
        check(off, 8, "atomic access", name);
        return atomic(off, 8, ExternalRegion.ATOMIC_ADD, value, 0, name);
    }

    /** A program's load of {@code size} bytes at region offset {@code off}: checked, with the fast paths. */
    long regionLoad(int off, int size, String name) {
        if (size == 8) {
            return load8(off, name);
        }
        if (size == 4) {
            return load4(off, name);
        }
        check(off, size, "read", name);
        return load(off, size);
    }

    /** A program's store: checked, with the fast path. */
    void regionStore(int off, int size, long value, String name) {
        if (size == 8) {
            store8(off, value, name);
            return;
        }
        check(off, size, "write", name);
        store(off, size, value);
    }

    /** A program's atomic operation ({@link ExternalRegion} codes): checked, with the fast paths. */
    long regionAtomic(int off, int size, int op, long value, long expected, String name) {
        if (size == 8 && op == ExternalRegion.ATOMIC_ADD) {
            return add8(off, value, name);
        }
        if (size == 4 && op <= ExternalRegion.ATOMIC_XOR) {
            return atomic4(off, op, value, name);
        }
        check(off, size, "atomic access", name);
        return atomic(off, size, op, value, expected, name);
    }

    long load(int off, int size) {
        long[] words = chunks[off >>> chunkBits];
        int in = off & inChunkMask;
        int w = in >>> 3;
        int shift = (in & 7) << 3;
        long lo = words[w] >>> shift;
        if ((in & 7) + size > 8) {
            lo |= words[w + 1] << (64 - shift);
        }
        return size == 8 ? lo : lo & ((1L << (size << 3)) - 1);
    }

    void store(int off, int size, long value) {
        long[] words = chunks[off >>> chunkBits];
        int in = off & inChunkMask;
        int w = in >>> 3;
        int shift = (in & 7) << 3;
        if (size == 8 && shift == 0) {
            words[w] = value;
            return;
        }
        long mask = size == 8 ? -1L : (1L << (size << 3)) - 1;
        long v = value & mask;
        merge(words, w, mask << shift, v << shift);
        if ((in & 7) + size > 8) {
            int rest = 64 - shift;
            merge(words, w + 1, mask >>> rest, v >>> rest);
        }
    }

    private static void merge(long[] words, int w, long mask, long bits) {
        long old;
        do {
            old = (long) WORDS.getVolatile(words, w);
        } while (!WORDS.compareAndSet(words, w, old, (old & ~mask) | (bits & mask)));
    }

    long atomic(int off, int size, int op, long value, long expected, String name) {
        if ((off & (size - 1)) != 0 || (size != 4 && size != 8)) {
            throw new EbpfMemory.Fault("misaligned atomic access of " + size + " bytes at offset " + off
                    + " of map '" + name + "'");
        }
        long[] words = chunks[off >>> chunkBits];
        int in = off & inChunkMask;
        int w = in >>> 3;
        if (size == 8) {
            switch (op) {
                case ExternalRegion.ATOMIC_ADD: return (long) WORDS.getAndAdd(words, w, value);
                case ExternalRegion.ATOMIC_OR: return (long) WORDS.getAndBitwiseOr(words, w, value);
                case ExternalRegion.ATOMIC_AND: return (long) WORDS.getAndBitwiseAnd(words, w, value);
                case ExternalRegion.ATOMIC_XOR: return (long) WORDS.getAndBitwiseXor(words, w, value);
                case ExternalRegion.ATOMIC_XCHG: return (long) WORDS.getAndSet(words, w, value);
                default: return (long) WORDS.compareAndExchange(words, w, expected, value);
            }
        }
        int shift = (in & 7) << 3;
        long mask = 0xffff_ffffL << shift;
        for (;;) {
            long old = (long) WORDS.getVolatile(words, w);
            int cur = (int) (old >>> shift);
            int v = (int) value;
            int next;
            switch (op) {
                case ExternalRegion.ATOMIC_ADD: next = cur + v; break;
                case ExternalRegion.ATOMIC_OR: next = cur | v; break;
                case ExternalRegion.ATOMIC_AND: next = cur & v; break;
                case ExternalRegion.ATOMIC_XOR: next = cur ^ v; break;
                case ExternalRegion.ATOMIC_XCHG: next = v; break;
                default:
                    if (cur != (int) expected) {
                        return cur & 0xffff_ffffL;
                    }
                    next = v;
                    break;
            }
            long updated = (old & ~mask) | ((next & 0xffff_ffffL) << shift);
            if (WORDS.compareAndSet(words, w, old, updated)) {
                return cur & 0xffff_ffffL;
            }
        }
    }

    private long[] chunkOf(int slot) {
        return chunks[slot >>> slotShift];
    }

    private int baseOf(int slot) {
        return (slot & slotMask) * wordsPerValue + valueWord;
    }

    /** Copies value {@code slot} into {@code out[at, at + valueSize)}. */
    void copyOut(int slot, byte[] out, int at) {
        long[] words = chunkOf(slot);
        int base = baseOf(slot);
        for (int i = 0; i < valueSize; i++) {
            out[at + i] = (byte) (words[base + (i >>> 3)] >>> ((i & 7) << 3));
        }
    }

    /** Copies {@code in[at, at + valueSize)} into value {@code slot} (word by word; not atomic as a whole). */
    void copyIn(int slot, byte[] in, int at) {
        long[] words = chunkOf(slot);
        int base = baseOf(slot);
        for (int k = 0; k < valueWords; k++) {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                int i = (k << 3) + b;
                if (i < valueSize) {
                    v |= (in[at + i] & 0xffL) << (b << 3);
                }
            }
            words[base + k] = v;
        }
    }

    /** Copies {@code valueSize} bytes from program memory at {@code addr} into value {@code slot}. */
    void copyIn(int slot, EbpfMemory memory, long addr) {
        long[] words = chunkOf(slot);
        int base = baseOf(slot);
        int full = valueSize >>> 3;
        for (int k = 0; k < full; k++) {
            words[base + k] = memory.load(addr + (k << 3), 8);
        }
        if ((valueSize & 7) != 0) {
            long v = 0;
            for (int i = full << 3; i < valueSize; i++) {
                v |= memory.load(addr + i, 1) << ((i & 7) << 3);
            }
            words[base + full] = v;
        }
    }

    void zero(int slot) {
        Arrays.fill(chunkOf(slot), baseOf(slot), baseOf(slot) + valueWords, 0L);
    }

    void zeroAll() {
        for (long[] c : chunks) {
            Arrays.fill(c, 0L);
        }
    }
}
