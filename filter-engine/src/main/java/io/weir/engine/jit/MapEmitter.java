package io.weir.engine.jit;

import static org.objectweb.asm.Opcodes.*;

import io.weir.engine.ebpf.AtomicOp;
import io.weir.engine.ebpf.ExternalRegion;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.HelperProto;
import io.weir.engine.maps.PacketClock;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits helper calls, and the direct map code of {@link MapSites}: a helper call goes through the program's
 * helper table, except a map helper call on a known map, which is a call on the map itself, and
 * {@link PacketClock#HELPER}, which reads the clock slot the run state keeps; a checked access to
 * a map value is guarded by the region its map is predicted to be. The map is an
 * {@code ldc} of a dynamic constant ({@code MethodHandles.classDataAt}), which HotSpot folds to the map object,
 * so its type is exact and its small methods ({@link BpfMap#lookupWord}, {@link BpfMap#load}) are inlined.
 *
 * <p>Each direct path does what the generic one does, in the same order, with the same faults: a call first
 * checks the map is open ({@link BpfMap#checkOpen}, as the helper's map resolution would fail), a lookup whose
 * key is at a constant frame offset takes it from the local that kept the value of the store that wrote it
 * ({@link MapSites#keyFrom}), else reads it from the stack array (a word-sized key itself; a longer one in the map, {@link BpfMap#lookupStack}), passing
 * the thread's per-CPU slot from its run state (in bounds: {@link MapSites} proved it), and a value access whose
 * pointer is not in the predicted region takes the generic path.
 */
final class MapEmitter {
    private static final String MAP = "io/weir/engine/maps/BpfMap";
    private static final String CLOCK = "io/weir/engine/maps/PacketClock$Slot";
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, "java/lang/invoke/MethodHandles",
            "classDataAt", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)"
            + "Ljava/lang/Object;", false);
    private static final long M32 = 0xffff_ffffL;

    private final ChunkEmitter chunk;
    private final MethodVisitor mv;
    private final MapSites sites;

    MapEmitter(ChunkEmitter chunk, MethodVisitor mv, MapSites sites) {
        this.chunk = chunk;
        this.mv = mv;
        this.sites = sites;
    }

    /** Pushes the map object (a class-data constant). */
    private void push(BpfMap m) {
        mv.visitLdcInsn(new ConstantDynamic("_", "L" + MAP + ";", CLASS_DATA_AT, sites.indexOf(m)));
    }

    /** The local that keeps the value of shadowed stack store {@code k} ({@link MapSites#keyFrom}). */
    private int shadowSlot(int k) {
        return chunk.addrSlot + 2 + 2 * sites.shadow[k];
    }

    /**
     * Called by a static stack store at {@code k} (array stack) before it stores: when a lookup's key comes
     * from it, its value is also kept in a local.
     */
    void stackStored(int k, Runnable value) {
        if (sites.shadow[k] >= 0) {
            value.run();
            mv.visitVarInsn(LSTORE, shadowSlot(k));
        }
    }

    /** {@code call imm} at {@code k}: r0 = the helper's result; a fault names instruction {@code k}. */
    void helper(int k) {
        if (chunk.helperAt(k) == PacketClock.HELPER) {
            // ktime_get_ns touches no memory and never faults: read the thread's clock kept in the run state.
            mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
            mv.visitFieldInsn(GETFIELD, ChunkEmitter.STATE, "clock", "L" + CLOCK + ";");
            mv.visitMethodInsn(INVOKEVIRTUAL, CLOCK, "now", "()J", false);
            mv.visitVarInsn(LSTORE, chunk.reg(0));
            return;
        }
        Label[] g = chunk.guard(k);
        if (sites.callMap[k] != null) {
            direct(k);
        } else {
            mv.visitVarInsn(ALOAD, ChunkEmitter.SELF);
            mv.visitFieldInsn(GETFIELD, ChunkEmitter.PROGRAM, "helperAt", "[L" + ChunkEmitter.HELPER + ";");
            chunk.iconst(k);
            mv.visitInsn(AALOAD);
            for (int r = 1; r <= 5; r++) {
                mv.visitVarInsn(LLOAD, chunk.reg(r));
            }
            chunk.loadMem();
            mv.visitMethodInsn(INVOKEINTERFACE, ChunkEmitter.HELPER, "call",
                    "(JJJJJL" + ChunkEmitter.MEMORY + ";)J", true);
        }
        chunk.unguard(g);
        mv.visitVarInsn(LSTORE, chunk.reg(0));
    }

    /** {@code callx dst} at {@code k}: the helper whose id is in the register, looked up at run time. */
    void callx(int k, Insn i) {
        Label[] g = chunk.guard(k);
        mv.visitVarInsn(ALOAD, ChunkEmitter.SELF);
        mv.visitFieldInsn(GETFIELD, ChunkEmitter.PROGRAM, "helpers", "Lio/weir/engine/ebpf/HelperTable;");
        mv.visitVarInsn(LLOAD, chunk.reg(i.dst()));
        for (int r = 1; r <= 5; r++) {
            mv.visitVarInsn(LLOAD, chunk.reg(r));
        }
        chunk.loadMem();
        chunk.runtime("callx", "(Lio/weir/engine/ebpf/HelperTable;JJJJJJL" + ChunkEmitter.MEMORY + ";)J");
        chunk.unguard(g);
        mv.visitVarInsn(LSTORE, chunk.reg(0));
    }

    /** The map helper call at {@code k} on its known map; leaves r0 on the operand stack. */
    private void direct(int k) {
        BpfMap m = sites.callMap[k];
        int id = sites.callHelper[k];
        push(m);
        chunk.iconst(id);
        mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "checkOpen", "(I)V", false);
        push(m);
        String memory = "L" + ChunkEmitter.MEMORY + ";";
        switch (id) {
            case HelperProto.MAP_LOOKUP_ELEM -> {
                if (sites.keyOff[k] != MapSites.NO_KEY && m.wordKeyed() && sites.keyFrom[k] >= 0) {
                    mv.visitVarInsn(LLOAD, shadowSlot(sites.keyFrom[k]));
                    if (m.keySize() < 8) {
                        mv.visitLdcInsn((1L << (8 * m.keySize())) - 1);
                        mv.visitInsn(LAND);
                    }
                    pushCpu();
                    mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "lookupWord", "(JI)J", false);
                } else if (sites.keyOff[k] != MapSites.NO_KEY && m.wordKeyed()) {
                    mv.visitVarInsn(ALOAD, chunk.stk);
                    chunk.stackIndex(sites.keyOff[k]);
                    chunk.readArray(m.keySize(), false);
                    pushCpu();
                    mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "lookupWord", "(JI)J", false);
                } else if (sites.keyOff[k] != MapSites.NO_KEY) {
                    mv.visitVarInsn(ALOAD, chunk.stk);
                    chunk.stackIndex(sites.keyOff[k]);
                    pushCpu();
                    mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
                    mv.visitFieldInsn(GETFIELD, ChunkEmitter.STATE, "key", "[J");
                    mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "lookupStack", "([BII[J)J", false);
                } else {
                    chunk.loadMem();
                    mv.visitVarInsn(LLOAD, chunk.reg(2));
                    mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "lookupPointer", "(" + memory + "J)J", false);
                }
            }
            case HelperProto.MAP_UPDATE_ELEM -> {
                chunk.loadMem();
                for (int r = 2; r <= 4; r++) {
                    mv.visitVarInsn(LLOAD, chunk.reg(r));
                }
                mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "updateFrom", "(" + memory + "JJJ)J", false);
            }
            default -> {
                chunk.loadMem();
                mv.visitVarInsn(LLOAD, chunk.reg(2));
                mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "deleteFrom", "(" + memory + "J)J", false);
            }
        }
    }

    /** Pushes this thread's per-CPU slot, which the run state keeps (no {@code ThreadLocal} per lookup). */
    private void pushCpu() {
        mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
        mv.visitFieldInsn(GETFIELD, ChunkEmitter.STATE, "cpu", "I");
    }

    /**
     * Stores {@code reg(base) + off} in the address slot and jumps to {@code generic} unless it is in {@code m}'s
     * live region.
     */
    private void address(BpfMap m, int base, int off, Label generic) {
        mv.visitVarInsn(LLOAD, chunk.reg(base));
        mv.visitLdcInsn((long) off);
        mv.visitInsn(LADD);
        mv.visitVarInsn(LSTORE, chunk.addrSlot);
        mv.visitVarInsn(LLOAD, chunk.addrSlot);
        chunk.iconst(32);
        mv.visitInsn(LUSHR);
        mv.visitInsn(L2I);
        push(m);
        mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "liveRegion", "()I", false);
        mv.visitJumpInsn(IF_ICMPNE, generic);
        push(m);
        mv.visitVarInsn(LLOAD, chunk.addrSlot);
        mv.visitInsn(L2I);
    }

    /** A load of {@code size} bytes at {@code reg(base) + off}; leaves the value on the operand stack. */
    void guardedLoad(BpfMap m, int base, int off, int size) {
        Label generic = new Label();
        Label done = new Label();
        address(m, base, off, generic);
        chunk.iconst(size);
        mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "load", "(II)J", false);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(generic);
        chunk.loadMem();
        mv.visitVarInsn(LLOAD, chunk.addrSlot);
        chunk.iconst(size);
        mv.visitMethodInsn(INVOKEVIRTUAL, ChunkEmitter.MEMORY, "load", "(JI)J", false);
        mv.visitLabel(done);
    }

    /** A store of {@code size} bytes of {@code value} at {@code reg(base) + off}. */
    void guardedStore(BpfMap m, int base, int off, int size, Runnable value) {
        Label generic = new Label();
        Label done = new Label();
        address(m, base, off, generic);
        chunk.iconst(size);
        value.run();
        mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "store", "(IIJ)V", false);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(generic);
        chunk.loadMem();
        mv.visitVarInsn(LLOAD, chunk.addrSlot);
        chunk.iconst(size);
        value.run();
        mv.visitMethodInsn(INVOKEVIRTUAL, ChunkEmitter.MEMORY, "store", "(JIJ)V", false);
        mv.visitLabel(done);
    }

    /** An atomic at {@code dst + off}, with its result written where the instruction puts it. */
    void guardedAtomic(BpfMap m, Insn i) {
        boolean wide = i.op().size().bytes() == 8;
        AtomicOp op = i.op().atomicOp();
        boolean cmpxchg = op == AtomicOp.CMPXCHG;
        int code = switch (op) {
            case ADD -> ExternalRegion.ATOMIC_ADD;
            case OR -> ExternalRegion.ATOMIC_OR;
            case AND -> ExternalRegion.ATOMIC_AND;
            case XOR -> ExternalRegion.ATOMIC_XOR;
            case XCHG -> ExternalRegion.ATOMIC_XCHG;
            default -> ExternalRegion.ATOMIC_CMPXCHG;
        };
        Label generic = new Label();
        Label done = new Label();
        address(m, i.dst(), i.off(), generic);
        chunk.iconst(wide ? 8 : 4);
        chunk.iconst(code);
        mv.visitVarInsn(LLOAD, chunk.reg(i.src()));
        if (cmpxchg) {
            mv.visitVarInsn(LLOAD, chunk.reg(0));
        } else {
            mv.visitInsn(LCONST_0);
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "atomic", "(IIIJJ)J", false);
        if (!wide) {
            mv.visitLdcInsn(M32);
            mv.visitInsn(LAND);
        }
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(generic);
        chunk.loadMem();
        mv.visitVarInsn(LLOAD, chunk.addrSlot);
        if (cmpxchg) {
            mv.visitVarInsn(LLOAD, chunk.reg(0));
            mv.visitVarInsn(LLOAD, chunk.reg(i.src()));
            chunk.runtime(wide ? "cmpxchg64" : "cmpxchg32", "(L" + ChunkEmitter.MEMORY + ";JJJ)J");
        } else {
            chunk.iconst(code);
            mv.visitVarInsn(LLOAD, chunk.reg(i.src()));
            chunk.runtime(wide ? "atomic64" : "atomic32", "(L" + ChunkEmitter.MEMORY + ";JIJ)J");
        }
        mv.visitLabel(done);
        if (cmpxchg) {
            mv.visitVarInsn(LSTORE, chunk.reg(0));
        } else if (i.op().atomicFetches()) {
            mv.visitVarInsn(LSTORE, chunk.reg(i.src()));
        } else {
            mv.visitInsn(POP2);
        }
    }
}
