package io.weir.engine.verifier;

import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Opcode.Form;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Size;

/**
 * The abstract semantics of loads, stores and atomics (RFC 9669 sections 5.2 and 5.3): which memory a pointer
 * may reach and what a load returns. Packets are read-only and readable only within a range a comparison with
 * {@code data_end} has proven; the context only at its fields, with 4-byte loads; the stack within the frame,
 * naturally aligned, and read only where written; map values within their size, after a null check, and
 * never written when the map is read-only for programs ({@code .rodata}); ring buffer records within their
 * reserved size, after a null check.
 */
final class Memory {
    private Memory() {}

    static void load(Analyzer a, FrameState f, Insn i, int index) {
        RegState base = a.read(f, i.src());
        int size = i.size().bytes();
        RegState v = access(a, i.src(), base, i.off(), size, null, index);
        if (i.op().form() == Form.LDXSX) {
            if (!v.isScalar()) {
                throw new Reject("R" + i.src() + " sign-extending load of a pointer prohibited");
            }
            v = RegState.scalar(v.var.sext(size * 8));
        }
        f.regs[i.dst()] = v;
    }

    static void store(Analyzer a, FrameState f, Insn i, int index) {
        RegState base = a.read(f, i.dst());
        RegState value = i.op().form() == Form.ST ? RegState.constant(i.imm64()) : a.read(f, i.src());
        access(a, i.dst(), base, i.off(), i.size().bytes(), value, index);
    }

    static void atomic(Analyzer a, FrameState f, Insn i, int index) {
        RegState base = a.read(f, i.dst());
        RegState value = a.read(f, i.src());
        int size = i.size().bytes();
        if (base.type != RegType.PTR_TO_STACK && base.type != RegType.PTR_TO_MAP_VALUE) {
            throw new Reject("BPF_ATOMIC stores into R" + i.dst() + " " + base.type.label() + " is not allowed");
        }
        if (!value.isScalar()) {
            throw new Reject("R" + i.src() + " leaks addr into mem");
        }
        access(a, i.dst(), base, i.off(), size, null, index);
        access(a, i.dst(), base, i.off(), size, RegState.UNKNOWN, index);
        RegState old = RegState.scalar(size == 4 ? Scalar.unsigned(0, Scalar.M32) : Scalar.UNKNOWN);
        if (i.op().atomicOp() == io.weir.engine.ebpf.AtomicOp.CMPXCHG) {
            RegState r0 = a.read(f, 0);
            if (!r0.isScalar()) {
                throw new Reject("R0 leaks addr into mem");
            }
            f.regs[0] = old;
        } else if (i.op().atomicFetches()) {
            f.regs[i.src()] = old;
        }
    }

