package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.verifier.VerifiedProgram.Access;
import org.junit.jupiter.api.Test;

/** What an accepted program carries for the engines, and how programs that are not analysed are refused. */
class VerifiedProgramTest {
    private static VerifiedProgram verify(String text) {
        return Verifier.verify(Assembler.assemble(text, ProgramType.SOCKET));
    }

    @Test
    void accessKindsPerInstruction() {
        VerifiedProgram v = verify("""
                ldxw %r2, [%r1+76]
                ldxw %r3, [%r1+80]
                mov %r4, %r2
                add %r4, 14
                jgt %r4, %r3, drop
                ldxh %r5, [%r2+12]
                stxdw [%r10-16], %r5
                ldabsb 14
                ldxdw %r0, [%r10-16]
                exit
                drop:
                mov %r0, 0
                exit
                """);
        Access[] expected = {Access.CONTEXT, Access.CONTEXT, Access.NONE, Access.NONE, Access.NONE, Access.PACKET,
            Access.STACK, Access.PACKET_CHECKED_AT_RUN_TIME, Access.STACK, Access.NONE, Access.NONE, Access.NONE};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], v.access(i), "insn " + i);
        }
        assertTrue(v.provenInBounds(5));
        assertTrue(v.provenInBounds(6));
        assertFalse(v.provenInBounds(7), "ldabs is checked at run time");
        assertFalse(v.provenInBounds(2));
        assertEquals(16, v.maxStackDepth());
        assertEquals(1, v.functionCount());
        assertEquals(1, v.callFrames());
        assertTrue(v.processedInsns() >= 12, "processed " + v.processedInsns());
        assertTrue(v.log().contains("5: (69) r5 = *(u16 *)(r2 + 12)"), v.log());
    }

    @Test
    void stackDepthPerFunction() {
        VerifiedProgram v = verify("""
                stdw [%r10-8], 1
                call local f
                exit
                f:
                stdw [%r10-64], 2
                ldxdw %r0, [%r10-64]
                exit
                """);
        assertEquals(2, v.functionCount());
        assertEquals(8, v.stackDepth(0));
        assertEquals(64, v.stackDepth(1));
        assertEquals(2, v.callFrames());
    }

    @Test
    void rawBytesAreDecodedFirst() {
        Program p = Assembler.assemble("mov %r0, 0\nexit\n", ProgramType.SOCKET);
        Verifier v = new Verifier(Verifier.Options.DEFAULT);
        assertEquals(p, v.check(ProgramType.SOCKET, p.encode()).program());
        byte[] bad = p.encode();
        bad[9] = 0x10; // exit with a non-zero src register: a reserved field
        VerifierException e = assertThrows(VerifierException.class, () -> v.check(ProgramType.SOCKET, bad));
        assertEquals(1, e.slot());
        assertTrue(e.getMessage().startsWith("insn 1: (95): unused field src must be 0"), e.getMessage());
    }

    @Test
    void rawProgramsAreNotVerified() {
        Program p = Assembler.assemble("mov %r0, 0\nexit\n", ProgramType.RAW);
        VerifierException e = assertThrows(VerifierException.class, () -> Verifier.verify(p));
        assertTrue(e.getMessage().startsWith("raw programs are not verified"), e.getMessage());
        assertEquals(-1, e.slot());
    }

    @Test
    void shortMessageAndFullLog() {
        VerifierException e = assertThrows(VerifierException.class, () -> verify("""
                mov %r0, 0
                mov %r2, 1
                mov %r3, 2
                ldxw %r0, [%r2+0]
                exit
                """));
        assertEquals("insn 3: r0 = *(u32 *)(r2 + 0): R2 invalid mem access 'scalar'\n"
                + "  state before insn 3: R0=0 R1=ctx() R2=1 R3=2\n"
                + "  (3 lines omitted)", e.getMessage());
        assertEquals(3, e.slot());
        assertEquals("R2 invalid mem access 'scalar'", e.reason());
        assertEquals(4, e.log().lines().count(), e.log());
        assertTrue(e.log().endsWith(e.headline() + "\n"), e.log());
    }

    @Test
    void briefLogKeepsTheMessage() {
        Program p = Assembler.assemble("mov %r0, %r5\nexit\n", ProgramType.SOCKET);
        VerifierException e = assertThrows(VerifierException.class,
                () -> new Verifier(Verifier.Options.DEFAULT.withBriefLog()).check(p));
        assertEquals("insn 0: r0 = r5: R5 !read_ok", e.headline());
    }

    @Test
    void complexityLimitIsAnOption() {
        Program p = Assembler.assemble("""
                mov %r0, 0
                mov %r2, 0
                loop:
                add %r2, 1
                jlt %r2, 50, loop
                exit
                """, ProgramType.SOCKET);
        assertEquals(Verifier.DEFAULT_COMPLEXITY_LIMIT, Verifier.Options.DEFAULT.complexityLimit());
        Verifier.verify(p);
        VerifierException e = assertThrows(VerifierException.class,
                () -> new Verifier(Verifier.Options.DEFAULT.withComplexityLimit(60)).check(p));
        assertTrue(e.reason().startsWith("BPF program is too large. Processed 61 insn"), e.reason());
    }
}
