package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.MemoryModel;

/**
 * {@code ringbuf}: variable-length records from programs to Java, delivered in reservation order, as Linux's
 * BPF ring buffer. The data area is {@code max_entries} bytes (a power of two); each record is an 8-byte header
 * (length, with a busy and a discard bit, as Linux's {@code BPF_RINGBUF_BUSY_BIT} and
 * {@code BPF_RINGBUF_DISCARD_BIT}) and its bytes, rounded up to 8. A program's record pointer is an offset into
 * this map's region; offsets {@code [size, 2 * size)} wrap to the start, as Linux maps the data pages twice, so a
 * record is contiguous for the program even when it wraps.
 *
 * <p>Policy when full: a reservation that does not fit fails ({@code bpf_ringbuf_reserve} returns NULL,
 * {@code bpf_ringbuf_output} returns -EAGAIN) and is counted in {@link #dropped()}; nothing already written is
 * overwritten. A record reserved but not yet submitted holds back the records after it, as in Linux.
 *
 * <p>Producers and the consumer synchronize on the ring (reservation, commit and polling take its lock; the
 * program writes a record's bytes between its reserve and its submit, without the lock).
 */
public final class RingBuffer extends BpfMap {
    /** Linux's {@code BPF_RINGBUF_HDR_SZ}. */
    public static final int HEADER = 8;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;

    private final int size;
    private final int mask;
    private final byte[] data;
    private long producer;
    private long consumer;
    private long dropped;

    RingBuffer(MapSpec spec) {
        super(spec, 1);
        this.size = spec.maxEntries();
        this.mask = size - 1;
        this.data = new byte[size];
    }

    /** The data area's size in bytes. */
    public int capacity() {
        return size;
    }

    /** Reservations refused because the ring was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Bytes reserved and not yet consumed (headers included). */
    public synchronized long pending() {
        return producer - consumer;
    }

    /** Receives one record; the array is fresh. */
    @FunctionalInterface
    public interface RecordVisitor {
        /** One submitted record's bytes. */
        void record(byte[] bytes);
    }

    /**
     * Delivers every committed record in order, skipping discarded ones, up to the first record still being
     * written; returns the number delivered.
     */
    public int poll(RecordVisitor visitor) {
        int n = 0;
        for (;;) {
            byte[] rec;
            synchronized (this) {
                if (consumer == producer) {
                    return n;
                }
                int header = (int) read(consumer, 4);
                if ((header & BUSY) != 0) {
                    return n;
                }
                int len = header & ~(BUSY | DISCARD);
                rec = (header & DISCARD) != 0 ? null : new byte[len];
                if (rec != null) {
                    for (int i = 0; i < len; i++) {
                        rec[i] = data[(int) (consumer + HEADER + i) & mask];
                    }
                }
                consumer += total(len);
            }
            if (rec != null) {
                visitor.record(rec);
                n++;
            }
        }
    }

    private static long total(int len) {
        return (len + HEADER + 7L) & ~7L;
    }

