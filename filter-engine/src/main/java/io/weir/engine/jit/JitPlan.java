package io.weir.engine.jit;

import static io.weir.engine.ebpf.MemoryModel.FRAME_SIZE;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.AtomicOp;
import io.weir.engine.ebpf.Helper;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.OpClass;
import io.weir.engine.ebpf.Opcode;
import io.weir.engine.ebpf.Opcode.Form;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Reg;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The analysis pass of the JIT: everything decided before a byte of code is emitted. Branch targets (as
 * instruction indices), local-call return sites, which stack accesses are static, whether the stack can live in
 * JVM locals, which context loads are static, whether a run needs a {@link JitState}, and how the program is cut
 * into methods (chunks) small enough for HotSpot.
 *
 * <p><b>Stack in locals.</b> When r10 is only ever a load/store base (it never escapes into another register,
 * a helper or a comparison), there are no local calls and every r10-relative access stays inside one aligned
 * 8-byte word of frame 0, each touched word becomes a {@code long} local: no array, no per-thread state, and C2
 * keeps it in a register. Otherwise r10-relative accesses proven inside the current frame read the per-thread
 * stack array directly and all other accesses go through the checked {@code EbpfMemory}.
 *
 * <p><b>Static context.</b> For packet programs without local calls, a forward dataflow tracks registers that
 * hold {@code ctx + k} (r1 on entry, then copies and constant additions); a 4-byte load of a defined context
 * field through such a register becomes a read of the run's argument (wire length, packet end), not a call.
 */
final class JitPlan {
    /** Estimated bytecode bytes above which a program is split into chunks (HotSpot's limit is 8000). */
    static final int SINGLE_METHOD_BUDGET = 6000;
    /**
     * Estimated bytecode bytes per chunk method once a program is split. The estimates ({@link #estimate}) are
     * upper bounds, measured at 0.28-0.45 of the real bytecode on full chunks (0.28 for load/store-heavy code such
     * as the flow counter's, 0.45 for random programs; up to 0.8 on a few), so chunks come out at about
     * 1400-2300 real bytes, far under HotSpot's 8000; a method over it anyway is re-planned smaller in proportion
     * ({@link JitCompiler}). Larger chunks mean fewer crossings, but the flow counter measured slower with
     * chunks of 3000-5000 real bytes (budget 11000, and again 9000 once crossings became direct calls) than with
     * these, probably because C2 then stops inlining the runtime's small readers into a chunk
     * ({@code DesiredMethodLimit} counts inlined bytecode; not verified). {@code -Dweir.jit.chunkBudget=N} changes
     * it, for such measurements.
     */
    static final int CHUNK_BUDGET = Integer.getInteger("weir.jit.chunkBudget", 5000);

    static final long UNKNOWN = Long.MIN_VALUE;

    enum StackMode { NONE, LOCALS, ARRAY }

    final Program program;
    final HelperTable helpers;
    final long budget;
    final MemoryFacts facts;
    final int n;
    final Insn[] insns;
    /** Per instruction: branch or local-call target index, or -1. */
    final int[] target;
    final Helper[] helperAt;
    final boolean hasLocalCalls;
    /** Whether r10 only ever holds a frame pointer (a fetching atomic with src r10 can overwrite it). */
    final boolean r10Fixed;
    /**
     * Whether r10 holds frame 0's pointer throughout (fixed, no local calls: the loader rejects every other write
     * of r10), so r10-relative stack indices are constants.
     */
    final boolean r10Constant;
    /** Instruction indices a local-call exit may return to (may include {@code n}: falling off the end). */
    final int[] returnSites;
    /** Per instruction: the static context offset of its load's base register, or UNKNOWN. */
    final long[] ctxBase;
    final StackMode stackMode;
    /** LOCALS mode: per 8-byte word of frame 0 (0..63), whether some access touches it. */
    final boolean[] wordUsed = new boolean[FRAME_SIZE / 8];
    final int stackDepth;
    final boolean needsState;
    /**
     * Whether a run sets up its {@code EbpfMemory} only when it first needs it (a helper through the table, a
     * checked access, a map call by pointer): a single-method packet program without local calls, whose frames
     * and registers never go through the memory. (Made lazy, a split program measured slower: each chunk then
     * asks the runtime for the memory instead of holding it in a local.)
     */
    final boolean lazyMemory;
    /** Chunk boundaries: chunk k holds instructions [chunkStart[k], chunkStart[k + 1]). */
    final int[] chunkStart;
    final int[] chunkOf;
    final int maxChunkBytes;
    /** The helper calls and value accesses that reach a known map directly. */
    final MapSites maps;

