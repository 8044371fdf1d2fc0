package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ALU and ALU64 semantics (RFC 9669 sections 4.1, 4.2), the corners first. */
class EbpfInterpreterAluTest {

    static Stream<Arguments> cases() {
        return Stream.of(
            // name, program (exit appended), expected r0
            c("add64 wraps", "lddw %r0, 0xffffffffffffffff\nadd %r0, 2", 1L),
            c("add32 zero-extends", "lddw %r0, 0x1ffffffff\nadd32 %r0, 1", 0L),
            c("mov32 -1 zero-extends", "mov32 %r0, -1", 0xffff_ffffL),
            c("mov64 imm sign-extends", "mov %r0, -1", -1L),
            c("mov32 reg drops the high half", "lddw %r1, 0x123456789\nmov32 %r0, %r1", 0x23456789L),
            c("mul32 overflow", "mov32 %r0, 0x10000\nmul32 %r0, 0x10000", 0L),
            c("div64 by zero reg is 0", "mov %r0, 9\nmov %r1, 0\ndiv %r0, %r1", 0L),
            c("div32 by zero imm is 0", "mov %r0, 9\ndiv32 %r0, 0", 0L),
            c("div64 imm sign-extended, unsigned", "lddw %r0, 0xfffffffffffffffe\ndiv %r0, -1", 0L),
            c("mod64 by zero keeps dst", "lddw %r0, 0x100000007\nmov %r1, 0\nmod %r0, %r1", 0x1_0000_0007L),
            c("mod32 by zero keeps the low half", "lddw %r0, 0x100000007\nmod32 %r0, 0", 7L),
            c("mod64 unsigned", "mov %r0, -1\nmod %r0, 10", Long.remainderUnsigned(-1L, 10)),
            c("sdiv64 MIN / -1 = MIN", "lddw %r0, 0x8000000000000000\nsdiv %r0, -1", Long.MIN_VALUE),
            c("smod64 MIN % -1 = 0", "lddw %r0, 0x8000000000000000\nsmod %r0, -1", 0L),
            c("sdiv32 MIN / -1 = MIN", "mov32 %r0, 0x80000000\nsdiv32 %r0, -1", 0x8000_0000L),
            c("smod32 MIN % -1 = 0", "mov32 %r0, 0x80000000\nsmod32 %r0, -1", 0L),
            c("sdiv rounds toward zero", "mov %r0, -7\nsdiv %r0, 2", -3L),
            c("smod takes the dividend's sign", "mov %r0, -7\nsmod %r0, 2", -1L),
            c("sdiv by zero is 0", "mov %r0, -7\nsdiv %r0, 0", 0L),
            c("smod32 by zero keeps the low half", "mov %r0, -7\nsmod32 %r0, 0", 0xffff_fff9L),
            c("lsh64 masks to 6 bits", "mov %r0, 1\nmov %r1, 65\nlsh %r0, %r1", 2L),
            c("lsh32 masks to 5 bits", "mov %r0, 1\nlsh32 %r0, 33", 2L),
            c("rsh64 is logical", "mov %r0, -1\nrsh %r0, 60", 0xfL),
            c("rsh32 is logical, on the low half", "mov %r0, -1\nrsh32 %r0, 28", 0xfL),
            c("arsh64 keeps the sign", "mov %r0, -16\narsh %r0, 2", -4L),
            c("arsh32 keeps the 32-bit sign", "mov32 %r0, 0x80000000\narsh32 %r0, 4", 0xf800_0000L),
            c("neg64", "mov %r0, 5\nneg %r0", -5L),
            c("neg32 of MIN", "mov32 %r0, 0x80000000\nneg32 %r0", 0x8000_0000L),
            c("and/or/xor", "mov %r0, 0xf0\nor %r0, 0x0f\nand %r0, 0x3c\nxor %r0, 0xff", 0xc3L),
            c("movsx8 to 64", "mov %r1, 0x80\nmovsx864 %r0, %r1", -128L),
            c("movsx16 to 32", "mov %r1, 0x8000\nmovsx1632 %r0, %r1", 0xffff_8000L),
            c("movsx32 to 64", "mov32 %r1, 0x80000000\nmovsx3264 %r0, %r1", (long) Integer.MIN_VALUE),
            c("be16 swaps and truncates", "lddw %r0, 0x1122334455667788\nbe16 %r0", 0x8877L),
            c("be32", "lddw %r0, 0x1122334455667788\nbe32 %r0", 0x8877_6655L),
            c("be64", "lddw %r0, 0x1122334455667788\nbe64 %r0", 0x8877_6655_4433_2211L),
            c("le16 truncates only", "lddw %r0, 0x1122334455667788\nle16 %r0", 0x7788L),
            c("le32", "lddw %r0, 0x1122334455667788\nle32 %r0", 0x5566_7788L),
            c("le64 is identity", "lddw %r0, 0x1122334455667788\nle64 %r0", 0x1122_3344_5566_7788L),
            c("bswap16", "lddw %r0, 0x1122334455667788\nbswap16 %r0", 0x8877L),
            c("bswap32", "lddw %r0, 0x1122334455667788\nbswap32 %r0", 0x8877_6655L),
            c("bswap64", "lddw %r0, 0x1122334455667788\nbswap64 %r0", 0x8877_6655_4433_2211L),
            c("sub32 borrows within 32 bits", "mov %r0, 0\nsub32 %r0, 1", 0xffff_ffffL),
            c("lddw decimal", "lddw %r0, 2147483648", 0x8000_0000L));
    }

    private static Arguments c(String name, String asm, long expected) {
        return Arguments.of(name, asm, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void alu(String name, String asm, long expected) {
        assertEquals(Long.toHexString(expected), Long.toHexString(Run.raw(asm + "\nexit\n")), name);
    }
}
