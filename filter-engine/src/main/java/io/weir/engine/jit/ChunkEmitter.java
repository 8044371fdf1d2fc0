package io.weir.engine.jit;

import static io.weir.engine.ebpf.MemoryModel.FRAME_SIZE;
import static io.weir.engine.ebpf.MemoryModel.MAX_CALL_DEPTH;
import static io.weir.engine.ebpf.MemoryModel.REGION_PACKET;
import static io.weir.engine.ebpf.MemoryModel.REGION_STACK;
import static io.weir.engine.ebpf.MemoryModel.STACK_SIZE;
import static org.objectweb.asm.Opcodes.*;

import io.weir.engine.ebpf.Helper;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Opcode.Form;
import io.weir.engine.jit.JitPlan.Access;
import io.weir.engine.jit.JitPlan.StackMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits the bytecode of one chunk: the instructions {@code [lo, hi)} of a program as one static method.
 * Registers are {@code long} locals; a branch inside the chunk is a JVM branch to the target's {@link Label};
 * a branch out of it is a call of the later chunk or a return to the dispatcher ({@link ChunkCalls}: the
 * registers arrive as arguments, in the locals the code uses). A program that fits one method is one chunk in
 * <em>single</em> mode: r1 and r2 arrive as arguments, {@code exit} returns r0 and nothing is stored.
 *
 * <p>Arithmetic and comparisons are emitted inline (unsigned comparisons by flipping the sign bit); division,
 * byte-order reads and checked accesses are calls to {@link JitRuntime} or {@code EbpfMemory}. Every
 * instruction that may fault gets its own exception-table range whose handler names its index, so a fault costs
 * nothing until it happens. Backward branches charge the instruction budget exactly where the interpreter does.
 */
final class ChunkEmitter {
    static final String PROGRAM = "io/weir/engine/jit/JitProgram";
    static final String RUNTIME = "io/weir/engine/jit/JitRuntime";
    static final String STATE = "io/weir/engine/jit/JitState";
    static final String MEMORY = "io/weir/engine/ebpf/EbpfMemory";
    static final String FAULT = "io/weir/engine/ebpf/EbpfMemory$Fault";
    static final String HELPER = "io/weir/engine/ebpf/Helper";
    static final String ERROR = "io/weir/engine/ebpf/EbpfRuntimeException";
    /** Parameters shared by every body method: self, packet, base, capLen, wireLen, state. */
    static final String PARAMS = "(L" + PROGRAM + ";[BIIIL" + STATE + ";";
    static final String SINGLE_DESC = PARAMS + "JJ)J";
    /** The single-method body reading the packet from a {@code ByteBuffer} in place (see {@link #direct}). */
    static final String DIRECT_DESC = "(L" + PROGRAM + ";Ljava/nio/ByteBuffer;IIIL" + STATE + ";JJ)J";

    static final int SELF = 0, PKT = 1, BASE = 2, CAP = 3, WIRE = 4, ST = 5;
    private static final long M32 = 0xffff_ffffL;

    private final JitPlan plan;
    private final MethodVisitor mv;
    private final int lo;
    private final int hi;
    private final boolean single;
    /** Whether the packet is a ByteBuffer (a direct buffer read in place) rather than a byte array. */
    private final boolean direct;
    private final Label[] labels;
    private final int p;
    private final int left;
    private final int depthSlot;
    final int stk;
    final int mem;
    private final int i0;
    /**
     * A long local for an address computed once and used twice (a guarded map value access); the locals above
     * it are {@link MapEmitter}'s (the key shadows of direct lookups).
     */
    final int addrSlot;
    private final MapEmitter maps;
    private final int[] wordSlot = new int[FRAME_SIZE / 8];
    private final List<Runnable> stubs = new ArrayList<>();
    private final Label ret0 = new Label();
    private final Label spill = new Label();
    /** Per later chunk: the call of it ({@link ChunkCalls#callForward}), emitted at the end when used. */
    private final Label[] forward;
    private final String owner;
    private final int chunk;
    private final Label falloff = new Label();