    JitPlan(Program program, HelperTable helpers, long budget, MemoryFacts facts, int maxChunkBytes) {
        this.program = program;
        this.helpers = helpers;
        this.budget = budget;
        this.facts = program.type() == ProgramType.RAW || facts == null ? MemoryFacts.NONE : facts;
        this.n = program.size();
        this.insns = program.insns().toArray(new Insn[0]);
        this.target = new int[n];
        this.helperAt = new Helper[n];
        this.maxChunkBytes = maxChunkBytes;
        boolean calls = false;
        List<Integer> sites = new ArrayList<>();
        boolean r10Escapes = false;
        boolean stackStatic = true;
        boolean anyR10 = false;
        boolean r10Written = false;
        int depth = 0;
        for (int k = 0; k < n; k++) {
            Insn i = insns[k];
            Opcode o = i.op();
            target[k] = -1;
            switch (o.form()) {
                case JA, JA32, JCOND_IMM, JCOND_REG -> target[k] = program.targetOf(k);
                case CALL_LOCAL -> {
                    target[k] = program.targetOf(k);
                    calls = true;
                    sites.add(k + 1);
                }
                case CALL_HELPER -> helperAt[k] = helpers.get(i.imm() & 0xffff_ffffL);
                default -> { }
            }
            // The interpreter's rule for how much stack a run must clear, and whether r10 escapes.
            boolean memBaseDst = o.form() == Form.ST || o.form() == Form.STX || o.form() == Form.ATOMIC;
            boolean memBaseSrc = o.form() == Form.LDX || o.form() == Form.LDXSX;
            if ((memBaseDst && i.dst() == Reg.R10) || (memBaseSrc && i.src() == Reg.R10)) {
                depth = Math.max(depth, Math.min(FRAME_SIZE, Math.max(0, -i.off())));
                anyR10 = true;
                int size = o.size().bytes();
                if (o.form() == Form.ATOMIC || !staticStackAccess(i.off(), size)
                        || ((i.off() + FRAME_SIZE) & 7) + size > 8) {
                    stackStatic = false;
                } else {
                    wordUsed[(i.off() + FRAME_SIZE) >> 3] = true;
                }
            }
            if (o.form() == Form.ATOMIC && o.atomicFetches() && o.atomicOp() != AtomicOp.CMPXCHG
                    && i.src() == Reg.R10) {
                r10Written = true; // a fetching atomic writes its source register, even r10
            }
            boolean readsSrc = o.srcRule() != Opcode.RegRule.ZERO && o.disc() != Opcode.Disc.SRC;
            if ((readsSrc && i.src() == Reg.R10 && !memBaseSrc) || (i.dst() == Reg.R10 && !memBaseDst)) {
                r10Escapes = true;
            }
        }
        this.hasLocalCalls = calls;
        this.r10Fixed = !r10Written;
        this.r10Constant = r10Fixed && !calls;
        this.returnSites = sites.stream().distinct().mapToInt(Integer::intValue).toArray();
        int[] starts = cut();
        this.chunkStart = starts;
        this.chunkOf = new int[n + 1];
        for (int c = 0; c + 1 < starts.length; c++) {
            Arrays.fill(chunkOf, starts[c], starts[c + 1], c);
        }
        chunkOf[n] = starts.length - 2;
        boolean single = starts.length == 2;
        if (!anyR10 && !r10Escapes) {
            stackMode = StackMode.NONE;
        } else if (single && !calls && !r10Escapes && stackStatic && !r10Written) {
            stackMode = StackMode.LOCALS;
        } else {
            stackMode = StackMode.ARRAY;
        }
        // A verified program never reads a stack byte before writing it: nothing to clear between runs.
        this.stackDepth = this.facts.stackReadsInitialised() ? 0 : r10Escapes ? FRAME_SIZE : depth;
        this.ctxBase = contextAnalysis();
        boolean state = !single || calls || stackMode == StackMode.ARRAY || program.type() == ProgramType.RAW;
        for (int k = 0; k < n && !state; k++) {
            Form f = insns[k].op().form();
            state = f == Form.CALL_HELPER || f == Form.CALLX || f == Form.ATOMIC || ((f == Form.LDX
                    || f == Form.LDXSX || f == Form.ST || f == Form.STX) && access(k) == Access.CHECKED);
        }
        this.needsState = state;
        this.lazyMemory = state && single && !calls && program.type() != ProgramType.RAW;
        this.maps = MapSites.of(this);
    }

