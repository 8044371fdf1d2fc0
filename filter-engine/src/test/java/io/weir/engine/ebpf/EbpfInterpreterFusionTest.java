package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interpreter's fused sequences (ldabs/ldind + jmp32, the classic msh sequence, {@code r0 = imm; exit})
 * give exactly what the unfused instructions give: each program runs with and without fusion over random
 * packets of random lengths, including branches into the middle of a fused sequence.
 */
class EbpfInterpreterFusionTest {

    static Stream<Arguments> programs() {
        return Stream.of(
            Arguments.of("ldabs + every jmp32", """
                    ldabsh 12
                    jeq32 %r0, 0x800, a
                    ldabsb 23
                    jne32 %r0, 6, b
                    ldabsw 26
                    jgt32 %r0, 0x80000000, a
                    ldabsb 14
                    jge32 %r0, 0x45, b
                    ldabsh 20
                    jset32 %r0, 0x1fff, a
                    ldabsb 1
                    jlt32 %r0, 0x80, b
                    ldabsb 2
                    jle32 %r0, 0x7f, a
                    mov32 %r0, 1
                    exit
                    a:
                    mov32 %r0, 2
                    exit
                    b:
                    mov %r0, -3
                    exit
                    """),
            Arguments.of("ldind + jmp32, msh", """
                    ldabsb 14
                    and32 %r0, 15
                    lsh32 %r0, 2
                    mov32 %r7, %r0
                    ldindh %r7, 14
                    jeq32 %r0, 80, a
                    ldindw %r7, 2
                    jsgt32 %r0, 3, a
                    ldindb %r7, 40
                    jne32 %r0, 1, b
                    mov %r0, %r7
                    exit
                    a:
                    mov32 %r0, 0xffff
                    exit
                    b:
                    add %r0, %r7
                    exit
                    """),
            Arguments.of("branches into fused sequences", """
                    ldabsb 0
                    jset32 %r0, 1, mid
                    ldabsb 3
                    jeq32 %r0, 7, mid2
                    ldabsb 4
                    mid2:
                    and32 %r0, 15
                    lsh32 %r0, 2
                    mov32 %r7, %r0
                    ldabsh 5
                    mid:
                    jgt32 %r0, 0x1000, out
                    mov32 %r0, 9
                    exit
                    out:
                    mov %r0, %r7
                    exit
                    """),
            Arguments.of("return in a local call", """
                    call local f
                    add %r0, 1
                    exit
                    f:
                    mov32 %r0, 41
                    exit
                    """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void fusedEqualsUnfused(String name, String asm) {
        Program p = Assembler.assemble(asm, ProgramType.SOCKET);
        EbpfInterpreter fused = new EbpfInterpreter(p, HelperTable.empty(), 1000, true);
        EbpfInterpreter plain = new EbpfInterpreter(p, HelperTable.empty(), 1000, false);
        long seed = 0x5eed_0000L + name.hashCode();
        Random rnd = new Random(seed);
        for (int i = 0; i < 3000; i++) {
            byte[] pkt = new byte[rnd.nextInt(70)];
            rnd.nextBytes(pkt);
            if (rnd.nextBoolean() && pkt.length > 14) {
                pkt[12] = 8;
                pkt[13] = 0;
                pkt[14] = (byte) (0x40 | rnd.nextInt(16));
            }
            assertEquals(plain.run(pkt, 0, pkt.length, pkt.length), fused.run(pkt, 0, pkt.length, pkt.length),
                    name + ": packet " + i + " of seed " + seed);
        }
    }
}
