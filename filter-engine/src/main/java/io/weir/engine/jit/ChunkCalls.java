package io.weir.engine.jit;

import static io.weir.engine.ebpf.MemoryModel.REGION_STACK;
import static io.weir.engine.ebpf.MemoryModel.STACK_SIZE;
import static io.weir.engine.jit.ChunkEmitter.PROGRAM;
import static io.weir.engine.jit.ChunkEmitter.SINGLE_DESC;
import static io.weir.engine.jit.ChunkEmitter.STATE;
import static org.objectweb.asm.Opcodes.*;

import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Reg;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * How the methods of a split program hand control to each other. A chunk method takes the run's context, the
 * instruction to start at, the registers r0..r10, the budget left and the local-call depth as arguments
 * ({@link #DESC}), so they arrive in the JVM locals the chunk's code uses, with no copy:
 * <ul>
 *   <li>a transfer to a <em>later</em> chunk is a direct static call of it with the current registers (chunks
 *       are cut by position, so a forward chain nests at most once per chunk, and only when the program has
 *       at most {@link #MAX_DIRECT_CHUNKS} chunks); the callee's result is returned as it is;</li>
 *   <li>a transfer to an <em>earlier</em> chunk (a loop, a local call's return, or any transfer in a program
 *       with more chunks) stores the registers, budget and depth in the {@link JitState} and returns the target
 *       index to the dispatcher, {@code exec}, which reloads them and calls the chunk holding it;</li>
 *   <li>{@code exit} at depth 0 stores r0 in the state and returns -1, which ends the dispatcher's loop.</li>
 * </ul>
 * The common path of a program whose hot code runs forward (a filter, the flow counter) thus crosses its chunks
 * as plain calls, without the state's array traffic or the dispatcher's switch.
 */
final class ChunkCalls {
    /** Chunk methods: context, entry index, r0..r10, budget left, call depth; returns -1 or the next index. */
    static final String DESC = ChunkEmitter.PARAMS + "I" + "J".repeat(Reg.COUNT) + "JI)I";
    /** The first register's local in a chunk method (the arguments' layout). */
    static final int FIRST_REG = 7;
    /** Local of the budget left in a chunk method. */
    static final int LEFT = FIRST_REG + 2 * Reg.COUNT;
    /** Local of the call depth in a chunk method. */
    static final int DEPTH = LEFT + 2;
    /** Programs with more chunks than this go through the dispatcher for every crossing (bounded JVM nesting). */
    static final int MAX_DIRECT_CHUNKS = 64;

    private ChunkCalls() {}

    /** Whether a transfer from chunk {@code from} to chunk {@code to} of {@code plan} is a direct call. */
    static boolean direct(JitPlan plan, int from, int to) {
        return to > from && plan.chunkStart.length - 1 <= MAX_DIRECT_CHUNKS;
    }

    private static void pushContext(MethodVisitor mv) {
        for (int a = 0; a <= 5; a++) {
            mv.visitVarInsn(a == 0 || a == 1 || a == 5 ? ALOAD : ILOAD, a);
        }
    }

    /**
     * In a chunk method: calls chunk {@code to} at the index in local {@code entry} with this chunk's registers,
     * budget and depth, and returns its result.
     */
    static void callForward(MethodVisitor mv, String owner, int to, int entry) {
        pushContext(mv);
        mv.visitVarInsn(ILOAD, entry);
        for (int r = 0; r < Reg.COUNT; r++) {
            mv.visitVarInsn(LLOAD, FIRST_REG + 2 * r);
        }
        mv.visitVarInsn(LLOAD, LEFT);
        mv.visitVarInsn(ILOAD, DEPTH);
        mv.visitMethodInsn(INVOKESTATIC, owner, "c" + to, DESC, false);
        mv.visitInsn(IRETURN);
    }

    /** In a chunk method: stores registers, budget and depth in the state, returns the index in {@code entry}. */
    static void spill(MethodVisitor mv, int entry) {
        for (int r = 0; r < Reg.COUNT; r++) {
            mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
            mv.visitFieldInsn(GETFIELD, STATE, "regs", "[J");
            AluEmitter.iconst(mv, r);
            mv.visitVarInsn(LLOAD, FIRST_REG + 2 * r);
            mv.visitInsn(LASTORE);
        }
        mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
        mv.visitVarInsn(LLOAD, LEFT);
        mv.visitFieldInsn(PUTFIELD, STATE, "left", "J");
        mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
        mv.visitVarInsn(ILOAD, DEPTH);
        mv.visitFieldInsn(PUTFIELD, STATE, "depth", "I");
        mv.visitVarInsn(ILOAD, entry);
        mv.visitInsn(IRETURN);
    }

    /**
     * A split program's {@code exec} (descriptor {@link ChunkEmitter#SINGLE_DESC}, r1 and r2 in locals 6 and 8):
     * calls chunk 0 with the initial registers, then, while a chunk returns an index, the chunk holding it with
     * the registers the state holds; returns r0.
     */
    static void dispatcher(ClassWriter cw, JitPlan plan, String name) {
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "exec", SINGLE_DESC, null, null);
        mv.visitCode();
        int pc = 10;
        pushContext(mv);
        mv.visitInsn(ICONST_0);
        for (int r = 0; r < Reg.COUNT; r++) {
            if (r == 1 || r == 2) {
                mv.visitVarInsn(LLOAD, r == 1 ? 6 : 8);
            } else if (r == Reg.R10) {
                mv.visitLdcInsn(MemoryModel.pointer(REGION_STACK, STACK_SIZE));
            } else {
                mv.visitInsn(LCONST_0);
            }
        }
        mv.visitLdcInsn(plan.budget);
        mv.visitInsn(ICONST_0);
        mv.visitMethodInsn(INVOKESTATIC, name, "c0", DESC, false);
        mv.visitVarInsn(ISTORE, pc);
        Label loop = new Label();
        Label done = new Label();
        int chunks = plan.chunkStart.length - 1;
        Label[] cases = new Label[chunks];
        for (int c = 0; c < chunks; c++) {
            cases[c] = new Label();
        }
        // The arguments are pushed once, before the switch: each case is only the call (a short dispatcher
        // whatever the number of chunks).
        Label bad = new Label();
        mv.visitLabel(loop);
        mv.visitVarInsn(ILOAD, pc);
        mv.visitJumpInsn(IFLT, done);
        pushContext(mv);
        mv.visitVarInsn(ILOAD, pc);
        for (int r = 0; r < Reg.COUNT; r++) {
            mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
            mv.visitFieldInsn(GETFIELD, STATE, "regs", "[J");
            AluEmitter.iconst(mv, r);
            mv.visitInsn(LALOAD);
        }
        mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
        mv.visitFieldInsn(GETFIELD, STATE, "left", "J");
        mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
        mv.visitFieldInsn(GETFIELD, STATE, "depth", "I");
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, PROGRAM, "chunkOf", "[I");
        mv.visitVarInsn(ILOAD, pc);
        mv.visitInsn(IALOAD);
        mv.visitTableSwitchInsn(0, chunks - 1, bad, cases);
        for (int c = 0; c < chunks; c++) {
            mv.visitLabel(cases[c]);
            mv.visitMethodInsn(INVOKESTATIC, name, "c" + c, DESC, false);
            mv.visitVarInsn(ISTORE, pc);
            mv.visitJumpInsn(GOTO, loop);
        }
        mv.visitLabel(bad);   // unreachable: chunkOf holds chunk numbers only
        mv.visitTypeInsn(NEW, "java/lang/IllegalStateException");
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "()V", false);
        mv.visitInsn(ATHROW);
        mv.visitLabel(done);
        mv.visitVarInsn(ALOAD, ChunkEmitter.ST);
        mv.visitFieldInsn(GETFIELD, STATE, "regs", "[J");
        mv.visitInsn(ICONST_0);
        mv.visitInsn(LALOAD);
        mv.visitInsn(LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