    /** Whether an r10-relative access of {@code size} bytes at {@code off} stays inside the current frame. */
    static boolean staticStackAccess(int off, int size) {
        return off >= -FRAME_SIZE && off + size <= 0;
    }

    /** How a load or store reaches memory. */
    enum Access { STACK, CONTEXT, PACKET_PROVEN, CHECKED }

    /** The access kind of the load or store at {@code k}. */
    Access access(int k) {
        Insn i = insns[k];
        Form f = i.op().form();
        int base = f == Form.LDX || f == Form.LDXSX ? i.src() : i.dst();
        int size = i.op().size().bytes();
        if (f == Form.ATOMIC) {
            return Access.CHECKED;
        }
        if (base == Reg.R10 && r10Fixed && staticStackAccess(i.off(), size)) {
            return Access.STACK;
        }
        if ((f == Form.LDX || f == Form.LDXSX) && ctxBase[k] != UNKNOWN && size == 4
                && contextField(ctxBase[k] + i.off()) != null) {
            return Access.CONTEXT;
        }
        if (facts.packetAccessInRange(k)) {
            return Access.PACKET_PROVEN;
        }
        return Access.CHECKED;
    }

    /** The context field at {@code off} of this program type: "len", "data", "end", "zero", or null. */
    String contextField(long off) {
        if (program.type() == ProgramType.SOCKET) {
            return off == 0 ? "len" : off == 76 ? "data" : off == 80 ? "end" : null;
        }
        if (program.type() == ProgramType.XDP) {
            return off == 0 || off == 8 ? "data" : off == 4 ? "end" : off == 12 || off == 16 || off == 20 ? "zero"
                    : null;
        }
        return null;
    }

    // ------------------------------------------------------------------ chunks

