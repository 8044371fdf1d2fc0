package io.weir.engine.jit;

import static io.weir.engine.ebpf.MemoryModel.REGION_CTX;
import static io.weir.engine.ebpf.MemoryModel.REGION_PACKET;
import static io.weir.engine.ebpf.MemoryModel.STACK_SIZE;
import static io.weir.engine.jit.ChunkEmitter.PROGRAM;
import static io.weir.engine.jit.ChunkEmitter.RUNTIME;
import static io.weir.engine.jit.ChunkEmitter.SINGLE_DESC;
import static io.weir.engine.jit.ChunkEmitter.STATE;
import static org.objectweb.asm.Opcodes.*;

import io.weir.engine.Engines;
import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.verifier.VerifiedProgram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicLong;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;

/**
 * The JIT: compiles an eBPF {@link Program} to a JVM class, defined as a hidden class (unloaded with its last
 * instance) that extends {@link JitProgram} and so implements {@link io.weir.engine.Filter} and
 * {@link io.weir.engine.RawExecutable}. HotSpot then compiles that class to machine code.
 *
 * <p>Passes: validate (the interpreter's load-time checks, so load errors are identical), plan
 * ({@link JitPlan}: targets, stack mode, static context loads, chunks), emit ({@link ChunkEmitter} per chunk,
 * plus the entry points and, for a split program, a dispatcher), check that no method exceeds HotSpot's
 * {@code HugeMethodLimit} of 8000 bytes (re-planning with chunks smaller in proportion if one does), define.
 *
 * <pre>{@code
 * Filter f = JitCompiler.compile(program);                  // default helpers and budget
 * long verdict = f.run(packet, 0, packet.length, packet.length);
 * }</pre>
 * With {@code -Dweir.jit.dump=DIR} every generated class is also written to {@code DIR/WeirJitN.class} for
 * {@code javap -c -p}.
 */
public final class JitCompiler {
    /** HotSpot does not compile methods with more bytecode than this ({@code -XX:HugeMethodLimit}). */
    public static final int HUGE_METHOD_LIMIT = 8000;
    /** The JVM's limit on a method's bytecode (JVMS 4.7.3: {@code code_length} is below 65536). */
    private static final int MAX_CODE_LENGTH = 65_536;
    /** The real bytecode size a re-plan aims at when a method came out over {@link #HUGE_METHOD_LIMIT}. */
    static final int RETRY_TARGET = 6000;
    /** The system property naming a directory to write generated class files to. */
    public static final String DUMP_PROPERTY = "weir.jit.dump";
    /** The engine interface, whose {@code checkSlice} the entry points call. */
    private static final String FILTER = "io/weir/engine/Filter";

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private JitCompiler() {}

    /** Compiles {@code program} with its type's default helpers and the default budget. */
    public static JitProgram compile(Program program) {
        return compile(program, HelperTable.forType(program.type()), Engines.DEFAULT_BUDGET, MemoryFacts.NONE);
    }

    /**
     * Compiles a program the verifier accepted, with its type's default helpers and the default budget: packet
     * loads the verifier proved in bounds lose their run-time check (the JVM's array bound check stays).
     */
    public static JitProgram compile(VerifiedProgram verified) {
        Program p = verified.program();
        return compile(p, HelperTable.forType(p.type()), Engines.DEFAULT_BUDGET, MemoryFacts.of(verified));
    }

    /** Compiles {@code program}; every memory access is checked at run time. */
    public static JitProgram compile(Program program, HelperTable helpers, long budget) {
        return compile(program, helpers, budget, MemoryFacts.NONE);
    }

    /**
     * Compiles {@code program}.
     *
     * @param helpers the helpers {@code call} and {@code callx} may reach
     * @param budget  the instruction budget per run, charged as the interpreter charges it
     * @param facts   what the verifier proved about memory accesses (ignored for RAW programs)
     * @throws EbpfFormatException when the interpreter would reject the program at load time
     * @throws JitException        when no class could be generated (the caller may fall back to the interpreter)
     */
    public static JitProgram compile(Program program, HelperTable helpers, long budget, MemoryFacts facts) {
        return compile(program, helpers, budget, facts, Integer.MAX_VALUE);
    }

