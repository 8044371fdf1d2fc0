package io.weir.engine.jit;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.AtomicOp;
import io.weir.engine.ebpf.Helper;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.OpClass;
import io.weir.engine.ebpf.Opcode.Form;
import io.weir.engine.ebpf.Reg;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.HelperProto;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a program reaches its maps, so that the JIT calls them directly instead of through the helper table
 * and the region table. Two analyses over the linked program (map handles are plain {@code lddw} constants):
 *
 * <ul>
 *   <li><b>Call sites</b> (exact): for each {@code call} of a standard map helper ({@link MapHelpers}), whether
 *       r1 holds a constant handle of a live key/value map on every path, and for a lookup whether r2 is
 *       {@code r10 + c} with the key inside the frame. Values are tracked only along straight-line code: every
 *       jump target, call target and return site forgets everything, so what is known holds on every path.
 *       Such a call becomes {@code map.lookupWord(key read from the stack array)} ({@code lookupStack} for
 *       longer keys; or {@code updateFrom},
 *       {@code deleteFrom}) on the map as a constant.</li>
 *   <li><b>Value accesses</b> (a guess): for each checked load, store or atomic, the map whose value its base
 *       register most likely points into (the map of the lookup that produced it, followed through copies and
 *       constant moves, or a global-data constant). The JIT guards the guess with a region comparison and
 *       falls back to the generic path, so a wrong guess costs a compare, never a wrong result.</li>
 * </ul>
 *
 * <p>The maps are handed to the generated class as class data and loaded with {@code ldc} of a dynamic
 * constant, so that HotSpot sees each as a constant of its exact class and inlines its small methods.
 */
final class MapSites {
    /** No known stack offset. */
    static final int NO_KEY = Integer.MIN_VALUE;

    /** Per instruction: the map a helper call is known to reach, or null. */
    final BpfMap[] callMap;
    /** Per instruction: the standard map helper a call with a known map is ({@link HelperProto} ids). */
    final int[] callHelper;
    /** Per lookup call with a known map: the r10-relative offset of its key, or {@link #NO_KEY}. */
    final int[] keyOff;
    /** Per checked memory access: the map whose value it most likely reaches, or null. */
    final BpfMap[] valueMap;
    /**
     * Per direct word-keyed lookup: the stack store whose value is its key, or -1 (the key is read from the stack
     * array); per such store, {@link #shadow} is the number of the local that keeps its value.
     */
    final int[] keyFrom;
    /** Per stack store that feeds a lookup's key: its shadow number (0, 1, ...), else -1. */
    final int[] shadow;
    /** How many shadows the program has. */
    int shadows;
    /** The distinct maps, in class-data order. */
    final List<BpfMap> maps;

    private MapSites(int n) {
        callMap = new BpfMap[n];
        callHelper = new int[n];
        keyOff = new int[n];
        valueMap = new BpfMap[n];
        keyFrom = new int[n];
        shadow = new int[n];
        maps = new ArrayList<>();
    }

    /** The analysis of {@code plan}'s program (nothing found for RAW programs or without map helpers). */
    static MapSites of(JitPlan plan) {
        MapSites s = new MapSites(plan.n);
        java.util.Arrays.fill(s.keyOff, NO_KEY);
        s.callSites(plan);
        s.valueAccesses(plan);
        s.keyStores(plan);
        return s;
    }

    /** The class-data index of {@code m}. */
    int indexOf(BpfMap m) {
        return maps.indexOf(m);
    }

    private void use(BpfMap m) {
        if (!maps.contains(m)) {
            maps.add(m);
        }
    }

    /** The class data of the generated class: the maps, by {@link #indexOf}. */
    List<Object> classData() {
        return Collections.unmodifiableList(new ArrayList<>(maps));
    }

    // ------------------------------------------------------------------ call sites (exact)

    /** Where straight-line knowledge ends: the first instruction, jump targets and local-call return sites. */
    private static boolean[] leaders(JitPlan plan) {
        boolean[] leader = new boolean[plan.n + 1];
        leader[0] = true;
        for (int k = 0; k < plan.n; k++) {
            if (plan.target[k] >= 0) {
                leader[plan.target[k]] = true;
            }
            if (plan.insns[k].op().form() == Form.CALL_LOCAL) {
                leader[k + 1] = true;
            }
        }
        return leader;
    }

