package io.weir.engine.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** JMP and JMP32 conditions (RFC 9669 section 4.3): every operator, both widths, both operand kinds. */
class EbpfInterpreterJumpTest {

    /** {a, b} pairs that separate signed from unsigned and 32 from 64 bits. */
    private static final long[][] PAIRS = {
        {1, 2}, {2, 1}, {5, 5}, {-1, 1}, {1, -1}, {0x1_0000_0001L, 1}, {0x8000_0000L, 1},
        {Long.MIN_VALUE, Long.MAX_VALUE}, {0xff00, 0x0f00},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (JmpOp op : JmpOp.values()) {
            if (!op.isConditional()) {
                continue;
            }
            for (long[] p : PAIRS) {
                for (boolean wide : new boolean[] {true, false}) {
                    out.add(Arguments.of(op, wide, p[0], p[1]));
                }
            }
        }
        return out.stream();
    }

    static boolean expected(JmpOp op, boolean wide, long a, long b) {
        if (!wide) {
            a = (int) a;
            b = (int) b;
        }
        long ua = wide ? a : a & 0xffff_ffffL;
        long ub = wide ? b : b & 0xffff_ffffL;
        return switch (op) {
            case JEQ -> a == b;
            case JNE -> a != b;
            case JGT -> Long.compareUnsigned(ua, ub) > 0;
            case JGE -> Long.compareUnsigned(ua, ub) >= 0;
            case JLT -> Long.compareUnsigned(ua, ub) < 0;
            case JLE -> Long.compareUnsigned(ua, ub) <= 0;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JSLT -> a < b;
            case JSLE -> a <= b;
            case JSET -> (a & b) != 0;
            default -> throw new AssertionError(op);
        };
    }

    @ParameterizedTest(name = "{0} wide={1} {2} {3}")
    @MethodSource("cases")
    void condition(JmpOp op, boolean wide, long a, long b) {
        String m = op.mnemonic() + (wide ? "" : "32");
        String setup = "lddw %r1, " + a + "\nlddw %r2, " + b + "\nmov %r0, 0\n";
        String tail = "exit\ntaken:\nmov %r0, 1\nexit\n";
        long want = expected(op, wide, a, b) ? 1 : 0;
        assertEquals(want, Run.raw(setup + m + " %r1, %r2, taken\n" + tail), "register form");
        if (b == (int) b) {
            // The immediate form: imm sign-extended to 64 bits (JMP) or used as 32 bits (JMP32).
            assertEquals(want, Run.raw(setup + m + " %r1, " + b + ", taken\n" + tail), "immediate form");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unconditional")
    void unconditional(String name, String asm, long expected) {
        assertEquals(expected, Run.raw(asm), name);
    }

    static Stream<Arguments> unconditional() {
        StringBuilder far = new StringBuilder("mov %r0, 1\nja32 end\n");
        for (int i = 0; i < 40000; i++) {
            far.append("mov %r0, 2\n");
        }
        far.append("end:\nexit\n");
        return Stream.of(
            Arguments.of("ja forward", "mov %r0, 1\nja +1\nmov %r0, 2\nexit\n", 1L),
            Arguments.of("ja backward loop", "mov %r0, 0\nloop:\nadd %r0, 1\njlt %r0, 10, loop\nexit\n", 10L),
            Arguments.of("ja counts slots over lddw", "ja +2\nlddw %r0, 7\nexit\n", 0L),
            Arguments.of("ja32 beyond 16 bits", far.toString(), 1L),
            Arguments.of("exit label is the first exit", "mov %r0, 3\nja exit\nmov %r0, 4\nexit\n", 3L));
    }
}