    /**
     * Checks one access of {@code size} bytes at {@code base + off}; a store when {@code stored} is non-null.
     * Returns what a load reads.
     */
    static RegState access(Analyzer a, int r, RegState base, int off, int size, RegState stored, int index) {
        boolean write = stored != null;
        a.noteAccess(index, base.type);
        switch (base.type) {
            case PTR_TO_CTX:
                return context(a.type(), base.off + off, size, write);
            case PTR_TO_PACKET: {
                if (write) {
                    throw new Reject("cannot write into packet: packets of " + a.type().label()
                            + " programs are read-only");
                }
                long o = (long) base.off + off;
                if (o < 0 || base.var.smin < 0) {
                    throw new Reject("invalid access to packet, off=" + o + " size=" + size + ", R" + r
                            + " min value is negative");
                }
                if (o + size > base.range) {
                    throw new Reject("invalid access to packet, off=" + o + " size=" + size + ", R" + r
                            + " range=[0," + base.range + ")");
                }
                return RegState.scalar(Scalar.unsigned(0, size == 8 ? -1L : (1L << size * 8) - 1));
            }
            case PTR_TO_STACK:
                return stack(a, r, base, off, size, stored);
            case PTR_TO_MAP_VALUE: {
                Verifier.MapDef m = a.map(base.map);
                long lo = (long) base.off + off + base.var.smin;
                long hi = (long) base.off + off + base.var.smax + size;
                if (base.var.smin < 0) {
                    throw new Reject("R" + r + " min value is negative, either use unsigned index or do a"
                            + " if (index >=0) check.");
                }
                if (lo < 0 || hi > m.valueSize()) {
                    throw new Reject("invalid access to map value, value_size=" + m.valueSize() + " off="
                            + ((long) base.off + off) + " size=" + size + (base.var.isConst() ? ""
                            : ", R" + r + " variable offset " + base.var));
                }
                if (write && m.readOnly()) {
                    throw new Reject("write into map forbidden, value_size=" + m.valueSize() + " off="
                            + ((long) base.off + off) + " size=" + size + ": the map is read-only for programs");
                }
                if (write && !stored.isScalar()) {
                    throw new Reject("leaks addr into map value");
                }
                return RegState.scalar(Scalar.unsigned(0, size == 8 ? -1L : (1L << size * 8) - 1));
            }
            case PTR_TO_MEM: {
                long lo = (long) base.off + off + base.var.smin;
                long hi = (long) base.off + off + base.var.smax + size;
                if (base.var.smin < 0 || lo < 0 || hi > base.range) {
                    throw new Reject("invalid access to memory, mem_size=" + base.range + " off="
                            + ((long) base.off + off) + " size=" + size + (base.var.isConst() ? ""
                            : ", R" + r + " variable offset " + base.var));
                }
                if (write && !stored.isScalar()) {
                    throw new Reject("R" + r + " leaks addr into mem");
                }
                return RegState.scalar(Scalar.unsigned(0, size == 8 ? -1L : (1L << size * 8) - 1));
            }
            case NOT_INIT:
                throw new Reject("R" + r + " !read_ok");
            default:
                throw new Reject("R" + r + " invalid mem access '" + base.type.label() + "'");
        }
    }

    private static RegState context(ProgramType type, int off, int size, boolean write) {
        String bad = "invalid bpf_context access off=" + off + " size=" + size;
        if (write) {
            throw new Reject(bad + ": the context is read-only");
        }
        if (size != 4) {
            throw new Reject(bad + ": context fields are read with 4-byte loads");
        }
        RegState u32 = RegState.scalar(Scalar.unsigned(0, Scalar.M32));
        if (type == ProgramType.SOCKET) {
            switch (off) {
                case MemoryModel.SKB_LEN:
                    return u32;
                case MemoryModel.SKB_DATA:
                    return RegState.pointer(RegType.PTR_TO_PACKET, 0);
                case MemoryModel.SKB_DATA_END:
                    return RegState.pointer(RegType.PTR_TO_PACKET_END, 0);
                default:
                    break;
            }
        } else if (type == ProgramType.XDP) {
            switch (off) {
                case MemoryModel.XDP_DATA:
                case MemoryModel.XDP_DATA_META:
                    // data_meta equals data here (no metadata), so it is a packet pointer like data.
                    return RegState.pointer(RegType.PTR_TO_PACKET, 0);
                case MemoryModel.XDP_DATA_END:
                    return RegState.pointer(RegType.PTR_TO_PACKET_END, 0);
                case 12:
                case 16:
                case 20:
                    return u32;
                default:
                    break;
            }
        }
        throw new Reject(bad + ": no such field in a " + type.label() + " context");
    }

