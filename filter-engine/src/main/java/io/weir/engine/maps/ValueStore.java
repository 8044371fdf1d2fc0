package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.ExternalRegion;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Flat value storage of a map: {@code slots} values of {@code valueSize} bytes, each starting on an 8-byte
 * boundary (a stride of {@code valueSize} rounded up to 8, as the kernel aligns values), packed little-endian in
 * one {@code long[]}. A program addresses it as region bytes {@code slot * stride + offset}.
 *
 * <p>Thread safety: 8-byte aligned loads and stores are single array accesses; narrower or unaligned stores
 * compare-and-set their word so that they never undo a neighbour's concurrent write; atomic operations use the
 * {@code long[]} element {@link VarHandle} ({@code getAndAdd}, {@code compareAndSet}), so concurrent adds lose no
 * counts. Accesses are bounded to one value: a pointer into value {@code i} cannot reach value {@code i + 1}.
 */
final class ValueStore {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    final long[] words;
    final int valueSize;
    final int stride;
    final int wordsPerValue;
    final int slots;

    ValueStore(int slots, int valueSize) {
        this.slots = slots;
        this.valueSize = valueSize;
        this.stride = (valueSize + 7) & ~7;
        this.wordsPerValue = stride >>> 3;
        this.words = new long[Math.multiplyExact(slots, wordsPerValue)];
    }

    /** Checks that {@code size} bytes at region offset {@code off} stay inside one value. */
    void check(int off, int size, String what, String name) {
        int within = (stride & (stride - 1)) == 0 ? off & (stride - 1) : off % stride;
        if (off < 0 || (long) off + size > (long) slots * stride || within + size > valueSize) {
            throw new EbpfMemory.Fault("out-of-bounds " + what + " of " + size + " bytes at offset " + off
                    + " of map '" + name + "' (value_size " + valueSize + ")");
        }
    }

    long load(int off, int size) {
        int w = off >>> 3;
        int shift = (off & 7) << 3;
        long lo = words[w] >>> shift;
        if ((off & 7) + size > 8) {
            lo |= words[w + 1] << (64 - shift);
        }
        return size == 8 ? lo : lo & ((1L << (size << 3)) - 1);
    }

    void store(int off, int size, long value) {
        int w = off >>> 3;
        int shift = (off & 7) << 3;
        if (size == 8 && shift == 0) {
            words[w] = value;
            return;
        }
        long mask = size == 8 ? -1L : (1L << (size << 3)) - 1;
        long v = value & mask;
        merge(w, mask << shift, v << shift);
        if ((off & 7) + size > 8) {
            int rest = 64 - shift;
            merge(w + 1, mask >>> rest, v >>> rest);
        }
    }

    private void merge(int w, long mask, long bits) {
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
        int w = off >>> 3;
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
        int shift = (off & 7) << 3;
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

    /** Copies value {@code slot} into {@code out[at, at + valueSize)}. */
    void copyOut(int slot, byte[] out, int at) {
        int base = slot * wordsPerValue;
        for (int i = 0; i < valueSize; i++) {
            out[at + i] = (byte) (words[base + (i >>> 3)] >>> ((i & 7) << 3));
        }
    }

    /** Copies {@code in[at, at + valueSize)} into value {@code slot} (word by word; not atomic as a whole). */
    void copyIn(int slot, byte[] in, int at) {
        int base = slot * wordsPerValue;
        for (int k = 0; k < wordsPerValue; k++) {
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
        int base = slot * wordsPerValue;
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
        int base = slot * wordsPerValue;
        for (int k = 0; k < wordsPerValue; k++) {
            words[base + k] = 0;
        }
    }

    void zeroAll() {
        java.util.Arrays.fill(words, 0);
    }
}
