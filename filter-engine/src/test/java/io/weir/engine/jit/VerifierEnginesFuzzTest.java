package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.weir.engine.Engines;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import io.weir.engine.verifier.VerifierException;
import java.util.Arrays;
import java.util.Random;

/**
 * Fuzz target: any instruction bytes are either rejected by the verifier with a {@link VerifierException}, or
 * accepted and then run by the interpreter and the JIT on generated packets with the same result on both and no
 * exception at all (a verified program never faults: the run-time checks are only a safety net).
 *
 * <p>Input layout: byte 0 picks the type (even: SOCKET, odd: XDP), bytes 1-8 seed the packets, the rest is the
 * code (cut to a multiple of 8). The verifier runs with a complexity limit of {@value #COMPLEXITY} so each
 * input stays fast. Programs calling {@code ktime_get_ns} or {@code get_prandom_u32} are run on both engines but
 * their results are not compared (they differ by design). Seeds: {@code VerifierEnginesFuzzTestInputs/programs/},
 * the accepted programs of {@code verifier/cases.txt} encoded by {@link #main}.
 */
class VerifierEnginesFuzzTest {
    private static final long COMPLEXITY = 200_000;
    private static final Verifier VERIFIER =
            new Verifier(Verifier.Options.DEFAULT.withComplexityLimit(COMPLEXITY).withBriefLog());
    private static final HelperTable HELPERS = MapHelpers.table();

    @FuzzTest(maxDuration = "25s")
    void programs(byte[] input) {
        if (input.length < 9) {
            return;
        }
        ProgramType type = (input[0] & 1) == 0 ? ProgramType.SOCKET : ProgramType.XDP;
        long seed = 0;
        for (int i = 1; i < 9; i++) {
            seed = seed << 8 | (input[i] & 0xff);
        }
        byte[] code = Arrays.copyOfRange(input, 9, 9 + (input.length - 9) / 8 * 8);
        VerifiedProgram v;
        try {
            v = VERIFIER.check(type, code);
        } catch (VerifierException e) {
            assertNotNull(e.getMessage());
            return;
        }
        boolean deterministic = true;
        for (Insn insn : v.program().insns()) {
            if (insn.opcode() == 0x85 && insn.src() == 0 && (insn.imm() == 5 || insn.imm() == 7)) {
                deterministic = false;
            }
        }
        EbpfInterpreter interp = new EbpfInterpreter(v.program(), HELPERS, Engines.DEFAULT_BUDGET);
        JitProgram jit = JitCompiler.compile(v.program(), HELPERS, Engines.DEFAULT_BUDGET, MemoryFacts.of(v));
        Random r = new Random(seed);
        for (int i = 0; i < 6; i++) {
            byte[] pkt = PacketSamples.frame(r);
            int cap = PacketSamples.capLen(r, pkt);
            int wire = pkt.length + (r.nextBoolean() ? 0 : r.nextInt(1000));
            byte[] before = pkt.clone();
            long a;
            long b;
            try {
                a = interp.run(pkt, 0, cap, wire);
                b = jit.run(pkt, 0, cap, wire);
            } catch (RuntimeException e) {
                throw new AssertionError("a verified " + type + " program faulted (packet seed " + seed + ", packet "
                        + i + "):\n" + v.program(), e);
            }
            if (deterministic && a != b) {
                fail("interpreter " + a + ", JIT " + b + " (packet seed " + seed + "):\n" + v.program());
            }
            assertTrue(Arrays.equals(before, pkt), "a packet program never writes its packet");
            if (type == ProgramType.XDP && (a < 0 || a > Verifier.XDP_MAX_ACTION)) {
                fail("XDP action " + a + " out of range, though verified");
            }
        }
    }

    /** Encodes the accepted cases of {@code verifier/cases.txt} as seeds: {@code main(casesFile, inputsDir)}. */
    public static void main(String[] args) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(args[1]);
        java.nio.file.Files.createDirectories(dir);
        String text = java.nio.file.Files.readString(java.nio.file.Path.of(args[0]));
        int n = 0;
        for (String block : text.split("\n(?=== )")) {
            if (!block.startsWith("== ")) {
                continue;
            }
            String[] head = block.substring(3, block.indexOf('\n')).split(" \\| ", -1);
            boolean xdp = head.length > 3 && head[3].strip().equals("xdp");
            if (!head[1].strip().equals("ACCEPT") || block.contains("map_by_fd") || block.contains("lddw %r1, 0x")) {
                continue;
            }
            ProgramType type = xdp ? ProgramType.XDP : ProgramType.SOCKET;
            byte[] code;
            try {
                code = io.weir.engine.ebpf.Assembler.assemble(block.substring(block.indexOf('\n') + 1), type)
                        .encode();
                VERIFIER.check(type, code);
            } catch (RuntimeException e) {
                continue;   // needs maps or options the target does not give
            }
            byte[] in = new byte[9 + code.length];
            in[0] = (byte) (xdp ? 1 : 0);
            in[8] = (byte) n;
            System.arraycopy(code, 0, in, 9, code.length);
            java.nio.file.Files.write(dir.resolve(String.format("case-%03d", n++)), in);
        }
        System.out.println(n + " seeds");
    }
}
