package io.weir.engine.verifier;

import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.util.Arrays;

/**
 * A program the verifier accepted, with what it learnt that an engine can use: per instruction (by instruction
 * index, not slot), which kind of memory it touches and whether the access was proven in bounds on every path,
 * so a JIT may drop its run-time check; per function, the stack bytes it uses. Immutable.
 *
 * <p>Every {@code ldx}, {@code st}, {@code stx} and atomic of an accepted program is proven in bounds; only the
 * legacy {@code ldabs}/{@code ldind} loads are checked at run time (out of the packet they end the program with
 * 0, which is their defined behaviour, not a fault).
 */
public final class VerifiedProgram {

    /** The memory an instruction touches. */
    public enum Access {
        /** Not a memory access. */
        NONE,
        /** A context field (a 4-byte load at a fixed offset). */
        CONTEXT,
        /** Packet bytes within a range proven by a comparison with {@code data_end}. */
        PACKET,
        /** The stack, at a constant offset. */
        STACK,
        /** A map value, within its size. */
        MAP_VALUE,
        /** A ring buffer record a helper reserved, within its size. */
        MEMORY,
        /** {@code ldabs}/{@code ldind}: the packet, bounds checked at run time. */
        PACKET_CHECKED_AT_RUN_TIME;

        static Access of(RegType base) {
            if (base == null) {
                return PACKET_CHECKED_AT_RUN_TIME;
            }
            return switch (base) {
                case PTR_TO_CTX -> CONTEXT;
                case PTR_TO_PACKET -> PACKET;
                case PTR_TO_STACK -> STACK;
                case PTR_TO_MAP_VALUE -> MAP_VALUE;
                case PTR_TO_MEM -> MEMORY;
                default -> NONE;
            };
        }
    }

    private final Program program;
    private final Access[] access;
    private final int[] stackDepth;
    private final int callFrames;
    private final long processed;
    private final int statesKept;
    private final String log;

    VerifiedProgram(Program program, Access[] access, int[] stackDepth, int callFrames, long processed,
            int statesKept, String log) {
        this.program = program;
        this.access = access.clone();
        this.stackDepth = stackDepth.clone();
        this.callFrames = callFrames;
        this.processed = processed;
        this.statesKept = statesKept;
        this.log = log;
    }

    /** The program, unchanged. */
    public Program program() {
        return program;
    }

    /** The program type it was verified for. */
    public ProgramType type() {
        return program.type();
    }

    /** The memory instruction {@code index} touches. */
    public Access access(int index) {
        return access[index];
    }

    /** Whether instruction {@code index} is a memory access the verifier proved in bounds on every path. */
    public boolean provenInBounds(int index) {
        Access a = access[index];
        return a != Access.NONE && a != Access.PACKET_CHECKED_AT_RUN_TIME;
    }

    /** The number of functions (the entry and every target of a local call). */
    public int functionCount() {
        return stackDepth.length;
    }

    /** The stack bytes function {@code fn} (0 = entry, then by address) uses below its frame pointer. */
    public int stackDepth(int fn) {
        return stackDepth[fn];
    }

    /** The deepest stack use of any function. */
    public int maxStackDepth() {
        return Arrays.stream(stackDepth).max().orElse(0);
    }

    /** The frames of the deepest call chain (1 without local calls). */
    public int callFrames() {
        return callFrames;
    }

    /** The instructions analysed (the measure the complexity limit bounds). */
    public long processedInsns() {
        return processed;
    }

    /** The states kept for pruning. */
    public int statesKept() {
        return statesKept;
    }

    /** The verifier's log (with {@link Verifier.Options#withBriefLog()}: only the count of its lines). */
    public String log() {
        return log;
    }
}