    private void callSites(JitPlan plan) {
        boolean[] leader = leaders(plan);
        // Per register: a known constant, or r10 plus a known offset (r10 is the frame pointer when fixed).
        long[] value = new long[Reg.COUNT];
        byte[] kind = new byte[Reg.COUNT];
        final byte unknown = 0;
        final byte constant = 1;
        final byte frame = 2;
        for (int k = 0; k < plan.n; k++) {
            if (leader[k]) {
                java.util.Arrays.fill(kind, unknown);
            }
            Insn i = plan.insns[k];
            Form f = i.op().form();
            int d = i.dst();
            switch (f) {
                case LDDW -> {
                    kind[d] = constant;
                    value[d] = i.imm64();
                }
                case ALU_IMM, ALU_REG -> {
                    boolean w64 = i.opClass() == OpClass.ALU64;
                    AluOp op = i.aluOp();
                    if (w64 && op == AluOp.MOV && f == Form.ALU_IMM) {
                        kind[d] = constant;
                        value[d] = i.imm64();
                    } else if (w64 && op == AluOp.MOV && i.src() == Reg.R10) {
                        kind[d] = plan.r10Fixed ? frame : unknown;
                        value[d] = 0;
                    } else if (w64 && op == AluOp.MOV) {
                        kind[d] = kind[i.src()];
                        value[d] = value[i.src()];
                    } else if (w64 && (op == AluOp.ADD || op == AluOp.SUB) && f == Form.ALU_IMM && kind[d] != unknown) {
                        value[d] += op == AluOp.ADD ? i.imm64() : -i.imm64();
                    } else {
                        kind[d] = unknown;
                    }
                }
                case ST, STX, JA, JA32, JCOND_IMM, JCOND_REG -> { }
                case NEG, MOVSX, END, LDX, LDXSX -> kind[d] = unknown;
                case ATOMIC -> {
                    kind[i.src()] = unknown;
                    kind[Reg.R0] = unknown;
                }
                case CALL_HELPER -> {
                    if (kind[Reg.R1] == constant) {
                        knownCall(plan, k, value[Reg.R1], kind[Reg.R2] == frame ? value[Reg.R2] : Long.MIN_VALUE);
                    }
                    java.util.Arrays.fill(kind, unknown);
                }
                default -> java.util.Arrays.fill(kind, unknown);
            }
        }
    }

    private void knownCall(JitPlan plan, int k, long handle, long keyFrameOff) {
        Helper h = plan.helperAt[k];
        int id = h == null ? -1 : MapHelpers.mapHelperId(h);
        if (id < 0 || id != plan.insns[k].imm() || MemoryModel.offset(handle) != 0) {
            return;
        }
        BpfMap m = BpfMap.ofPointer(handle);
        if (m == null || m.type() == MapType.RINGBUF || m.handle() != handle) {
            return;
        }
        callMap[k] = m;
        callHelper[k] = id;
        use(m);
        boolean keyInFrame = keyFrameOff >= -MemoryModel.FRAME_SIZE && keyFrameOff + m.keySize() <= 0;
        if (id == HelperProto.MAP_LOOKUP_ELEM && (m.wordKeyed() || m.stackKeyed()) && plan.stackMode == JitPlan.StackMode.ARRAY
                && plan.r10Fixed && keyInFrame) {
            keyOff[k] = (int) keyFrameOff;
        }
    }

    // ------------------------------------------------------------------ value accesses (a guess)

