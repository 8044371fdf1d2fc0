package io.weir.compiler.ebpf;

import static io.weir.engine.ebpf.Reg.R0;
import static io.weir.engine.ebpf.Reg.R1;
import static io.weir.engine.ebpf.Reg.R10;
import static io.weir.engine.ebpf.Reg.R2;

import io.weir.compiler.lower.SetLookup;
import io.weir.compiler.lower.SetTable;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.ProgramBuilder;
import io.weir.engine.ebpf.Size;
import io.weir.engine.maps.HelperProto;

/**
 * The eBPF code of one set lookup, written in place of its placeholder jump: the value (A, and for IPv6 the
 * words in M[12..14] before it) is copied to the stack, then for each prefix length present, longest first, the
 * key {@code (length, value masked to length)} is built and looked up in the set's hash map; a hit jumps to the
 * true target, no hit after the last length to the false one. The key is {@link SetLookup#key(int)}'s layout.
 *
 * <p>Stack: M[] is at {@code r10-64..r10-1} (the classic translation's); the value is copied to
 * {@value #VALUE} and the key built at {@value #KEY}. The call clobbers r0-r5, which the classic translation
 * never keeps live across a jump (the emitter forgets A after a lookup).
 */
final class LookupCode implements ClassicToEbpf.JumpOverride {
    /** Stack offset of the copied value (16 bytes). */
    static final int VALUE = -96;
    /** Stack offset of the key: the masked value, then the length (up to 20 bytes). */
    static final int KEY = -120;

    private final SetLookup table;
    private final int fd;

    LookupCode(SetLookup table, int fd) {
        this.table = table;
        this.fd = fd;
    }

    @Override
    public void emit(ProgramBuilder b, String ifTrue, String ifFalse) {
        int words = table.kind().words();
        int loaded = table.loadedWords();
        for (int j = 0; j < loaded - 1; j++) {
            int m = -ClassicToEbpf.SCRATCH_BYTES + 4 * (SetTable.KEY_SCRATCH + j);
            b.ldx(Size.W, R1, R10, m).stx(Size.W, R10, VALUE + 4 * j, R1);
        }
        b.stx(Size.W, R10, VALUE + 4 * (loaded - 1), ClassicToEbpf.REG_A);
        // Words past the loaded ones are masked off by every length present: their key words are 0.
        for (int len : table.lengths()) {
            for (int j = 0; j < words; j++) {
                int bits = Math.max(0, Math.min(32, len - 32 * j));
                if (bits == 0) {
                    b.st(Size.W, R10, KEY + 4 * j, 0);
                    continue;
                }
                b.ldx(Size.W, R1, R10, VALUE + 4 * j);
                if (bits < 32) {
                    b.alu32Imm(AluOp.AND, R1, SetLookup.mask(bits));
                }
                b.be(R1, 32); // network byte order: see SetLookup#key
                b.stx(Size.W, R10, KEY + 4 * j, R1);
            }
            b.st(Size.W, R10, KEY + 4 * words, len);
            b.insn(Insn.of(0x18, R1, 1, 0, fd)); // lddw r1, map_by_fd(fd)
            b.mov64Reg(R2, R10).alu64Imm(AluOp.ADD, R2, KEY);
            b.call(HelperProto.MAP_LOOKUP_ELEM);
            b.jmpImm(JmpOp.JNE, R0, 0, ifTrue);
        }
        b.ja(ifFalse);
    }
}