    private static RegState stack(Analyzer a, int r, RegState base, int off, int size, RegState stored) {
        long o = (long) base.off + off;
        boolean write = stored != null;
        if (o < -FrameState.SIZE || o + size > 0) {
            throw new Reject("invalid " + (write ? "write to" : "read from") + " stack R" + r + " off=" + o
                    + " size=" + size + ": outside the frame [-" + FrameState.SIZE + ",0)");
        }
        if (o % size != 0) {
            throw new Reject("misaligned stack access off " + base.off + "+" + off + " size " + size);
        }
        FrameState f = a.state().frame(base.frame);
        a.noteStack(base.frame, (int) -o);
        if (write) {
            if (size == 8) {
                f.spill((int) o, stored);
            } else {
                f.writeMisc((int) o, size);
            }
            return null;
        }
        int bad = f.firstInvalid((int) o, size);
        if (bad != 1) {
            throw new Reject("invalid read from stack off " + base.off + "+" + off + " size " + size
                    + ": byte fp" + bad + " is not initialised");
        }
        RegState spilled = f.spilled((int) o);
        if (size == 8 && spilled != null) {
            return spilled;
        }
        if (spilled != null && spilled.isScalar() && (o & 7) == 0) {
            return RegState.scalar(spilled.var.truncate(size * 8));
        }
        return RegState.scalar(Scalar.unsigned(0, size == 8 ? -1L : (1L << size * 8) - 1));
    }

    /** {@code ldabs}/{@code ldind}: checked at run time (out of the packet, the program returns 0). */
    static void legacy(Analyzer a, FrameState f, Insn i, int index) {
        if (i.op().form() == Form.LDIND) {
            RegState x = a.read(f, i.src());
            if (!x.isScalar()) {
                throw new Reject("R" + i.src() + " ldind offset must be a scalar, not " + x.type.label());
            }
        }
        a.noteAccess(index, null);
        int bits = i.size() == Size.W ? 32 : i.size() == Size.H ? 16 : 8;
        f.regs[0] = RegState.scalar(Scalar.unsigned(0, (1L << bits) - 1));
    }

    /**
     * A helper's memory argument: {@code size} bytes at {@code ptr}, initialised when the helper reads them
     * ({@code write} false), initialised by the call when it writes them.
     */
    static void helperMemory(Analyzer a, int r, RegState ptr, int size, boolean write) {
        switch (ptr.type) {
            case PTR_TO_STACK -> {
                long o = ptr.off;
                if (o < -FrameState.SIZE || o + size > 0) {
                    throw new Reject("invalid indirect " + (write ? "write to" : "read from") + " stack R" + r
                            + " off " + o + "+0 size " + size);
                }
                FrameState f = a.state().frame(ptr.frame);
                if (write) {
                    f.writeMisc((int) o, size);
                } else {
                    int bad = f.firstInvalid((int) o, size);
                    if (bad != 1) {
                        throw new Reject("invalid indirect read from stack R" + r + " off " + o + "+0 size " + size
                                + ": byte fp" + bad + " is not initialised");
                    }
                }
                a.noteStack(ptr.frame, (int) -o);
            }
            case PTR_TO_MAP_VALUE -> {
                Verifier.MapDef m = a.map(ptr.map);
                if (ptr.var.smin < 0 || ptr.off + ptr.var.smin < 0
                        || ptr.off + ptr.var.smax + size > m.valueSize()) {
                    throw new Reject("invalid access to map value, value_size=" + m.valueSize() + " off=" + ptr.off
                            + " size=" + size);
                }
                if (write && m.readOnly()) {
                    throw new Reject("R" + r + " write into map forbidden: the map is read-only for programs");
                }
            }
            case PTR_TO_MEM -> {
                if (ptr.var.smin < 0 || ptr.off + ptr.var.smin < 0 || ptr.off + ptr.var.smax + size > ptr.range) {
                    throw new Reject("invalid access to memory, mem_size=" + ptr.range + " off=" + ptr.off
                            + " size=" + size);
                }
            }
            case PTR_TO_PACKET -> {
                if (write) {
                    throw new Reject("R" + r + " cannot write into packet: packets are read-only");
                }
                if (ptr.off < 0 || ptr.var.smin < 0 || (long) ptr.off + size > ptr.range) {
                    throw new Reject("invalid access to packet, off=" + ptr.off + " size=" + size + ", R" + r
                            + " range=[0," + ptr.range + ")");
                }
            }
            default -> throw new Reject("R" + r + " type=" + ptr.type.label() + " expected=fp, pkt, map_value, mem");
        }
    }
}
