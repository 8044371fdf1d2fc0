package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.engine.Engines;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Size;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A helper that reads the packet ({@code skb_load_bytes}) must see this run's packet on the JIT as on the
 * interpreter, whatever ran before: a fuzz finding (VerifierEnginesFuzzTest, packet seed 8796093022275) had the
 * JIT return an earlier run's stack bytes where the helper failed on a short packet: the JIT keeps its stack
 * between runs of a verified program, the interpreter clears it. Linux zeroes the buffer when the helper fails;
 * Weir's helper now does too.
 */
class JitHelperStateTest {
    private static final HelperTable HELPERS = MapHelpers.table();

    /** {@code skb_load_bytes(ctx, 12, fp-8, 2); return *(u16 *)(fp-8)}. */
    private static VerifiedProgram loadBytes(ProgramType type) {
        Program p = Program.builder(type)
                .mov64Imm(2, 12).mov64Reg(3, 10).alu64Imm(io.weir.engine.ebpf.AluOp.ADD, 3, -8).mov64Imm(4, 2)
                .call(26).ldx(Size.H, 0, 10, -8).exit().build();
        return new Verifier(Verifier.Options.DEFAULT).check(type, p.encode());
    }

    @TestFactory
    Stream<DynamicTest> sameResultAfterLongerPackets() {
        return Stream.of(ProgramType.SOCKET).map(type -> DynamicTest.dynamicTest(type.name(), () -> {
            VerifiedProgram v = loadBytes(type);
            EbpfInterpreter interp = new EbpfInterpreter(v.program(), HELPERS, Engines.DEFAULT_BUDGET);
            JitProgram jit = JitCompiler.compile(v.program(), HELPERS, Engines.DEFAULT_BUDGET, MemoryFacts.of(v));
            // The finding's own packets, then a long packet followed by short ones.
            Random r = new Random(8796093022275L);
            for (int i = 0; i < 6; i++) {
                byte[] pkt = PacketSamples.frame(r);
                int cap = PacketSamples.capLen(r, pkt);
                int wire = pkt.length + (r.nextBoolean() ? 0 : r.nextInt(1000));
                assertEquals(interp.run(pkt, 0, cap, wire), jit.run(pkt, 0, cap, wire), "packet " + i);
            }
            byte[] longer = new byte[64];
            longer[12] = 0x08;
            longer[13] = 0x06;
            for (int cap : new int[] {64, 13, 64, 0, 14, 12}) {
                assertEquals(interp.run(longer, 0, cap, 64), jit.run(longer, 0, cap, 64), "caplen " + cap);
            }
        }));
    }
}