    /** As {@link #compile(Program, HelperTable, long, MemoryFacts)}, chunks limited to about {@code maxChunk} bytes. */
    static JitProgram compile(Program program, HelperTable helpers, long budget, MemoryFacts facts, int maxChunk) {
        new EbpfInterpreter(program, helpers, budget); // the load-time checks, with the interpreter's messages
        for (int attempt = 0; attempt < 6; attempt++) {
            JitPlan plan = new JitPlan(program, helpers, budget, facts, maxChunk);
            long seq = SEQUENCE.incrementAndGet();
            String name = "io/weir/engine/jit/WeirJit" + seq;
            byte[] bytes;
            int largest;
            try {
                bytes = generate(plan, name);
                largest = ClassFileSizes.largestMethod(bytes);
            } catch (MethodTooLargeException e) {
                bytes = null;
                largest = Math.max(e.getCodeSize(), MAX_CODE_LENGTH); // over the JVM's own limit: re-plan
            } catch (RuntimeException e) {
                throw new JitException("bytecode generation failed: " + e, e);
            }
            if (largest >= HUGE_METHOD_LIMIT) {
                // Estimates are per-instruction upper bounds, seldom this far off: shrink the budget in
                // proportion, to aim at RETRY_TARGET real bytes (strictly smaller each time).
                maxChunk = (int) ((long) plan.largestChunkEstimate() * RETRY_TARGET / largest);
                continue;
            }
            dump(name, bytes);
            return define(plan, bytes);
        }
        throw new JitException("could not split the program into methods under " + HUGE_METHOD_LIMIT + " bytes");
    }

