package io.weir.engine.jit;

import io.weir.engine.ebpf.Program;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bpf_conformance {@code .data} files through the eBPF tests' own parser
 * ({@code io.weir.engine.ebpf.ConformanceFile}, package-private in the test sources, reached reflectively so
 * the JIT tests read the files exactly as the interpreter's tests do).
 */
record Conformance(String name, Program program, byte[] mem, Long result, String error) {
    private static final Class<?> FILE;
    private static final Method SHARED;
    private static final Method LIST;
    private static final Method READ;

    static {
        try {
            FILE = Class.forName("io.weir.engine.ebpf.ConformanceFile");
            SHARED = accessible(FILE.getDeclaredMethod("sharedDir"));
            LIST = accessible(FILE.getDeclaredMethod("list", Path.class, String.class));
            READ = accessible(FILE.getDeclaredMethod("read", Path.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Method accessible(Method m) {
        m.setAccessible(true);
        return m;
    }

    /** The suite's tests directory, or null when weir.sharedDir has none. */
    static Path testsDir() {
        Path shared = (Path) call(SHARED, null);
        return shared == null ? null : shared.resolve("bpf-conformance").resolve("tests");
    }

    /** Every positive test file, sorted. */
    @SuppressWarnings("unchecked")
    static List<Path> files(Path dir) {
        return new ArrayList<>((List<Path>) call(LIST, null, dir, null));
    }

    static Conformance read(Path file) {
        Object cf = call(READ, null, file);
        return new Conformance((String) get(cf, "name"), (Program) get(cf, "program"), (byte[]) get(cf, "mem"),
                (Long) get(cf, "result"), (String) get(cf, "error"));
    }

    private static Object get(Object cf, String accessor) {
        try {
            return call(accessible(FILE.getDeclaredMethod(accessor)), cf);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object call(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
