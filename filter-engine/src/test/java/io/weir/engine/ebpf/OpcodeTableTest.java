package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The opcode table, and the codec over all 256 opcode bytes. */
class OpcodeTableTest {

    /** Opcode bytes RFC 9669 assigns (plus callx 0x8d); every other byte must be rejected. */
    private static final Set<Integer> ASSIGNED = new HashSet<>();

    static {
        for (int cls : new int[] {0x04, 0x07}) {
            for (int op = 0x00; op <= 0xd0; op += 0x10) {
                ASSIGNED.add(op | cls);
                if (op != 0x80 && !(op == 0xd0 && cls == 0x07)) {
                    ASSIGNED.add(op | cls | 0x08);
                }
            }
        }
        for (int cls : new int[] {0x05, 0x06}) {
            for (int op = 0x00; op <= 0xd0; op += 0x10) {
                if (op == 0x80 || op == 0x90) {
                    if (cls == 0x05) {
                        ASSIGNED.add(op | cls);
                    }
                    continue;
                }
                ASSIGNED.add(op | cls);
                if (op != 0x00) {
                    ASSIGNED.add(op | cls | 0x08);
                }
            }
        }
        ASSIGNED.add(0x8d);
        for (int v : new int[] {0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x61, 0x69, 0x71, 0x79, 0x81, 0x89,
            0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb}) {
            ASSIGNED.add(v);
        }
    }

    @Test
    void all256OpcodeBytes() {
        Insn pad = Insn.mov64Imm(Reg.R0, 0);
        int valid = 0;
        for (int op = 0; op < 256; op++) {
            assertEquals(ASSIGNED.contains(op), Opcode.isAssigned(op), String.format("opcode 0x%02x", op));
            if (Opcode.isAssigned(op)) {
                for (Opcode o : Opcode.forOpcode(op)) {
                    Insn i = Samples.of(o);
                    List<Insn> prog = List.of(pad, i, Insn.exit());
                    assertEquals(prog, InsnCodec.decode(InsnCodec.encode(prog)), o.toString());
                    assertEquals(o, Opcode.forCode(o.code()));
                    valid++;
                }
            } else {
                // Two valid instructions first (one a lddw, 3 slots), so the invalid one is at slot index 3.
                byte[] code = InsnCodec.encode(List.of(Insn.lddw(1, -1), pad, Insn.exit()));
                code[24] = (byte) op;
                code[25] = 0;
                EbpfFormatException e = assertThrows(EbpfFormatException.class, () -> InsnCodec.decode(code),
                        String.format("opcode 0x%02x", op));
                assertEquals(3, e.index(), e.getMessage());
                assertEquals(op, e.opcode(), e.getMessage());
                assertTrue(e.getMessage().startsWith(String.format("insn 3 (opcode 0x%02x): ", op)), e.getMessage());
            }
        }
        assertEquals(Opcode.all().size(), valid);
    }

    @Test
    void everyUnusedFieldIsRejected() {
        for (Opcode o : Opcode.all()) {
            Insn i = Samples.of(o);
            long w = i.word();
            List<long[]> broken = new ArrayList<>();
            if (o.dstRule() == Opcode.RegRule.ZERO) {
                broken.add(new long[] {w | 3L << 8});
            }
            if (o.srcRule() == Opcode.RegRule.ZERO && o.disc() != Opcode.Disc.SRC) {
                broken.add(new long[] {w | 3L << 12});
            }
            if (o.offRule() == Opcode.ValueRule.ZERO) {
                broken.add(new long[] {w | 7L << 16});
            }
            if (o.immRule() == Opcode.ValueRule.ZERO) {
                broken.add(new long[] {w | 7L << 32});
            }
            for (long[] b : broken) {
                long[] words = o.isWide() ? new long[] {b[0], 0} : b;
                EbpfFormatException e = assertThrows(EbpfFormatException.class, () -> InsnCodec.decode(words),
                        o + String.format(" word 0x%016x", b[0]));
                assertEquals(o.opcode(), e.opcode());
                assertEquals(0, e.index());
            }
        }
    }

    @Test
    void discriminatorsAndRegisters() {
        record Case(String name, int opcode, int dst, int src, int off, long imm, String error) {}
        Case[] cases = {
            new Case("sdiv needs off 1", 0x3f, 1, 2, 2, 0, "invalid offset 2 for div"),
            new Case("movsx32 only for ALU64", 0xbc, 1, 2, 32, 0, "invalid offset 32 for mov32"),
            new Case("byte swap width", 0xdc, 1, 0, 0, 8, "invalid immediate 8 for be16"),
            new Case("atomic operation", 0xdb, 10, 1, 0, 0x02, "invalid immediate 2 for lock add"),
            new Case("call kind", 0x85, 0, 3, 0, 1, "invalid src 3 for call"),
            new Case("lddw pseudo kind", 0x18, 1, 7, 0, 0, "invalid src 7 for lddw"),
            new Case("r10 is read-only", 0xb7, 10, 0, 0, 1, "frame pointer r10 is read-only"),
            new Case("no r11", 0xbf, 1, 11, 0, 0, "invalid src register r11"),
            new Case("ldx imm unused", 0x61, 1, 2, 0, 1, "unused field imm must be 0, is 1"),
            new Case("ldabs dst unused", 0x30, 1, 0, 0, 1, "unused field dst must be 0, is 1"),
            new Case("neg src unused", 0x87, 1, 2, 0, 0, "unused field src must be 0, is 2"),
        };
        for (Case c : cases) {
            EbpfFormatException e = assertThrows(EbpfFormatException.class,
                    () -> Insn.of(c.opcode, c.dst, c.src, c.off, c.imm), c.name);
            assertEquals(c.error, e.reason(), c.name);
        }
        assertEquals("sdiv", Insn.of(0x3f, 1, 2, 1, 0).op().mnemonic());
        assertEquals("movsx3264", Insn.of(0xbf, 1, 2, 32, 0).op().mnemonic());
        assertEquals("lock fetch xor32", Insn.of(0xc3, 10, 1, -4, 0xa1).op().mnemonic());
        assertNull(Opcode.lookup(0x00, 0, 0, 0));
        assertNotNull(Opcode.lookup(0x8d, 0, 0, 0));
    }

    @Test
    void codesAreUniqueAndSectionsPresent() {
        Set<Integer> codes = new HashSet<>();
        for (Opcode o : Opcode.all()) {
            assertTrue(codes.add(o.code()), "duplicate code " + o);
            assertTrue(o.rfcSection().matches("[45]\\.\\d(\\.\\d)?"), o.toString());
            assertTrue(o.code() < 0x1000, "dispatch codes fit 12 bits: " + o);
        }
    }

    @Test
    void lddwSlotsAndSecondSlotRules() {
        Insn i = Insn.lddw(3, 0x1122334455667788L);
        assertEquals(2, i.slots());
        assertEquals(0x55667788, i.imm());
        assertEquals(0x11223344, i.nextImm());
        byte[] bytes = InsnCodec.encode(List.of(i));
        assertEquals(16, bytes.length);
        bytes[9] = 1; // a register in the second slot
        EbpfFormatException e = assertThrows(EbpfFormatException.class, () -> InsnCodec.decode(bytes));
        assertEquals(1, e.index());
        EbpfFormatException trunc = assertThrows(EbpfFormatException.class,
                () -> InsnCodec.decode(new long[] {i.word()}));
        assertEquals("lddw is missing its second slot", trunc.reason());
        assertThrows(EbpfFormatException.class, () -> InsnCodec.decode(new byte[12]));
    }
}