    /**
     * An emitter of chunk {@code chunk} of class {@code owner}; {@code direct} emits the single-method body of a
     * program that needs no per-thread state with the packet read in place from a {@code ByteBuffer} (descriptor
     * {@link #DIRECT_DESC}).
     */
    ChunkEmitter(JitPlan plan, MethodVisitor mv, int chunk, boolean direct, String owner) {
        this.direct = direct;
        this.owner = owner;
        this.chunk = chunk;
        this.forward = new Label[plan.chunkStart.length - 1];
        this.plan = plan;
        this.mv = mv;
        this.lo = plan.chunkStart[chunk];
        this.hi = plan.chunkStart[chunk + 1];
        this.single = plan.chunkStart.length == 2;
        this.labels = new Label[plan.n];
        for (int k = lo; k < hi; k++) {
            labels[k] = new Label();
        }
        this.p = single ? 10 : ChunkCalls.FIRST_REG;
        this.left = p + 22;
        this.depthSlot = p + 24;
        this.stk = p + 25;
        this.mem = p + 26;
        this.i0 = p + 27;
        int next = p + 28;
        Arrays.fill(wordSlot, -1);
        if (plan.stackMode == StackMode.LOCALS) {
            for (int w = 0; w < wordSlot.length; w++) {
                if (plan.wordUsed[w]) {
                    wordSlot[w] = next;
                    next += 2;
                }
            }
        }
        this.addrSlot = next;
        this.maps = new MapEmitter(this, mv, plan.maps);
    }

    int reg(int r) {
        return p + 2 * r;
    }

    /** The helper the static {@code call} at {@code k} reaches (null when unknown). */
    Helper helperAt(int k) {
        return plan.helperAt[k];
    }

    // ------------------------------------------------------------------ method

    void emit() {
        mv.visitCode();
        prologue();
        for (int k = lo; k < hi; k++) {
            mv.visitLabel(labels[k]);
            insn(k);
        }
        Form last = plan.insns[hi - 1].op().form();
        if (last != Form.EXIT && last != Form.JA && last != Form.JA32) {
            if (hi == plan.n) {
                mv.visitJumpInsn(GOTO, falloff);
            } else {
                toIndex(hi);
            }
        }
        for (int s = 0; s < stubs.size(); s++) {
            stubs.get(s).run();
        }
        mv.visitLabel(falloff);
        throwError(plan.n, "fell off the end of the program");
        mv.visitLabel(ret0);
        exitWith(() -> mv.visitInsn(LCONST_0));
        if (!single) {
            mv.visitLabel(spill);
            ChunkCalls.spill(mv, i0);
            for (int c = 0; c < forward.length; c++) {
                if (forward[c] != null) {
                    mv.visitLabel(forward[c]);
                    ChunkCalls.callForward(mv, owner, c, i0);
                }
            }
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void prologue() {
        if (single) {
            for (int r = 0; r <= 10; r++) {
                if (r == 1 || r == 2) {
                    mv.visitVarInsn(LLOAD, r == 1 ? 6 : 8);
                } else if (r == 10) {
                    mv.visitLdcInsn(MemoryModel.pointer(REGION_STACK, STACK_SIZE));
                } else {
                    mv.visitInsn(LCONST_0);
                }
                mv.visitVarInsn(LSTORE, reg(r));
            }
            mv.visitLdcInsn(plan.budget);
            mv.visitVarInsn(LSTORE, left);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, depthSlot);
        }   // a chunk's registers, budget and depth are its arguments (ChunkCalls.DESC)
        if (plan.needsState) {
            mv.visitVarInsn(ALOAD, ST);
            mv.visitFieldInsn(GETFIELD, STATE, "stack", "[B");
            mv.visitVarInsn(ASTORE, stk);
            if (plan.lazyMemory) {
                mv.visitInsn(ACONST_NULL); // loadMem() asks the runtime instead
            } else {
                mv.visitVarInsn(ALOAD, ST);
                mv.visitFieldInsn(GETFIELD, STATE, "mem", "L" + MEMORY + ";");
            }
        } else {
            mv.visitInsn(ACONST_NULL);
            mv.visitVarInsn(ASTORE, stk);
            mv.visitInsn(ACONST_NULL);
        }
        mv.visitVarInsn(ASTORE, mem);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, i0);
        for (int slot : wordSlot) {
            if (slot >= 0) {
                mv.visitInsn(LCONST_0);
                mv.visitVarInsn(LSTORE, slot);
            }
        }
        if (!single) {
            int[] keys = plan.entries(lo, hi);
            Label[] to = new Label[keys.length];
            for (int e = 0; e < keys.length; e++) {
                to[e] = keys[e] == plan.n ? falloff : labels[keys[e]];
            }
            Label bad = new Label();
            mv.visitVarInsn(ILOAD, 6);
            mv.visitLookupSwitchInsn(bad, keys, to);
            mv.visitLabel(bad);
            throwError(lo, "internal error: bad entry into a JIT chunk");
        }
    }

