package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.RawExecutable;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.HelperTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every positive test of the bpf_conformance suite (cpu v4 plus callx) on the JIT, three ways: through
 * {@code Engines} ({@code --engine jit}), compiled as one method, and compiled split into many small chunk
 * methods (so the dispatcher, register spilling and cross-method branches, returns and budget charges run on
 * the whole suite, not only on large programs).
 */
class JitConformanceTest {

    @TestFactory
    List<DynamicNode> everyTestOnTheJit() {
        Path dir = Conformance.testsDir();
        assumeTrue(dir != null, "weir.sharedDir has no bpf-conformance directory: conformance tests skipped");
        List<Path> files = Conformance.files(dir);
        assertEquals(313, files.size(), "the suite has 313 positive tests");
        List<DynamicNode> out = new ArrayList<>();
        String[] ways = {"engine jit", "one method", "split"};
        for (String way : ways) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Path f : files) {
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> runOne(f, way)));
            }
            out.add(DynamicContainer.dynamicContainer(way, tests));
        }
        return out;
    }

    private static void runOne(Path file, String way) {
        Conformance cf = Conformance.read(file);
        RawExecutable x = switch (way) {
            case "engine jit" -> Engines.raw(cf.program(), Engine.JIT);
            case "one method" -> JitCompiler.compile(cf.program(), HelperTable.conformance(), Engines.DEFAULT_BUDGET);
            default -> JitCompiler.compile(cf.program(), HelperTable.conformance(), Engines.DEFAULT_BUDGET,
                    MemoryFacts.NONE, 60);
        };
        assertTrue(x instanceof JitProgram, "the JIT compiled " + cf.name());
        if (way.equals("split") && cf.program().size() > 3) {
            assertTrue(x.toString().contains(" method(s)") && !x.toString().contains(" in 1 method"),
                    "split into several methods: " + x);
        }
        byte[] mem = cf.mem().clone();
        if (cf.error() != null) {
            EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> x.run(mem), cf.name());
            assertEquals(cf.error(), e.getMessage().split("\r?\n")[0], cf.name());
            return;
        }
        assertEquals(Long.toHexString(cf.result()), Long.toHexString(x.run(mem)), cf.name() + "\n" + cf.program());
    }
}
