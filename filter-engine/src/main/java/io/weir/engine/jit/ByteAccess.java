package io.weir.engine.jit;

import static org.objectweb.asm.Opcodes.*;

import org.objectweb.asm.MethodVisitor;

/**
 * The bytecode of one memory read or write of 1, 2, 4 or 8 bytes at an index of a byte array or a
 * {@code ByteBuffer}: a byte inline, wider words through {@link JitRuntime}'s small readers and writers (view
 * {@code VarHandle}s, which C2 turns into one unaligned move), little-endian unless a big-endian read is asked
 * for (the legacy packet loads). Shared by the instruction emitters, so each access shape is written once.
 */
final class ByteAccess {
    private static final String RUNTIME = ChunkEmitter.RUNTIME;

    private ByteAccess() {}

    /** [array, index] on the stack: reads {@code size} bytes as an unsigned long. */
    static void readArray(MethodVisitor mv, int size, boolean bigEndian) {
        switch (size) {
            case 1 -> {
                mv.visitInsn(BALOAD);
                mv.visitIntInsn(SIPUSH, 0xff);
                mv.visitInsn(IAND);
                mv.visitInsn(I2L);
            }
            case 2 -> runtime(mv, bigEndian ? "be16" : "le16", "([BI)J");
            case 4 -> runtime(mv, bigEndian ? "be32" : "le32", "([BI)J");
            default -> runtime(mv, "le64", "([BI)J");
        }
    }

    /** [buffer, index] on the stack: reads {@code size} bytes of a {@code ByteBuffer} as an unsigned long. */
    static void readBuffer(MethodVisitor mv, int size, boolean bigEndian) {
        String desc = "(Ljava/nio/ByteBuffer;I)J";
        switch (size) {
            case 1 -> runtime(mv, "bufU8", desc);
            case 2 -> runtime(mv, bigEndian ? "bufBe16" : "bufLe16", desc);
            case 4 -> runtime(mv, bigEndian ? "bufBe32" : "bufLe32", desc);
            default -> runtime(mv, "bufLe64", desc);
        }
    }

    /** [array, index, long value] on the stack: writes the value's low {@code size} bytes, little-endian. */
    static void writeArray(MethodVisitor mv, int size) {
        switch (size) {
            case 1 -> {
                mv.visitInsn(L2I);
                mv.visitInsn(BASTORE);
            }
            case 2 -> runtime(mv, "put16", "([BIJ)V");
            case 4 -> runtime(mv, "put32", "([BIJ)V");
            default -> runtime(mv, "put64", "([BIJ)V");
        }
    }

    private static void runtime(MethodVisitor mv, String name, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, name, desc, false);
    }
}
