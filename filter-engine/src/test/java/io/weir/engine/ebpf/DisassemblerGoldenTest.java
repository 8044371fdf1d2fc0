package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden disassembly: one instruction per {@link Opcode} table entry, printed kernel style and ubpf style, against
 * {@code src/test/resources/ebpf/disassembly.golden}. Rewrite the file with {@code -Dgolden.update=true} and
 * review the diff.
 */
class DisassemblerGoldenTest {
    private static final String GOLDEN = "ebpf/disassembly.golden";

    static String render() {
        Program p = new Program(ProgramType.RAW, Samples.everyEntry());
        StringBuilder sb = new StringBuilder();
        sb.append("# One instruction per opcode table entry: slot, encoding, kernel style | ubpf style.\n");
        for (int k = 0; k < p.size(); k++) {
            Insn i = p.insn(k);
            sb.append(String.format("%4d: %016x  %-44s| %s%n", p.slotOf(k), i.word(), Disassembler.kernel(i),
                    Disassembler.ubpf(i)));
        }
        return sb.toString();
    }

    @Test
    void everyFormPrintsAsRecorded() throws IOException {
        String actual = render();
        if (Boolean.getBoolean("golden.update")) {
            Path file = Paths.get(System.getProperty("weir.projectDir", "."), "filter-engine", "src", "test",
                    "resources", GOLDEN);
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
        }
        String expected;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
            expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, actual, "golden " + GOLDEN + " (rewrite with -Dgolden.update=true)");
    }

    @Test
    void ubpfRoundTripsForEveryEntry() {
        Program p = new Program(ProgramType.RAW, Samples.everyEntry());
        assertEquals(p, Assembler.assemble(Disassembler.ubpf(p), ProgramType.RAW));
        assertEquals(p, Assembler.assemble(Disassembler.ubpf(p, true), ProgramType.RAW));
        assertEquals(p, Program.decode(ProgramType.RAW, p.encode()));
    }

    @Test
    void kernelStyleExamples() {
        record Case(String asm, String kernel) {}
        List<Case> cases = List.of(
            new Case("ldxh %r3, [%r1+12]", "r3 = *(u16 *)(r1 + 12)"),
            new Case("stxdw [%r10-8], %r0", "*(u64 *)(r10 - 8) = r0"),
            new Case("jne %r3, 0x81, +2", "if r3 != 0x81 goto +2"),
            new Case("jsgt32 %r1, %r2, -1", "if w1 s> w2 goto -1"),
            new Case("add32 %r1, -3", "w1 += -3"),
            new Case("sdiv %r1, %r2", "r1 s/= r2"),
            new Case("movsx1632 %r1, %r2", "w1 = (s16)w2"),
            new Case("be16 %r3", "r3 = be16 r3"),
            new Case("lddw %r0, 0x1122334455667788", "r0 = 0x1122334455667788 ll"),
            new Case("lock fetch add32 [%r10-4], %r1", "w1 = atomic_fetch_add((u32 *)(r10 - 4), w1)"),
            new Case("lock cmpxchg [%r10-8], %r1", "r0 = atomic_cmpxchg((u64 *)(r10 - 8), r0, r1)"),
            new Case("ldabsh 12", "r0 = *(u16 *)skb[12]"),
            new Case("ldindb %r1, 14", "r0 = *(u8 *)skb[r1 + 14]"),
            new Case("ja32 +70000", "gotol +70000"),
            new Case("call %r2", "callx r2"));
        for (Case c : cases) {
            Insn i = Assembler.assemble(c.asm, ProgramType.RAW).insn(0);
            assertEquals(c.kernel, Disassembler.kernel(i), c.asm);
            assertEquals(c.asm, Disassembler.ubpf(i).replace("0x81", "0x81"), "ubpf style prints " + c.asm);
        }
    }
}