    private long read(long pos, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (data[(int) (pos + i) & mask] & 0xffL) << (i << 3);
        }
        return v;
    }

    private void write(long pos, int bytes, long v) {
        for (int i = 0; i < bytes; i++) {
            data[(int) (pos + i) & mask] = (byte) (v >>> (i << 3));
        }
    }

    // ------------------------------------------------------------------ program side (helpers 130-133)

    /** {@code bpf_ringbuf_reserve}: a pointer to {@code len} writable bytes, or 0 when full or invalid. */
    public synchronized long reserve(long len, long flags) {
        if (flags != 0 || len < 0 || len > size - HEADER || len > (DISCARD - 1)) {
            return 0;
        }
        long need = total((int) len);
        if (producer + need - consumer > size) {
            dropped++;
            return 0;
        }
        long at = producer;
        write(at, 4, (int) len | BUSY);
        write(at + 4, 4, 0);
        producer += need;
        return MemoryModel.pointer(region, (int) (at & mask) + HEADER);
    }

    /** {@code bpf_ringbuf_submit} and {@code bpf_ringbuf_discard}: commits the record at {@code pointer}. */
    public synchronized void commit(long pointer, boolean discard) {
        int off = MemoryModel.offset(pointer) - HEADER;
        if (MemoryModel.region(pointer) != region || off < 0 || off >= size || (off & 7) != 0) {
            throw new EbpfMemory.Fault("ringbuf " + (discard ? "discard" : "submit") + " of "
                    + MemoryModel.describe(pointer) + ", not a record of ring buffer '" + spec.name() + "'");
        }
        int header = (int) read(off, 4);
        if ((header & BUSY) == 0) {
            throw new EbpfMemory.Fault("ringbuf record at " + MemoryModel.describe(pointer)
                    + " submitted or discarded twice");
        }
        write(off, 4, (header & ~BUSY) | (discard ? DISCARD : 0));
    }

    /** {@code bpf_ringbuf_output}: copies {@code len} bytes from program memory as one record. */
    public long output(EbpfMemory memory, long addr, long len, long flags) {
        if ((flags & ~3L) != 0) {
            return -Errno.EINVAL;
        }
        long p = reserve(len, 0);
        if (p == 0) {
            return -Errno.EAGAIN;
        }
        int at = MemoryModel.offset(p);
        for (int i = 0; i < len; i++) {
            data[(at + i) & mask] = (byte) memory.load(addr + i, 1);
        }
        commit(p, false);
        return 0;
    }

    /** Appends a record from Java (as a program's {@code bpf_ringbuf_output} would); false when full. */
    public boolean offer(byte[] bytes) {
        long p = reserve(bytes.length, 0);
        if (p == 0) {
            return false;
        }
        int at = MemoryModel.offset(p);
        for (int i = 0; i < bytes.length; i++) {
            data[(at + i) & mask] = bytes[i];
        }
        commit(p, false);
        return true;
    }

    // ------------------------------------------------------------------ not a key/value map

    @Override
    public long lookupPointer(EbpfMemory memory, long keyAddr) {
        return 0;
    }

    @Override
    public long updateFrom(EbpfMemory memory, long keyAddr, long valueAddr, long flags) {
        return -Errno.EINVAL;
    }

    @Override
    public long deleteFrom(EbpfMemory memory, long keyAddr) {
        return -Errno.EINVAL;
    }

    @Override
    public boolean lookup(byte[] key, byte[] value) {
        return false;
    }

    @Override
    public boolean lookupPerCpu(byte[] key, byte[] values) {
        return false;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return -Errno.EINVAL;
    }

    @Override
    public int delete(byte[] key) {
        return -Errno.EINVAL;
    }

    @Override
    public int nextKey(byte[] key, byte[] next) {
        return -Errno.ENOENT;
    }

    /** Drops every record not yet consumed (records being written are dropped too). */
    @Override
    public synchronized void clear() {
        consumer = producer;
    }

    /** The number of records waiting (committed or not). */
    @Override
    public synchronized int size() {
        int n = 0;
        for (long p = consumer; p < producer; ) {
            int header = (int) read(p, 4);
            n++;
            p += total(header & ~(BUSY | DISCARD));
        }
        return n;
    }

    // ------------------------------------------------------------------ region

    @Override
    public long load(int offset, int bytes) {
        check(offset, bytes, "read");
        return read(offset, bytes);
    }

    @Override
    public void store(int offset, int bytes, long value) {
        check(offset, bytes, "write");
        write(offset, bytes, value);
    }

    @Override
    public long atomic(int offset, int bytes, int op, long value, long expected) {
        throw new EbpfMemory.Fault("atomic access to ring buffer '" + spec.name() + "' record");
    }

    private void check(int offset, int bytes, String what) {
        if (offset < HEADER || (long) offset + bytes > 2L * size) {
            throw new EbpfMemory.Fault("out-of-bounds " + what + " of " + bytes + " bytes at offset " + offset
                    + " of ring buffer '" + spec.name() + "'");
        }
    }
}