    /** Cuts the program into chunks by estimated bytecode size; one chunk when it fits one method. */
    private int[] cut() {
        int total = 0;
        for (int k = 0; k < n; k++) {
            total += estimate(k);
        }
        boolean given = maxChunkBytes != Integer.MAX_VALUE; // a re-plan's (or a test's) size wins
        if (total <= (given ? maxChunkBytes : SINGLE_METHOD_BUDGET)) {
            return new int[] {0, n};
        }
        int limit = given ? maxChunkBytes : CHUNK_BUDGET;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int size = 0;
        for (int k = 0; k < n; k++) {
            int e = estimate(k);
            if (size > 0 && size + e > limit) {
                starts.add(k);
                size = 0;
            }
            size += e;
        }
        starts.add(n);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The largest estimate of a chunk of this plan (of the whole program when it is one method). */
    int largestChunkEstimate() {
        int largest = 0;
        for (int c = 0; c + 1 < chunkStart.length; c++) {
            int size = 0;
            for (int k = chunkStart[c]; k < chunkStart[c + 1]; k++) {
                size += estimate(k);
            }
            largest = Math.max(largest, size);
        }
        return largest;
    }

    /**
     * The instructions a chunk {@code [lo, hi)} can be entered at from the dispatcher, sorted: its first, every
     * target of a branch or call from another chunk, and the local-call return sites it holds ({@code n}, falling
     * off the end after a call in the last instruction, belongs to the last chunk).
     */
    int[] entries(int lo, int hi) {
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(lo);
        for (int k = 0; k < n; k++) {
            if (target[k] >= lo && target[k] < hi && (k < lo || k >= hi)) {
                entries.add(target[k]);
            }
        }
        for (int s : returnSitesIn(lo, hi)) {
            entries.add(s);
        }
        return entries.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The local-call return sites in chunk {@code [lo, hi)}, sorted. */
    int[] returnSitesIn(int lo, int hi) {
        return Arrays.stream(returnSites).filter(s -> (s >= lo && s < hi) || (s == n && hi == n)).sorted().toArray();
    }

    /** An upper bound of the bytecode an instruction becomes, stubs and entry-switch cases included. */
    int estimate(int k) {
        Insn i = insns[k];
        int branch = target[k] >= 0 ? 16 + (target[k] <= k ? 40 : 0) : 0;
        return switch (i.op().form()) {
            case ALU_IMM, ALU_REG, NEG, MOVSX, END, LDDW -> 16;
            case LDABS, LDIND -> 40;
            case LDX, LDXSX, ST, STX -> 50;
            case ATOMIC -> 60;
            case JA, JA32, JCOND_IMM, JCOND_REG -> 12 + branch;
            case CALL_HELPER, CALLX -> 60;
            case CALL_LOCAL -> 160 + branch;
            case EXIT -> hasLocalCalls ? 120 + 8 * returnSites.length : 10;
            default -> 30;
        } + 16;
    }

    // ------------------------------------------------------------------ context pointers

    /** Per instruction, the static context offset held by the base register of its load, or UNKNOWN. */
    private long[] contextAnalysis() {
        long[] out = new long[n];
        Arrays.fill(out, UNKNOWN);
        if (!program.type().isPacketProgram() || hasLocalCalls) {
            return out;
        }
        long[][] in = new long[n][];
        long[] entry = new long[10];
        Arrays.fill(entry, UNKNOWN);
        entry[1] = 0;
        in[0] = entry;
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.add(0);
        while (!work.isEmpty()) {
            int k = work.poll();
            long[] s = in[k].clone();
            Insn i = insns[k];
            Form f = i.op().form();
            transfer(i, s);
            if (f == Form.EXIT) {
                continue;
            }
            if (target[k] >= 0 && f != Form.CALL_LOCAL) {
                merge(in, target[k], s, work);
            }
            if (f != Form.JA && f != Form.JA32 && k + 1 < n) {
                merge(in, k + 1, s, work);
            }
        }
        for (int k = 0; k < n; k++) {
            Form f = insns[k].op().form();
            if (in[k] != null && (f == Form.LDX || f == Form.LDXSX) && insns[k].src() < 10) {
                out[k] = in[k][insns[k].src()];
            }
        }
        return out;
    }

    private static void merge(long[][] in, int t, long[] s, ArrayDeque<Integer> work) {
        if (in[t] == null) {
            in[t] = s.clone();
            work.add(t);
            return;
        }
        boolean changed = false;
        for (int r = 0; r < s.length; r++) {
            if (in[t][r] != s[r] && in[t][r] != UNKNOWN) {
                in[t][r] = UNKNOWN;
                changed = true;
            }
        }
        if (changed) {
            work.add(t);
        }
    }

    private static void transfer(Insn i, long[] s) {
        Opcode o = i.op();
        int d = i.dst();
        switch (o.form()) {
            case ALU_IMM, ALU_REG, NEG, MOVSX, END -> {
                long v = UNKNOWN;
                if (o.opClass() == OpClass.ALU64 && o.form() == Form.ALU_REG && o.aluOp() == AluOp.MOV) {
                    v = i.src() < 10 ? s[i.src()] : UNKNOWN;
                } else if (o.opClass() == OpClass.ALU64 && o.form() == Form.ALU_IMM && s[d] != UNKNOWN
                        && (o.aluOp() == AluOp.ADD || o.aluOp() == AluOp.SUB)) {
                    long next = o.aluOp() == AluOp.ADD ? s[d] + i.imm() : s[d] - i.imm();
                    v = next >= Integer.MIN_VALUE && next <= Integer.MAX_VALUE ? next : UNKNOWN;
                }
                s[d] = v;
            }
            case LDDW, LDX, LDXSX -> s[d] = UNKNOWN;
            case LDABS, LDIND -> s[0] = UNKNOWN;
            case ATOMIC -> {
                if (o.atomicOp() == AtomicOp.CMPXCHG) {
                    s[0] = UNKNOWN;
                } else if (o.atomicFetches() && i.src() < 10) {
                    s[i.src()] = UNKNOWN;
                }
            }
            case CALL_HELPER, CALLX -> Arrays.fill(s, 0, 6, UNKNOWN);
            default -> { }
        }
    }

    /** A one-line summary, for {@code toString} and the dump. */
    String describe() {
        return "JIT " + program.type().label() + " program, " + n + " instructions in " + (chunkStart.length - 1)
                + " method(s), stack " + stackMode.name().toLowerCase() + (needsState ? ", per-thread state" : "");
    }
}