    private static JitProgram define(JitPlan plan, byte[] bytes) {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(bytes,
                    plan.maps.classData(), true);
            return (JitProgram) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class, JitPlan.class))
                    .invoke(plan);
        } catch (Throwable e) {
            throw new JitException("the generated class was rejected: " + e, e);
        }
    }

    private static void dump(String name, byte[] bytes) {
        String dir = System.getProperty(DUMP_PROPERTY);
        if (dir == null || dir.isEmpty()) {
            return;
        }
        try {
            Path d = Paths.get(dir);
            Files.createDirectories(d);
            Files.write(d.resolve(name.substring(name.lastIndexOf('/') + 1) + ".class"), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JIT dump to " + dir, e);
        }
    }

    // ------------------------------------------------------------------ the class

    static byte[] generate(JitPlan plan, String name) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Generated frames only ever merge a type with itself or null; Object is the safe answer.
                return "java/lang/Object";
            }
        };
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, PROGRAM, null);
        cw.visitSource("eBPF", plan.describe());
        MethodVisitor init = cw.visitMethod(0, "<init>", "(Lio/weir/engine/jit/JitPlan;)V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitVarInsn(ALOAD, 1);
        init.visitMethodInsn(INVOKESPECIAL, PROGRAM, "<init>", "(Lio/weir/engine/jit/JitPlan;)V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        runPacket(cw, plan, name);
        boolean inPlace = plan.chunkStart.length == 2 && !plan.needsState;
        runBuffer(cw, plan, name, inPlace);
        runRaw(cw, plan, name);
        int chunks = plan.chunkStart.length - 1;
        if (chunks == 1) {
            new ChunkEmitter(plan, cw.visitMethod(ACC_STATIC, "exec", SINGLE_DESC, null, null), 0, false, name).emit();
            if (inPlace) {
                new ChunkEmitter(plan, cw.visitMethod(ACC_STATIC, "execDirect", ChunkEmitter.DIRECT_DESC, null, null),
                        0, true, name).emit();
            }
        } else {
            ChunkCalls.dispatcher(cw, plan, name);
            for (int c = 0; c < chunks; c++) {
                new ChunkEmitter(plan, cw.visitMethod(ACC_STATIC, "c" + c, ChunkCalls.DESC, null, null), c, false,
                        name).emit();
            }
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** {@code run(byte[], int, int, int)}: check the slice, take the per-thread state if needed, run. */
    private static void runPacket(ClassWriter cw, JitPlan plan, String name) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "run", "([BIII)J", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 1);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitVarInsn(ILOAD, 3);
        mv.visitMethodInsn(INVOKESTATIC, FILTER, "checkSlice", "([BII)V", true);
        boolean raw = plan.program.type() == ProgramType.RAW;
        Runnable r1r2 = () -> {
            mv.visitLdcInsn(raw ? MemoryModel.pointer(REGION_PACKET, 0) : MemoryModel.pointer(REGION_CTX, 0));
            if (raw) {
                mv.visitVarInsn(ILOAD, 3);
                mv.visitInsn(I2L);
            } else {
                mv.visitInsn(LCONST_0);
            }
        };
        if (plan.needsState) {
            withState(mv, plan, name, 1, 2, 3, 4, false, plan.stackDepth, r1r2, 5);
        } else {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 1);
            mv.visitVarInsn(ILOAD, 2);
            mv.visitVarInsn(ILOAD, 3);
            mv.visitVarInsn(ILOAD, 4);
            mv.visitInsn(ACONST_NULL);
            r1r2.run();
            mv.visitMethodInsn(INVOKESTATIC, name, "exec", SINGLE_DESC, false);
            mv.visitInsn(LRETURN);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * Emits {@code st = acquire(...); try { return exec(...); } finally { release(st); }} with the packet in
     * locals {@code pkt, base, len, wire} and {@code free} the first free local.
     */
    private static void withState(MethodVisitor mv, JitPlan plan, String name, int pkt, int base, int len, int wire,
            boolean writable, int depth, Runnable r1r2, int free) {
        int st = free;
        int result = free + 1;
        int thrown = free + 3;
        mv.visitVarInsn(ALOAD, 0);
        if (plan.lazyMemory && !writable) {
            mv.visitLdcInsn(depth);
            mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "enter", "(L" + PROGRAM + ";I)L" + STATE + ";", false);
        } else {
            mv.visitVarInsn(ALOAD, pkt);
            mv.visitVarInsn(ILOAD, base);
            mv.visitVarInsn(ILOAD, len);
            mv.visitVarInsn(ILOAD, wire);
            mv.visitInsn(writable ? ICONST_1 : ICONST_0);
            mv.visitLdcInsn(depth);
            mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "acquire", "(L" + PROGRAM + ";[BIIIZI)L" + STATE + ";", false);
        }
        mv.visitVarInsn(ASTORE, st);
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitTryCatchBlock(start, end, handler, null);
        mv.visitLabel(start);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, pkt);
        mv.visitVarInsn(ILOAD, base);
        mv.visitVarInsn(ILOAD, len);
        mv.visitVarInsn(ILOAD, wire);
        mv.visitVarInsn(ALOAD, st);
        r1r2.run();
        mv.visitMethodInsn(INVOKESTATIC, name, "exec", SINGLE_DESC, false);
        mv.visitVarInsn(LSTORE, result);
        mv.visitLabel(end);
        mv.visitVarInsn(ALOAD, st);
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "release", "(L" + STATE + ";)V", false);
        mv.visitVarInsn(LLOAD, result);
        mv.visitInsn(LRETURN);
        mv.visitLabel(handler);
        mv.visitVarInsn(ASTORE, thrown);
        mv.visitVarInsn(ALOAD, st);
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "release", "(L" + STATE + ";)V", false);
        mv.visitVarInsn(ALOAD, thrown);
        mv.visitInsn(ATHROW);
    }

    /**
     * {@code run(ByteBuffer, ...)}: a heap buffer's array in place; a direct (or read-only) buffer in place too
     * when the program needs no per-thread state ({@code execDirect}, the body with ByteBuffer reads), else
     * through a per-thread copy.
     */
    private static void runBuffer(ClassWriter cw, JitPlan plan, String name, boolean inPlace) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "run", "(Ljava/nio/ByteBuffer;III)J", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 1);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitVarInsn(ILOAD, 3);
        mv.visitMethodInsn(INVOKESTATIC, FILTER, "checkSlice", "(Ljava/nio/ByteBuffer;II)V", true);
        Label direct = new Label();
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/nio/ByteBuffer", "hasArray", "()Z", false);
        mv.visitJumpInsn(IFEQ, direct);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/nio/ByteBuffer", "array", "()[B", false);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/nio/ByteBuffer", "arrayOffset", "()I", false);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ILOAD, 3);
        mv.visitVarInsn(ILOAD, 4);
        mv.visitMethodInsn(INVOKEVIRTUAL, name, "run", "([BIII)J", false);
        mv.visitInsn(LRETURN);
        mv.visitLabel(direct);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitVarInsn(ILOAD, 3);
        mv.visitVarInsn(ILOAD, 4);
        if (inPlace) {
            // Zero copy: the program only reads its packet through legacy or proven loads.
            mv.visitInsn(ACONST_NULL);
            boolean raw = plan.program.type() == ProgramType.RAW;
            mv.visitLdcInsn(raw ? MemoryModel.pointer(REGION_PACKET, 0) : MemoryModel.pointer(REGION_CTX, 0));
            if (raw) {
                mv.visitVarInsn(ILOAD, 3);
                mv.visitInsn(I2L);
            } else {
                mv.visitInsn(LCONST_0);
            }
            mv.visitMethodInsn(INVOKESTATIC, name, "execDirect", ChunkEmitter.DIRECT_DESC, false);
        } else {
            mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "runDirect", "(L" + PROGRAM + ";Ljava/nio/ByteBuffer;III)J",
                    false);
        }
        mv.visitInsn(LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * {@code run(byte[] memory)}: for RAW programs the memory is read and written in place, r1 points at it (0
     * when empty) and r2 holds its length; other types see the memory as their packet.
     */
    private static void runRaw(ClassWriter cw, JitPlan plan, String name) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "run", "([B)J", null, null);
        mv.visitCode();
        Label present = new Label();
        mv.visitVarInsn(ALOAD, 1);
        mv.visitJumpInsn(IFNONNULL, present);
        mv.visitInsn(ICONST_0);
        mv.visitIntInsn(NEWARRAY, T_BYTE);
        mv.visitVarInsn(ASTORE, 1);
        mv.visitLabel(present);
        // locals: 1 memory, 2 zero, 3 length, 4 r1
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, 2);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitInsn(ARRAYLENGTH);
        mv.visitVarInsn(ISTORE, 3);
        if (plan.program.type() != ProgramType.RAW) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 1);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ILOAD, 3);
            mv.visitVarInsn(ILOAD, 3);
            mv.visitMethodInsn(INVOKEVIRTUAL, name, "run", "([BIII)J", false);
            mv.visitInsn(LRETURN);
        } else {
            Label go = new Label();
            mv.visitInsn(LCONST_0);
            mv.visitVarInsn(LSTORE, 4);
            mv.visitVarInsn(ILOAD, 3);
            mv.visitJumpInsn(IFEQ, go);
            mv.visitLdcInsn(MemoryModel.pointer(REGION_PACKET, 0));
            mv.visitVarInsn(LSTORE, 4);
            mv.visitLabel(go);
            withState(mv, plan, name, 1, 2, 3, 3, true, STACK_SIZE, () -> {
                mv.visitVarInsn(LLOAD, 4);
                mv.visitVarInsn(ILOAD, 3);
                mv.visitInsn(I2L);
            }, 6);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
