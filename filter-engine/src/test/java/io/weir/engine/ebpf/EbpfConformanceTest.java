package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.RawExecutable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code .data} file of the bpf_conformance suite (from {@code weir.sharedDir}), on every available engine:
 * the result (or error) the file expects, plus the round trips through the codec and the ubpf-style
 * disassembler. The {@code negative/unused-*.data} files must all be rejected at decode time.
 */
class EbpfConformanceTest {

    private static Path suite() {
        Path shared = ConformanceFile.sharedDir();
        assumeTrue(shared != null, "weir.sharedDir has no bpf-conformance directory: conformance tests skipped");
        return shared.resolve("bpf-conformance");
    }

    @TestFactory
    List<DynamicNode> positiveTestsOnEveryEngine() {
        Path dir = suite().resolve("tests");
        List<Path> files = ConformanceFile.list(dir, null);
        assertEquals(313, files.size(), "the suite has 313 positive tests");
        List<DynamicNode> out = new ArrayList<>();
        for (Engine engine : new Engine[] {Engine.INTERPRETER, Engine.JIT}) {
            if (!Engines.available(engine)) {
                continue;
            }
            List<DynamicNode> tests = new ArrayList<>();
            for (Path f : files) {
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> runOne(f, engine)));
            }
            out.add(DynamicContainer.dynamicContainer(engine.label(), tests));
        }
        return out;
    }

    private static void runOne(Path file, Engine engine) {
        ConformanceFile cf = ConformanceFile.read(file);
        Program p = cf.program();
        RawExecutable x = Engines.raw(p, engine);
        byte[] mem = cf.mem().clone();
        if (cf.error() != null) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> x.run(mem), cf.name());
            assertEquals(cf.error(), e.getMessage().split("\r?\n")[0], cf.name());
            return;
        }
        if (cf.result() == null) {
            fail(cf.name() + " has neither result nor error");
        }
        long r0 = x.run(mem);
        assertEquals(Long.toHexString(cf.result()), Long.toHexString(r0), cf.name() + ": r0\n" + p);
    }

    @TestFactory
    List<DynamicTest> positiveTestsRoundTrip() {
        List<DynamicTest> out = new ArrayList<>();
        for (Path f : ConformanceFile.list(suite().resolve("tests"), null)) {
            out.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                ConformanceFile cf = ConformanceFile.read(f);
                Program p = cf.program();
                assertEquals(p, Program.decode(ProgramType.RAW, p.encode()), "decode(encode(p))");
                assertEquals(p, Assembler.assemble(Disassembler.ubpf(p), ProgramType.RAW), "assemble(ubpf(p))");
                assertEquals(p, Assembler.assemble(Disassembler.ubpf(p, true), ProgramType.RAW),
                        "assemble(ubpf(p, labels))");
                if (!cf.raw().isEmpty() && !cf.asm().isBlank()) {
                    assertEquals(p, Assembler.assemble(cf.asm(), ProgramType.RAW), "the asm section is the raw one");
                }
            }));
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> unusedFieldsAreRejected() {
        List<Path> files = ConformanceFile.list(suite().resolve("negative"), "unused-");
        assertEquals(45, files.size(), "the suite has 45 negative/unused-*.data files");
        List<DynamicTest> out = new ArrayList<>();
        for (Path f : files) {
            out.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                ConformanceFile cf = ConformanceFile.read(f);
                byte[] code = cf.rawBytes();
                EbpfFormatException e = assertThrows(EbpfFormatException.class,
                        () -> Program.decode(ProgramType.RAW, code), cf.name());
                assertEquals(code[e.index() * 8] & 0xff, e.opcode(), "the error names the opcode at its index");
            }));
        }
        return out;
    }
}