    /** Pushes the run's {@code EbpfMemory}: a local, or (lazy memory) the runtime's, set up on first need. */
    void loadMem() {
        if (!plan.lazyMemory) {
            mv.visitVarInsn(ALOAD, mem);
            return;
        }
        mv.visitVarInsn(ALOAD, SELF);
        mv.visitVarInsn(ALOAD, ST);
        mv.visitVarInsn(ALOAD, PKT);
        mv.visitVarInsn(ILOAD, BASE);
        mv.visitVarInsn(ILOAD, CAP);
        mv.visitVarInsn(ILOAD, WIRE);
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "memory", "(L" + PROGRAM + ";L" + STATE + ";[BIII)L" + MEMORY + ";",
                false);
    }

    // ------------------------------------------------------------------ control transfer

    /** The code after an {@code exit} at depth 0 or a failed legacy load: returns r0 (single) or -1. */
    private void exitWith(Runnable pushR0) {
        if (single) {
            pushR0.run();
            mv.visitInsn(LRETURN);
        } else {
            mv.visitVarInsn(ALOAD, ST);
            mv.visitFieldInsn(GETFIELD, STATE, "regs", "[J");
            mv.visitInsn(ICONST_0);
            pushR0.run();
            mv.visitInsn(LASTORE);
            mv.visitInsn(ICONST_M1);
            mv.visitInsn(IRETURN);
        }
    }

    /** Continues at instruction {@code t}: a jump inside the chunk, a call of a later one, or the dispatcher. */
    private void toIndex(int t) {
        if (t >= lo && t < hi) {
            mv.visitJumpInsn(GOTO, labels[t]);
            return;
        }
        iconst(t);
        mv.visitVarInsn(ISTORE, i0);
        int to = plan.chunkOf[t];
        if (ChunkCalls.direct(plan, chunk, to)) {
            if (forward[to] == null) {
                forward[to] = new Label();
            }
            mv.visitJumpInsn(GOTO, forward[to]);
        } else {
            mv.visitJumpInsn(GOTO, spill);
        }
    }

    /** The label a taken branch of instruction {@code k} to {@code t} jumps to (a stub when it must charge). */
    private Label taken(int k, int t) {
        if (t > k && t < hi) {
            return labels[t];
        }
        Label stub = new Label();
        stubs.add(() -> {
            mv.visitLabel(stub);
            transfer(k, t);
        });
        return stub;
    }

    /** A taken branch or call from {@code k} to {@code t}: charges backward moves, then goes. */
    private void transfer(int k, int t) {
        if (t <= k) {
            Label ok = new Label();
            mv.visitVarInsn(LLOAD, left);
            mv.visitLdcInsn((long) (k + 1 - t));
            mv.visitInsn(LSUB);
            mv.visitInsn(DUP2);
            mv.visitVarInsn(LSTORE, left);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFGE, ok);
            throwError(k, "instruction budget of " + plan.budget + " exceeded");
            mv.visitLabel(ok);
        }
        toIndex(t);
    }

    private void throwError(int k, String reason) {
        mv.visitVarInsn(ALOAD, SELF);
        iconst(k);
        mv.visitLdcInsn(reason);
        mv.visitMethodInsn(INVOKEVIRTUAL, PROGRAM, "error", "(ILjava/lang/String;)L" + ERROR + ";", false);
        mv.visitInsn(ATHROW);
    }

    /** Opens a range whose {@code EbpfMemory.Fault}s become errors naming instruction {@code k}. */
    Label[] guard(int k) {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitTryCatchBlock(start, end, handler, FAULT);
        mv.visitLabel(start);
        stubs.add(() -> {
            mv.visitLabel(handler);
            mv.visitVarInsn(ALOAD, SELF);
            mv.visitInsn(SWAP);
            iconst(k);
            mv.visitMethodInsn(INVOKEVIRTUAL, PROGRAM, "fault", "(L" + FAULT + ";I)L" + ERROR + ";", false);
            mv.visitInsn(ATHROW);
        });
        return new Label[] {end};
    }

    void unguard(Label[] g) {
        mv.visitLabel(g[0]);
    }

    // ------------------------------------------------------------------ instructions

    private void insn(int k) {
        Insn i = plan.insns[k];
        switch (i.op().form()) {
            case ALU_IMM, ALU_REG, NEG, MOVSX, END -> AluEmitter.alu(mv, i, this::reg);
            case LDDW -> {
                mv.visitLdcInsn(i.imm64());
                mv.visitVarInsn(LSTORE, reg(i.dst()));
            }
            case JA, JA32 -> transferOrGoto(k, plan.target[k]);
            case JCOND_IMM, JCOND_REG -> AluEmitter.condition(mv, i, this::reg, taken(k, plan.target[k]));
            case LDABS, LDIND -> legacyLoad(i);
            case LDX, LDXSX -> load(k, i);
            case ST, STX -> store(k, i);
            case ATOMIC -> atomic(k, i);
            case CALL_HELPER -> maps.helper(k);
            case CALLX -> maps.callx(k, i);
            case CALL_LOCAL -> localCall(k);
            case EXIT -> exit(k);
            default -> throwError(k, "unknown opcode");
        }
    }

    private void transferOrGoto(int k, int t) {
        if (t > k && t < hi) {
            mv.visitJumpInsn(GOTO, labels[t]);
        } else {
            transfer(k, t);
        }
    }

    /** ldabs/ldind: big-endian, and a load outside the packet ends the program with r0 = 0. */
    private void legacyLoad(Insn i) {
        int size = i.op().size().bytes();
        if (i.op().form() == Form.LDABS) {
            if (i.imm() < 0) {
                mv.visitJumpInsn(GOTO, ret0);
                return;
            }
            mv.visitVarInsn(ILOAD, CAP);
            iconst(size);
            mv.visitInsn(ISUB);
            iconst(i.imm());
            mv.visitJumpInsn(IF_ICMPLT, ret0);
            mv.visitVarInsn(ALOAD, PKT);
            mv.visitVarInsn(ILOAD, BASE);
            iconst(i.imm());
            mv.visitInsn(IADD);
        } else {
            mv.visitVarInsn(LLOAD, reg(i.src()));
            mv.visitInsn(L2I);
            iconst(i.imm());
            mv.visitInsn(IADD);
            mv.visitVarInsn(ISTORE, i0);
            mv.visitVarInsn(ILOAD, i0);
            mv.visitJumpInsn(IFLT, ret0);
            mv.visitVarInsn(ILOAD, CAP);
            iconst(size);
            mv.visitInsn(ISUB);
            mv.visitVarInsn(ILOAD, i0);
            mv.visitJumpInsn(IF_ICMPLT, ret0);
            mv.visitVarInsn(ALOAD, PKT);
            mv.visitVarInsn(ILOAD, BASE);
            mv.visitVarInsn(ILOAD, i0);
            mv.visitInsn(IADD);
        }
        readPacket(size, true);
        mv.visitVarInsn(LSTORE, reg(0));
    }

    /** [packet, index] on the stack: reads {@code size} packet bytes as an unsigned long. */
    private void readPacket(int size, boolean bigEndian) {
        if (direct) {
            ByteAccess.readBuffer(mv, size, bigEndian);
        } else {
            ByteAccess.readArray(mv, size, bigEndian);
        }
    }

    /** [array, index] on the stack: reads {@code size} bytes as an unsigned long. */
    void readArray(int size, boolean bigEndian) {
        ByteAccess.readArray(mv, size, bigEndian);
    }

    private void load(int k, Insn i) {
        int size = i.op().size().bytes();
        Access a = plan.access(k);
        switch (a) {
            case STACK -> {
                if (plan.stackMode == StackMode.LOCALS) {
                    int at = i.off() + FRAME_SIZE;
                    mv.visitVarInsn(LLOAD, wordSlot[at >> 3]);
                    int shift = (at & 7) * 8;
                    if (shift > 0) {
                        iconst(shift);
                        mv.visitInsn(LUSHR);
                    }
                    if (size < 8) {
                        mv.visitLdcInsn(mask(size));
                        mv.visitInsn(LAND);
                    }
                } else {
                    mv.visitVarInsn(ALOAD, stk);
                    stackIndex(i.off());
                    readArray(size, false);
                }
            }
            case CONTEXT -> context(plan.contextField(plan.ctxBase[k] + i.off()));
            case PACKET_PROVEN -> {
                mv.visitVarInsn(ALOAD, PKT);
                mv.visitVarInsn(ILOAD, BASE);
                mv.visitVarInsn(LLOAD, reg(i.src()));
                mv.visitInsn(L2I);
                iconst(i.off());
                mv.visitInsn(IADD);
                mv.visitInsn(IADD);
                readPacket(size, false);
            }
            default -> {
                Label[] g = guard(k);
                if (plan.maps.valueMap[k] != null) {
                    maps.guardedLoad(plan.maps.valueMap[k], i.src(), i.off(), size);
                } else {
                    loadMem();
                    mv.visitVarInsn(LLOAD, reg(i.src()));
                    mv.visitLdcInsn((long) i.off());
                    mv.visitInsn(LADD);
                    iconst(size);
                    mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "load", "(JI)J", false);
                }
                unguard(g);
            }
        }
        if (i.op().form() == Form.LDXSX) {
            mv.visitInsn(L2I);
            if (size == 1) {
                mv.visitInsn(I2B);
            } else if (size == 2) {
                mv.visitInsn(I2S);
            }
            mv.visitInsn(I2L);
        }
        mv.visitVarInsn(LSTORE, reg(i.dst()));
    }

    /** A static context field's value: the run's arguments, never a memory access. */
    private void context(String field) {
        switch (field) {
            case "len" -> {
                mv.visitVarInsn(ILOAD, WIRE);
                mv.visitInsn(I2L);
                mv.visitLdcInsn(M32);
                mv.visitInsn(LAND);
            }
            case "data" -> mv.visitLdcInsn(MemoryModel.pointer(REGION_PACKET, 0));
            case "end" -> {
                mv.visitLdcInsn(MemoryModel.pointer(REGION_PACKET, 0));
                mv.visitVarInsn(ILOAD, CAP);
                mv.visitInsn(I2L);
                mv.visitInsn(LOR);
            }
            default -> mv.visitInsn(LCONST_0);
        }
    }

    /** The stack array index of r10 + off: a constant unless r10 moves (local calls), when it is read. */
    void stackIndex(int off) {
        if (plan.r10Constant) {
            iconst(STACK_SIZE + off);
            return;
        }
        mv.visitVarInsn(LLOAD, reg(10));
        mv.visitInsn(L2I);
        iconst(off);
        mv.visitInsn(IADD);
    }

    private void store(int k, Insn i) {
        int size = i.op().size().bytes();
        boolean imm = i.op().form() == Form.ST;
        Runnable value = () -> {
            if (imm) {
                mv.visitLdcInsn((long) i.imm());
            } else {
                mv.visitVarInsn(LLOAD, reg(i.src()));
            }
        };
        if (plan.access(k) == Access.STACK) {
            if (plan.stackMode == StackMode.LOCALS) {
                int at = i.off() + FRAME_SIZE;
                int slot = wordSlot[at >> 3];
                int shift = (at & 7) * 8;
                if (size == 8) {
                    value.run();
                } else {
                    mv.visitVarInsn(LLOAD, slot);
                    mv.visitLdcInsn(~(mask(size) << shift));
                    mv.visitInsn(LAND);
                    value.run();
                    mv.visitLdcInsn(mask(size));
                    mv.visitInsn(LAND);
                    if (shift > 0) {
                        iconst(shift);
                        mv.visitInsn(LSHL);
                    }
                    mv.visitInsn(LOR);
                }
                mv.visitVarInsn(LSTORE, slot);
            } else {
                maps.stackStored(k, value); // a direct lookup's key: also kept in a local (MapSites.keyFrom)
                mv.visitVarInsn(ALOAD, stk);
                stackIndex(i.off());
                value.run();
                ByteAccess.writeArray(mv, size);
            }
            return;
        }
        Label[] g = guard(k);
        if (plan.maps.valueMap[k] != null) {
            maps.guardedStore(plan.maps.valueMap[k], i.dst(), i.off(), size, value);
            unguard(g);
            return;
        }
        loadMem();
        mv.visitVarInsn(LLOAD, reg(i.dst()));
        mv.visitLdcInsn((long) i.off());
        mv.visitInsn(LADD);
        iconst(size);
        value.run();
        mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "store", "(JIJ)V", false);
        unguard(g);
    }

    private void atomic(int k, Insn i) {
        boolean wide = i.op().size().bytes() == 8;
        Label[] g = guard(k);
        if (plan.maps.valueMap[k] != null) {
            maps.guardedAtomic(plan.maps.valueMap[k], i);
            unguard(g);
            return;
        }
        loadMem();
        mv.visitVarInsn(LLOAD, reg(i.dst()));
        mv.visitLdcInsn((long) i.off());
        mv.visitInsn(LADD);
        switch (i.op().atomicOp()) {
            case CMPXCHG -> {
                mv.visitVarInsn(LLOAD, reg(0));
                mv.visitVarInsn(LLOAD, reg(i.src()));
                runtime(wide ? "cmpxchg64" : "cmpxchg32", "(L" + MEMORY + ";JJJ)J");
                unguard(g);
                mv.visitVarInsn(LSTORE, reg(0));
                return;
            }
            case ADD -> iconst(0);
            case OR -> iconst(1);
            case AND -> iconst(2);
            case XOR -> iconst(3);
            default -> iconst(4);
        }
        mv.visitVarInsn(LLOAD, reg(i.src()));
        runtime(wide ? "atomic64" : "atomic32", "(L" + MEMORY + ";JIJ)J");
        unguard(g);
        if (i.op().atomicFetches()) {
            mv.visitVarInsn(LSTORE, reg(i.src()));
        } else {
            mv.visitInsn(POP2);
        }
    }

    /** RFC 9669 section 4.3.2: a fresh frame, r6..r10 saved, as the interpreter does. */
    private void localCall(int k) {
        Label ok = new Label();
        mv.visitVarInsn(ILOAD, depthSlot);
        iconst(MAX_CALL_DEPTH - 1);
        mv.visitJumpInsn(IF_ICMPLT, ok);
        throwError(k, "local calls nested deeper than " + MAX_CALL_DEPTH + " frames");
        mv.visitLabel(ok);
        mv.visitVarInsn(ALOAD, ST);
        mv.visitFieldInsn(GETFIELD, STATE, "returnTo", "[I");
        mv.visitVarInsn(ILOAD, depthSlot);
        iconst(k + 1);
        mv.visitInsn(IASTORE);
        for (int j = 0; j < 5; j++) {
            savedSlot(j);
            mv.visitVarInsn(LLOAD, reg(6 + j));
            mv.visitInsn(LASTORE);
        }
        mv.visitIincInsn(depthSlot, 1);
        mv.visitVarInsn(LLOAD, reg(10));
        mv.visitLdcInsn((long) FRAME_SIZE);
        mv.visitInsn(LSUB);
        mv.visitVarInsn(LSTORE, reg(10));
        mv.visitVarInsn(ALOAD, ST);
        runtime("pushFrame", "(L" + STATE + ";)V");
        transferOrGoto(k, plan.target[k]);
    }

    /** [saved, depth * 5 + j] on the stack. */
    private void savedSlot(int j) {
        mv.visitVarInsn(ALOAD, ST);
        mv.visitFieldInsn(GETFIELD, STATE, "saved", "[J");
        mv.visitVarInsn(ILOAD, depthSlot);
        iconst(5);
        mv.visitInsn(IMUL);
        iconst(j);
        mv.visitInsn(IADD);
    }

    private void exit(int k) {
        if (!plan.hasLocalCalls) {
            exitWith(() -> mv.visitVarInsn(LLOAD, reg(0)));
            return;
        }
        Label ret = new Label();
        mv.visitVarInsn(ILOAD, depthSlot);
        mv.visitJumpInsn(IFNE, ret);
        exitWith(() -> mv.visitVarInsn(LLOAD, reg(0)));
        mv.visitLabel(ret);
        mv.visitIincInsn(depthSlot, -1);
        for (int j = 0; j < 5; j++) {
            savedSlot(j);
            mv.visitInsn(LALOAD);
            mv.visitVarInsn(LSTORE, reg(6 + j));
        }
        mv.visitVarInsn(ALOAD, ST);
        runtime("popFrame", "(L" + STATE + ";)V");
        mv.visitVarInsn(ALOAD, ST);
        mv.visitFieldInsn(GETFIELD, STATE, "returnTo", "[I");
        mv.visitVarInsn(ILOAD, depthSlot);
        mv.visitInsn(IALOAD);
        mv.visitVarInsn(ISTORE, i0);
        int[] keys = plan.returnSitesIn(lo, hi);
        Label[] to = new Label[keys.length];
        for (int e = 0; e < keys.length; e++) {
            to[e] = keys[e] == plan.n ? falloff : labels[keys[e]];
        }
        Label elsewhere = new Label();
        mv.visitVarInsn(ILOAD, i0);
        mv.visitLookupSwitchInsn(elsewhere, keys, to);
        mv.visitLabel(elsewhere);
        if (single) {
            throwError(k, "internal error: bad return address");
        } else {
            mv.visitJumpInsn(GOTO, spill);
        }
    }

    // ------------------------------------------------------------------ small things

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    void runtime(String name, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, name, desc, false);
    }

    void iconst(int v) {
        AluEmitter.iconst(mv, v);
    }
}
