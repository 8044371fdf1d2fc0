package io.weir.spark;

import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.Program;
import io.weir.engine.jit.JitCompiler;
import io.weir.engine.jit.JitException;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import io.weir.engine.verifier.VerifierException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executor side of the filter: a program shipped as bytes (a classic program, or the eBPF compiler's program
 * with its sets' keys when a set is too large for comparisons) becomes a verified, JIT-compiled filter once per
 * executor JVM, not once per task. A bounded, least-recently-used cache keyed by (program bytes, link type);
 * tasks of one executor share its filters (filters are thread-safe). {@link #compilations()} counts the
 * filters made, which tests compare with the number of distinct keys.
 */
public final class FilterCache {
    /** Filters kept: far more than the programs of one query, few enough that the generated classes stay small. */
    static final int CAPACITY = 64;

    private static final AtomicLong COMPILATIONS = new AtomicLong();

    private record Key(byte[] program, int linkType) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.linkType == linkType && Arrays.equals(k.program, program);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(program) + linkType;
        }
    }

    private static final Map<Key, Filter> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Filter> eldest) {
            return size() > CAPACITY;
        }
    };

    private FilterCache() {}

    /**
     * The filter of a shipped program for packets of {@code linkType}; {@code null} when the program is empty
     * (accepts every packet, so no call is made at all).
     */
    static Filter filter(byte[] program, int linkType) {
        if (program.length == 0) {
            return null;
        }
        Key k = new Key(program, linkType);
        synchronized (CACHE) {
            Filter f = CACHE.get(k);
            if (f == null) {
                // Compiling under the lock: tasks of one executor wait for the first instead of racing it.
                f = CompiledFilter.isEncoded(program) ? load(program) : make(ClassicProgram.decode(program));
                COMPILATIONS.incrementAndGet();
                CACHE.put(k, f);
            }
            return f;
        }
    }

    /**
     * Translates to eBPF, verifies, JIT-compiles; the eBPF interpreter where the JIT cannot make a class. A
     * verifier rejection is a Weir bug: it fails the task rather than run an unchecked program.
     */
    private static Filter make(ClassicProgram classic) {
        Program ebpf = ClassicToEbpf.translate(classic);
        VerifiedProgram verified;
        try {
            verified = new Verifier(Verifier.Options.DEFAULT.withBriefLog()).check(ebpf);
        } catch (VerifierException e) {
            throw new IllegalStateException("the verifier rejected the compiled filter (a Weir bug): "
                    + e.getMessage(), e);
        }
        if (Engines.available(Engine.JIT)) {
            try {
                return JitCompiler.compile(verified);
            } catch (JitException e) {
                // fall through to the interpreter
            }
        }
        return Engines.filter(verified.program(), Engine.INTERPRETER);
    }

    /**
     * A filter the eBPF compiler shipped with its sets ({@link CompiledFilter#encode()}): the hash maps are made
     * again from the keys, then the program is verified against them and JIT-compiled. An evicted one is not
     * closed (a task may still run it): its maps then live as long as the JVM, which 64 entries bound.
     */
    private static Filter load(byte[] encoded) {
        try {
            return CompiledFilter.decode(encoded).load(Engine.AUTO);
        } catch (VerifierException e) {
            throw new IllegalStateException("the verifier rejected the compiled filter (a Weir bug): "
                    + e.getMessage(), e);
        }
    }

    /** Filters made in this JVM since it started (or since {@link #clear()}). */
    public static long compilations() {
        return COMPILATIONS.get();
    }

    /** Empties the cache and resets the count (for tests). */
    static void clear() {
        synchronized (CACHE) {
            CACHE.clear();
            COMPILATIONS.set(0);
        }
    }
}
