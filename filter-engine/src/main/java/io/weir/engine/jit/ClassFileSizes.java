package io.weir.engine.jit;

import org.objectweb.asm.ClassReader;

/**
 * Reads the bytecode length of every method of a class file (JVMS 4.7.3, the {@code Code} attribute's
 * {@code code_length}): how the JIT checks that no generated method is too large for HotSpot to compile.
 */
final class ClassFileSizes {
    private ClassFileSizes() {}

    /** The largest {@code code_length} among the methods of {@code classFile}. */
    static int largestMethod(byte[] classFile) {
        int largest = 0;
        for (int size : methodSizes(classFile)) {
            largest = Math.max(largest, size);
        }
        return largest;
    }

    /** The {@code code_length} of every method of {@code classFile}, in class-file order (0: no code). */
    static int[] methodSizes(byte[] classFile) {
        ClassReader r = new ClassReader(classFile);
        char[] buf = new char[r.getMaxStringLength()];
        int u = r.header + 6;
        u += 2 + 2 * r.readUnsignedShort(u); // interfaces
        u = skipMembers(r, u); // fields
        int methods = r.readUnsignedShort(u);
        u += 2;
        int[] sizes = new int[methods];
        for (int m = 0; m < methods; m++) {
            int attributes = r.readUnsignedShort(u + 6);
            u += 8;
            for (int a = 0; a < attributes; a++) {
                String name = r.readUTF8(u, buf);
                int length = r.readInt(u + 2);
                if ("Code".equals(name)) {
                    sizes[m] = r.readInt(u + 6 + 4);
                }
                u += 6 + length;
            }
        }
        return sizes;
    }

    private static int skipMembers(ClassReader r, int u) {
        int count = r.readUnsignedShort(u);
        u += 2;
        for (int i = 0; i < count; i++) {
            int attributes = r.readUnsignedShort(u + 6);
            u += 8;
            for (int a = 0; a < attributes; a++) {
                u += 6 + r.readInt(u + 2);
            }
        }
        return u;
    }
}