    private void valueAccesses(JitPlan plan) {
        BpfMap[] pred = new BpfMap[Reg.COUNT];
        for (int k = 0; k < plan.n; k++) {
            Insn i = plan.insns[k];
            Form f = i.op().form();
            int d = i.dst();
            switch (f) {
                case LDDW -> {
                    BpfMap m = BpfMap.ofPointer(i.imm64());
                    pred[d] = m != null && m.type().isArray() ? m : null;
                }
                case ALU_IMM, ALU_REG -> {
                    boolean w64 = i.opClass() == OpClass.ALU64;
                    AluOp op = i.aluOp();
                    if (w64 && op == AluOp.MOV && f == Form.ALU_REG) {
                        pred[d] = pred[i.src()];
                    } else if (!(w64 && (op == AluOp.ADD || op == AluOp.SUB))) {
                        pred[d] = null;
                    }
                }
                case LDX, LDXSX, ST, STX, ATOMIC -> {
                    int base = f == Form.LDX || f == Form.LDXSX ? i.src() : d;
                    if (pred[base] != null && (f == Form.ATOMIC || plan.access(k) == JitPlan.Access.CHECKED)) {
                        valueMap[k] = pred[base];
                        use(pred[base]);
                    }
                    if (f == Form.LDX || f == Form.LDXSX) {
                        pred[d] = null;
                    } else if (f == Form.ATOMIC && i.op().atomicOp() == AtomicOp.CMPXCHG) {
                        pred[Reg.R0] = null;
                    } else if (f == Form.ATOMIC && i.op().atomicFetches()) {
                        pred[i.src()] = null;
                    }
                }
                case CALL_HELPER -> {
                    java.util.Arrays.fill(pred, null);
                    BpfMap m = callMap[k];
                    if (m != null && callHelper[k] == HelperProto.MAP_LOOKUP_ELEM) {
                        pred[Reg.R0] = m;
                    }
                }
                case JA, JA32, JCOND_IMM, JCOND_REG -> { }
                case NEG, MOVSX, END -> pred[d] = null;
                default -> java.util.Arrays.fill(pred, null);
            }
        }
    }

    // ------------------------------------------------------------------ keys stored just before (exact)

    /**
     * For each direct word-keyed lookup, the stack store that wrote its whole key, when that store is the last
     * write to those bytes on every path: the same straight-line rule as the call sites (a jump target, a
     * local-call return site or a chunk's first instruction forgets everything), and any write that may reach the
     * stack other than a static r10 store (a checked store or atomic, which may alias it, a helper other than a
     * known map's, which may write through a stack pointer) forgets everything too. The JIT then keeps the
     * stored value in a local as well and hands it to the lookup, so the key does not make a round trip through
     * the stack array between the store and the hash (it is still stored: later reads see it).
     */
    private void keyStores(JitPlan plan) {
        java.util.Arrays.fill(keyFrom, -1);
        java.util.Arrays.fill(shadow, -1);
        if (plan.stackMode != JitPlan.StackMode.ARRAY || !plan.r10Fixed) {
            return;
        }
        boolean[] leader = leaders(plan);
        for (int c : plan.chunkStart) {
            leader[c] = true;
        }
        // The live static stores, by the frame offset of their first byte: the store index, or -1.
        int[] storeAt = new int[MemoryModel.FRAME_SIZE];
        java.util.Arrays.fill(storeAt, -1);
        for (int k = 0; k < plan.n; k++) {
            if (leader[k]) {
                java.util.Arrays.fill(storeAt, -1);
            }
            Insn i = plan.insns[k];
            Form f = i.op().form();
            switch (f) {
                case ST, STX -> {
                    if (plan.access(k) != JitPlan.Access.STACK) {
                        java.util.Arrays.fill(storeAt, -1); // a checked store may write the stack
                        break;
                    }
                    int at = i.off() + MemoryModel.FRAME_SIZE;
                    int size = i.op().size().bytes();
                    // Forget every store overlapping the bytes written (stores are at most 8 bytes long).
                    for (int b = Math.max(0, at - 7); b < at + size; b++) {
                        int s = storeAt[b];
                        if (s >= 0 && b + plan.insns[s].op().size().bytes() > at) {
                            storeAt[b] = -1;
                        }
                    }
                    storeAt[at] = k;
                }
                case ATOMIC -> java.util.Arrays.fill(storeAt, -1);
                case CALL_HELPER -> {
                    if (callMap[k] != null && callHelper[k] == HelperProto.MAP_LOOKUP_ELEM && keyOff[k] != NO_KEY
                            && callMap[k].wordKeyed()) {
                        int s = storeAt[keyOff[k] + MemoryModel.FRAME_SIZE];
                        if (s >= 0 && plan.insns[s].op().size().bytes() >= callMap[k].keySize()
                                && plan.chunkOf[s] == plan.chunkOf[k]) {
                            keyFrom[k] = s;
                            if (shadow[s] < 0) {
                                shadow[s] = shadows++;
                            }
                        }
                    }
                    if (callMap[k] == null) {
                        java.util.Arrays.fill(storeAt, -1); // a helper may write through a stack pointer
                    }
                }
                case CALLX, CALL_LOCAL, EXIT -> java.util.Arrays.fill(storeAt, -1);
                default -> { }
            }
        }
    }
}
