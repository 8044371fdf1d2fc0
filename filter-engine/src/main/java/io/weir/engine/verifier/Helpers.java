package io.weir.engine.verifier;

import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.Reg;
import io.weir.engine.maps.HelperProto;
import io.weir.engine.maps.HelperProto.Arg;
import io.weir.engine.maps.MapType;
import java.util.List;

/**
 * Helper calls (RFC 9669 section 4.3.1): the arguments r1..r5 are checked against the helper's prototype, the
 * table {@link HelperProto#packetHelpers()} of the maps package (one table for the verifier, the JIT and the
 * helpers themselves); then r1..r5 are clobbered and r0 gets the return type.
 *
 * <p>Memory arguments: a map key or value is that map's size of initialised bytes (stack or map value); a
 * read-only buffer with its size in the next argument may be on the stack (initialised), in a map value or in
 * the packet (within the proven range); a buffer the helper fills may be on the stack (it is initialised
 * afterwards) or in a writable map value. Sizes must be scalars with a known upper bound.
 *
 * <p>References (the kernel's {@code acquire}/{@code release} helpers): {@code ringbuf_reserve} needs a constant
 * size and returns a record-or-null holding a new reference of the {@link State}; after a null check it is
 * writable memory of that size. {@code ringbuf_submit} and {@code ringbuf_discard} take the record itself
 * (offset 0) and release its reference, after which every copy of the pointer is unreadable. A path that exits
 * holding a reference is rejected ({@code Unreleased reference id=N alloc_insn=K}).
 */
final class Helpers {
    /** The largest buffer a helper may be given. */
    static final long MAX_SIZE = 1 << 16;

    private Helpers() {}

    static void call(Analyzer a, FrameState f, Insn i, int pc) {
        HelperProto p = HelperProto.of(i.imm());
        if (p == null) {
            throw new Reject("invalid func unknown#" + Integer.toUnsignedString(i.imm()));
        }
        String fn = p.name() + "#" + p.id();
        Verifier.MapDef map = null;
        int mapIndex = -1;
        long allocSize = -1;
        int release = 0;
        List<Arg> args = p.args();
        for (int k = 0; k < args.size(); k++) {
            int r = k + 1;
            RegState v = a.read(f, r);
            switch (args.get(k)) {
                case ANYTHING, CONST_SIZE, CONST_SIZE_OR_ZERO -> { }
                case CONST_MAP_PTR -> {
                    if (v.type != RegType.CONST_PTR_TO_MAP) {
                        throw new Reject("R" + r + " type=" + v.type.label() + " expected=map_ptr");
                    }
                    map = a.map(v.map);
                    mapIndex = v.map;
                    MapType t = map.type();
                    if (t != null && !p.mapTypes().isEmpty() && !p.mapTypes().contains(t)) {
                        throw new Reject("cannot pass map_type " + t.label() + " into func " + fn);
                    }
                }
                case PTR_TO_MAP_KEY -> Memory.helperMemory(a, r, v, map.keySize(), false);
                case PTR_TO_MAP_VALUE -> Memory.helperMemory(a, r, v, map.valueSize(), false);
                case PTR_TO_MEM_RDONLY, PTR_TO_UNINIT_MEM -> {
                    boolean write = args.get(k) == Arg.PTR_TO_UNINIT_MEM;
                    Arg sizeArg = k + 1 < args.size() ? args.get(k + 1) : null;
                    RegState size = a.read(f, r + 1);
                    int n = size(r + 1, size, sizeArg == Arg.CONST_SIZE_OR_ZERO);
                    if (n > 0) {
                        Memory.helperMemory(a, r, v, n, write);
                    }
                }
                case PTR_TO_CTX -> {
                    if (v.type != RegType.PTR_TO_CTX || v.off != 0) {
                        throw new Reject("R" + r + " type=" + v + " expected=ctx");
                    }
                }
                case CONST_ALLOC_SIZE_OR_ZERO -> {
                    if (!v.isScalar() || !v.var.isConst()) {
                        throw new Reject("R" + r + " is not a known constant (the size of " + fn + ")");
                    }
                    allocSize = v.var.value();
                    if (allocSize < 0 || allocSize > MAX_SIZE) {
                        throw new Reject("R" + r + " size " + allocSize + " out of [0, " + MAX_SIZE + "]");
                    }
                }
                case PTR_TO_RINGBUF_MEM_RELEASE -> {
                    if (v.type != RegType.PTR_TO_MEM || v.ref == 0) {
                        throw new Reject("R" + r + " type=" + v.type.label() + " expected=mem (a ring buffer record"
                                + (v.type == RegType.PTR_TO_MEM_OR_NULL ? ", null-check it first)" : ")"));
                    }
                    if (v.off != 0 || !v.var.isConst() || v.var.value() != 0) {
                        throw new Reject("R" + r + " must have zero offset when passed to release func " + fn);
                    }
                    release = v.ref;
                }
            }
        }
        for (int r = Reg.R1; r <= Reg.R5; r++) {
            f.regs[r] = RegState.NOT_INIT;
        }
        if (release != 0 && !a.state().release(release)) {
            throw new Reject("R1 reference id=" + release + " released twice (" + fn + ")");
        }
        f.regs[Reg.R0] = switch (p.ret()) {
            case INTEGER -> RegState.UNKNOWN;
            case VOID -> RegState.NOT_INIT;
            case MAP_VALUE_OR_NULL -> new RegState(RegType.PTR_TO_MAP_VALUE_OR_NULL, Scalar.constant(0), 0, 0,
                    a.newId(), mapIndex, 0);
            case RINGBUF_MEM_OR_NULL -> {
                int id = a.newId();
                a.state().acquire(id, pc);
                yield new RegState(RegType.PTR_TO_MEM_OR_NULL, Scalar.constant(0), 0, (int) allocSize, id,
                        mapIndex, 0, id);
            }
        };
    }

    /** The largest size a size argument may hold. */
    private static int size(int r, RegState size, boolean zeroOk) {
        if (!size.isScalar()) {
            throw new Reject("R" + r + " type=" + size.type.label() + " expected=scalar (a size)");
        }
        if (size.var.smin < 0) {
            throw new Reject("R" + r + " min value is negative, either use unsigned or 'var &= const'");
        }
        if (!zeroOk && size.var.umin == 0) {
            throw new Reject("R" + r + " invalid zero-sized read");
        }
        if (Long.compareUnsigned(size.var.umax, MAX_SIZE) > 0) {
            throw new Reject("R" + r + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
        }
        return (int) size.var.umax;
    }
}
