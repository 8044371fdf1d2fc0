package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden verifier logs: for each {@code verifier/golden/NAME.s}, the full log (and, for a rejection, the short
 * message) must equal {@code NAME.log}. Rewrite them with {@code -Dgolden.update=true} and review the diff.
 */
class VerifierGoldenLogTest {
    static List<String> names() {
        return List.of("packet-check", "packet-unchecked", "bounded-loop", "map-null-check", "global-data",
                "rodata-store", "ringbuf-submit", "ringbuf-unreleased");
    }

    @ParameterizedTest
    @MethodSource("names")
    void logMatchesGolden(String name) throws IOException {
        Program p = Assembler.assemble(resource(name + ".s"), ProgramType.SOCKET);
        String actual;
        try {
            VerifiedProgram v = new Verifier(VerifierCasesTest.OPTIONS).check(p);
            actual = "accepted\n" + v.log();
        } catch (VerifierException e) {
            actual = "rejected\n" + e.log() + "--- message\n" + e.getMessage() + "\n";
        }
        if (Boolean.getBoolean("golden.update")) {
            Path dir = Path.of(System.getProperty("weir.projectDir", "."), "filter-engine/src/test/resources/verifier/golden");
            Files.writeString(dir.resolve(name + ".log"), actual);
            return;
        }
        assertEquals(resource(name + ".log"), actual, "golden log of " + name + " (-Dgolden.update=true rewrites it)");
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = VerifierGoldenLogTest.class.getResourceAsStream("/verifier/golden/" + file)) {
            if (in == null) {
                throw new IOException("missing golden file " + file + " (run with -Dgolden.update=true)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
