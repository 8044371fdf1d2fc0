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
 * afterwards) or in a map value. Sizes must be scalars with a known upper bound. Ring buffer records need
 * reference tracking, which this verifier does not have yet, so the ring buffer helpers are refused.
 */
final class Helpers {
    /** The largest buffer a helper may be given. */
    static final long MAX_SIZE = 1 << 16;

    private Helpers() {}

    static void call(Analyzer a, FrameState f, Insn i) {
        HelperProto p = HelperProto.of(i.imm());
        if (p == null) {
            throw new Reject("invalid func unknown#" + Integer.toUnsignedString(i.imm()));
        }
        String fn = p.name() + "#" + p.id();
        Verifier.MapDef map = null;
        int mapIndex = -1;
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
                default -> throw new Reject(fn + " is not supported by the verifier yet (argument "
                        + args.get(k) + " needs reference tracking)");
            }
        }
        for (int r = Reg.R1; r <= Reg.R5; r++) {
            f.regs[r] = RegState.NOT_INIT;
        }
        f.regs[Reg.R0] = switch (p.ret()) {
            case INTEGER -> RegState.UNKNOWN;
            case VOID -> RegState.NOT_INIT;
            case MAP_VALUE_OR_NULL -> new RegState(RegType.PTR_TO_MAP_VALUE_OR_NULL, Scalar.constant(0), 0, 0,
                    a.newId(), mapIndex, 0);
            default -> throw new Reject(fn + " is not supported by the verifier yet (it returns " + p.ret() + ")");
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
