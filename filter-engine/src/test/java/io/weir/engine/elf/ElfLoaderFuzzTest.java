package io.weir.engine.elf;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.MapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: any bytes given to the ELF loader give an {@link ElfObjectSpec} or an {@link ElfLoadException};
 * a spec whose maps are small enough to make is loaded (maps made, global data written, every program linked),
 * which either works or fails with an {@link ElfLoadException}, a {@link MapException} (Linux's errno) or, when
 * linking, an {@link EbpfFormatException} naming the instruction.
 * Any other exception is a bug.
 *
 * <p>Objects are loaded with a map memory ceiling of {@link #MAX_MAP_BYTES}: larger ones must fail with ENOMEM
 * before anything is allocated. Seeds: {@code ElfLoaderFuzzTestInputs/objects/}, the clang-built fixtures, copied
 * by {@link #main}.
 */
class ElfLoaderFuzzTest {
    private static final long MAX_MAP_BYTES = 16L << 20;

    @FuzzTest(maxDuration = "25s")
    void objects(byte[] input) {
        ElfObjectSpec spec;
        try {
            spec = ElfObjectSpec.parse(input);
        } catch (ElfLoadException e) {
            assertNotNull(e.getMessage());
            return;
        }
        for (ElfProgram p : spec.programs()) {
            Program code = p.program();
            assertTrue(code.size() > 0, "a program has instructions");
            assertNotNull(p.section());
        }
        // The loader's own memory ceiling: larger maps are refused (ENOMEM) before anything is allocated.
        try (BpfObject obj = spec.load(MAX_MAP_BYTES)) {
            for (ElfProgram p : spec.programs()) {
                assertNotNull(obj.link(p));
            }
        } catch (ElfLoadException | MapException | EbpfFormatException e) {
            assertNotNull(e.getMessage());
        }
    }

    /** Copies the fixture objects into the seed directory: {@code main(elfDir, inputsDir)}. */
    public static void main(String[] args) throws IOException {
        Path src = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        try (var files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".o")) {
                    Files.copy(f, dir.resolve(f.getFileName().toString().replace('.', '-')),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
