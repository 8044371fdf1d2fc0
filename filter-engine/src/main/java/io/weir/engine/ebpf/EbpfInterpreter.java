package io.weir.engine.ebpf;

import static io.weir.engine.ebpf.MemoryModel.*;

import io.weir.engine.Filter;
import io.weir.engine.RawExecutable;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The eBPF interpreter: RFC 9669 semantics, every memory access checked at run time.
 *
 * <p>The program is pre-decoded once, at construction, into flat arrays: per instruction a dispatch word
 * ({@link Opcode#code()} in bits 0-11, dst in 12-15, src in 16-19), an int (the memory offset, or the
 * <em>instruction index</em> a branch or local call goes to) and a long (the immediate, sign-extended). A run is
 * one loop over a {@code switch} on the opcode byte: no virtual call per instruction, no allocation per run
 * (registers, stack and call frames live in a per-thread {@link EbpfMemory}). A pass fuses the commonest
 * sequences of packet programs (a legacy packet load and the 32-bit test that follows it, the classic
 * {@code 4*([k]&0xf)} sequence, {@code r0 = imm; exit}) into single dispatches; fused and plain runs give the same
 * results (EbpfInterpreterFusionTest checks it).
 *
 * <p>Safety net: an instruction budget is charged at every taken backward branch and backward local call (by
 * the length of the code jumped over, at least 1); a program that only moves forward is bounded by its length
 * and the call depth, so it needs no charge. Errors ({@link EbpfRuntimeException}) name the slot index and the
 * disassembly of the faulting instruction. Load-time problems (a jump out of the program, an unknown helper,
 * an unsupported map reference) are {@link EbpfFormatException}s thrown by the constructor.
 *
 * <p>Semantics corners: division by zero gives 0; modulo by zero leaves dst (its low 32 bits, zero-extended,
 * in 32-bit mode); signed {@code MIN / -1} gives MIN and {@code MIN % -1} gives 0; shift amounts are masked
 * to 5 or 6 bits; every 32-bit result is zero-extended. {@code ldabs}/{@code ldind} out of the packet end the
 * program with r0 = 0, as the kernel does.
 */
public final class EbpfInterpreter implements Filter, RawExecutable {
    private static final long M32 = 0xffff_ffffL;

    private final Program program;
    private final ProgramType type;
    private final int[] ops;
    private final int[] offs;
    private final long[] imms;
    private final Helper[] helperAt;
    private final HelperTable helpers;
    private final long budget;
    private final int stackDepth;
    /** The first thread that ran this interpreter, and its memory (written and read by that thread only). */
    private volatile Thread owner;
    private EbpfMemory ownerMemory;

    /** An interpreter with the type's default helpers and a budget of one million. */
    public EbpfInterpreter(Program program) {
        this(program, HelperTable.forType(program.type()), 1_000_000L);
    }

    /**
     * An interpreter for {@code program}.
     *
     * @param helpers the helpers {@code call} and {@code callx} may reach
     * @param budget  the instruction budget per run (see the class documentation)
     * @throws EbpfFormatException when a branch leaves the program or lands inside a lddw, a static call names an
     *     unknown helper, or the program uses kernel functions or map references
     */
    public EbpfInterpreter(Program program, HelperTable helpers, long budget) {
        this(program, helpers, budget, true);
    }

    /** As the public constructor; {@code fuse} false keeps one dispatch per instruction (for tests). */
    EbpfInterpreter(Program program, HelperTable helpers, long budget, boolean fuse) {
        this.program = program;
        this.type = program.type();
        this.helpers = helpers;
        this.budget = budget;
        int n = program.size();
        if (n == 0) {
            throw new EbpfFormatException(0, 0, "empty program");
        }
        ops = new int[n + 1];
        offs = new int[n + 1];
        imms = new long[n + 1];
        helperAt = new Helper[n + 1];
        boolean r10Escapes = false;
        int depth = 0;
        for (int k = 0; k < n; k++) {
            Insn i = program.insn(k);
            Opcode o = i.op();
            int slot = program.slotOf(k);
            ops[k] = o.code() | i.dst() << 12 | i.src() << 16;
            imms[k] = i.imm64();
            offs[k] = i.off();
            switch (o.form()) {
                case JA, JA32, JCOND_IMM, JCOND_REG, CALL_LOCAL -> {
                    int t = program.targetOf(k);
                    if (t < 0) {
                        long to = (long) slot + 1 + (o.form() == Opcode.Form.CALL_LOCAL ? i.imm() : i.jumpOffset());
                        throw new EbpfFormatException(slot, o.opcode(), "jump out of range to insn " + to
                                + (to >= 0 && to < program.slotCount() ? " (inside a lddw)" : ""));
                    }
                    offs[k] = t;
                }
                case CALL_HELPER -> {
                    helperAt[k] = helpers.get(i.imm() & M32);
                    if (helperAt[k] == null) {
                        throw new EbpfFormatException(slot, o.opcode(), "call " + i.imm() + ": unknown helper");
                    }
                }
                case CALL_KFUNC -> throw new EbpfFormatException(slot, o.opcode(),
                        "kernel function calls are not supported");
                case LDDW -> {
                    if (o.variant() != 0) {
                        throw new EbpfFormatException(slot, o.opcode(), o.mnemonic() + ": map and BTF references are"
                                + " not supported by this program type");
                    }
                }
                default -> { }
            }
            // Stack depth to clear before a run: constant r10-relative accesses tell it, any other use of r10
            // (a copy, arithmetic, a comparison) may reach anywhere in the frame.
            boolean memBaseDst = o.form() == Opcode.Form.ST || o.form() == Opcode.Form.STX
                    || o.form() == Opcode.Form.ATOMIC;
            boolean memBaseSrc = o.form() == Opcode.Form.LDX || o.form() == Opcode.Form.LDXSX;
            if ((memBaseDst && i.dst() == Reg.R10) || (memBaseSrc && i.src() == Reg.R10)) {
                depth = Math.max(depth, Math.min(FRAME_SIZE, Math.max(0, -i.off())));
            }
            boolean readsSrc = o.srcRule() != Opcode.RegRule.ZERO && o.disc() != Opcode.Disc.SRC;
            if ((readsSrc && i.src() == Reg.R10 && !memBaseSrc) || (i.dst() == Reg.R10 && !memBaseDst)) {
                r10Escapes = true;
            }
        }
        this.stackDepth = r10Escapes ? FRAME_SIZE : depth;
        if (fuse) {
            Fusion.fuse(program, ops);
        }
    }

    /** The program this interpreter runs. */
    public Program program() {
        return program;
    }

    // ------------------------------------------------------------------ entry points

    @Override
    public long run(byte[] packet, int offset, int capLen, int wireLen) {
        Filter.checkSlice(packet, offset, capLen);
        EbpfMemory m = acquire();
        try {
            return runPacket(m, packet, offset, capLen, wireLen);
        } finally {
            m.release();
        }
    }

    /** Heap buffers are read in place; a direct buffer's packet is first copied into a per-thread array. */
    @Override
    public long run(ByteBuffer packet, int offset, int capLen, int wireLen) {
        Filter.checkSlice(packet, offset, capLen);
        if (packet.hasArray()) {
            return run(packet.array(), packet.arrayOffset() + offset, capLen, wireLen);
        }
        EbpfMemory m = acquire();
        try {
            if (m.scratch.length < capLen) {
                m.scratch = new byte[Math.max(capLen, m.scratch.length * 2)];
            }
            packet.get(offset, m.scratch, 0, capLen);
            return runPacket(m, m.scratch, 0, capLen, wireLen);
        } finally {
            m.release();
        }
    }

    private long runPacket(EbpfMemory m, byte[] packet, int offset, int capLen, int wireLen) {
        m.reset(type, packet, offset, capLen, wireLen, false, stackDepth);
        return start(m, type == ProgramType.RAW ? pointer(REGION_PACKET, 0) : pointer(REGION_CTX, 0),
                type == ProgramType.RAW ? capLen : 0);
    }

    /**
     * Runs a RAW program over {@code memory} (read and written in place; may be null or empty): r1 points at it
     * (0 when empty), r2 holds its length. Also accepted for packet program types, which then see the memory as
     * their packet.
     */
    @Override
    public long run(byte[] memory) {
        if (type != ProgramType.RAW) {
            return memory == null ? run(new byte[0], 0, 0, 0) : run(memory, 0, memory.length, memory.length);
        }
        byte[] mem = memory == null ? new byte[0] : memory;
        EbpfMemory m = acquire();
        try {
            m.reset(type, mem, 0, mem.length, mem.length, true, STACK_SIZE);
            return start(m, mem.length == 0 ? 0 : pointer(REGION_PACKET, 0), mem.length);
        } finally {
            m.release();
        }
    }

    /**
     * The memory for a run on this thread: the first thread to run this interpreter keeps its own (no
     * ThreadLocal lookup on its path); other threads use their per-thread memory.
     */
    private EbpfMemory acquire() {
        Thread t = Thread.currentThread();
        EbpfMemory m;
        if (owner == t) {
            m = ownerMemory;
        } else {
            synchronized (this) {
                if (owner == null) {
                    ownerMemory = new EbpfMemory();
                    owner = t;
                }
            }
            m = owner == t ? ownerMemory : EbpfMemory.current();
        }
        // A helper that runs another program on this thread must not clobber the outer run's state.
        if (m.busy) {
            m = new EbpfMemory();
        }
        m.busy = true;
        return m;
    }

    private long start(EbpfMemory m, long r1, long r2) {
        long[] r = m.regs;
        // Unrolled: cheaper than Arrays.fill for eleven registers on the per-packet path.
        r[0] = 0;
        r[1] = r1;
        r[2] = r2;
        r[3] = 0;
        r[4] = 0;
        r[5] = 0;
        r[6] = 0;
        r[7] = 0;
        r[8] = 0;
        r[9] = 0;
        r[10] = pointer(REGION_STACK, STACK_SIZE);
        return execute(m);
    }

    // ------------------------------------------------------------------ the loop

    private long execute(EbpfMemory m) {
        final long[] r = m.regs;
        final int[] ops = this.ops;
        final int[] offs = this.offs;
        final long[] imms = this.imms;
        // The legacy packet loads read the packet directly (RFC 9669 section 5.5: out of bounds returns 0).
        final byte[] pkt = m.packet;
        final int pbase = m.packetBase;
        final int plen = m.packetLength;
        long left = budget;
        int depth = 0;
        int pc = 0;
        try {
            for (;;) {
                final int w = ops[pc];
                final int d = (w >>> 12) & 0xf;
                final int s = (w >>> 16) & 0xf;
                taken:
                {
                    switch (w & 0xff) {
                        // ---------------------------------------------------- ALU64 (RFC 9669 section 4.1)
                        case 0x07: r[d] += imms[pc]; break;
                        case 0x0f: r[d] += r[s]; break;
                        case 0x17: r[d] -= imms[pc]; break;
                        case 0x1f: r[d] -= r[s]; break;
                        case 0x27: r[d] *= imms[pc]; break;
                        case 0x2f: r[d] *= r[s]; break;
                        case 0x37: r[d] = div64(w, r[d], imms[pc]); break;
                        case 0x3f: r[d] = div64(w, r[d], r[s]); break;
                        case 0x47: r[d] |= imms[pc]; break;
                        case 0x4f: r[d] |= r[s]; break;
                        case 0x57: r[d] &= imms[pc]; break;
                        case 0x5f: r[d] &= r[s]; break;
                        case 0x67: r[d] <<= imms[pc]; break;
                        case 0x6f: r[d] <<= r[s]; break;
                        case 0x77: r[d] >>>= imms[pc]; break;
                        case 0x7f: r[d] >>>= r[s]; break;
                        case 0x87: r[d] = -r[d]; break;
                        case 0x97: r[d] = mod64(w, r[d], imms[pc]); break;
                        case 0x9f: r[d] = mod64(w, r[d], r[s]); break;
                        case 0xa7: r[d] ^= imms[pc]; break;
                        case 0xaf: r[d] ^= r[s]; break;
                        case 0xb7: r[d] = imms[pc]; break;
                        case 0xbf:
                            switch (w >>> 8 & 0xf) {
                                case 0: r[d] = r[s]; break;
                                case 1: r[d] = (byte) r[s]; break;
                                case 2: r[d] = (short) r[s]; break;
                                default: r[d] = (int) r[s]; break;
                            }
                            break;
                        case 0xc7: r[d] >>= imms[pc]; break;
                        case 0xcf: r[d] >>= r[s]; break;
                        case 0xd7: r[d] = swap(w, r[d]); break;
                        // ---------------------------------------------------- ALU, 32-bit, zero-extended
                        case 0x04: r[d] = ((int) r[d] + (int) imms[pc]) & M32; break;
                        case 0x0c: r[d] = ((int) r[d] + (int) r[s]) & M32; break;
                        case 0x14: r[d] = ((int) r[d] - (int) imms[pc]) & M32; break;
                        case 0x1c: r[d] = ((int) r[d] - (int) r[s]) & M32; break;
                        case 0x24: r[d] = ((int) r[d] * (int) imms[pc]) & M32; break;
                        case 0x2c: r[d] = ((int) r[d] * (int) r[s]) & M32; break;
                        case 0x34: r[d] = div32(w, (int) r[d], (int) imms[pc]); break;
                        case 0x3c: r[d] = div32(w, (int) r[d], (int) r[s]); break;
                        case 0x44: r[d] = ((int) r[d] | (int) imms[pc]) & M32; break;
                        case 0x4c: r[d] = ((int) r[d] | (int) r[s]) & M32; break;
                        case 0x54: r[d] = ((int) r[d] & (int) imms[pc]) & M32; break;
                        case 0x5c: r[d] = ((int) r[d] & (int) r[s]) & M32; break;
                        case 0x64: r[d] = ((int) r[d] << (int) imms[pc]) & M32; break;
                        case 0x6c: r[d] = ((int) r[d] << (int) r[s]) & M32; break;
                        case 0x74: r[d] = ((int) r[d] >>> (int) imms[pc]) & M32; break;
                        case 0x7c: r[d] = ((int) r[d] >>> (int) r[s]) & M32; break;
                        case 0x84: r[d] = -(int) r[d] & M32; break;
                        case 0x94: r[d] = mod32(w, (int) r[d], (int) imms[pc]); break;
                        case 0x9c: r[d] = mod32(w, (int) r[d], (int) r[s]); break;
                        case 0xa4: r[d] = ((int) r[d] ^ (int) imms[pc]) & M32; break;
                        case 0xac: r[d] = ((int) r[d] ^ (int) r[s]) & M32; break;
                        case 0xb4: r[d] = imms[pc] & M32; break;
                        case 0xbc:
                            switch (w >>> 8 & 0xf) {
                                case 0: r[d] = r[s] & M32; break;
                                case 1: r[d] = (byte) r[s] & M32; break;
                                default: r[d] = (short) r[s] & M32; break;
                            }
                            break;
                        case 0xc4: r[d] = ((int) r[d] >> (int) imms[pc]) & M32; break;
                        case 0xcc: r[d] = ((int) r[d] >> (int) r[s]) & M32; break;
                        case 0xd4: r[d] = toLittleEndian(w, r[d]); break;
                        case 0xdc: r[d] = swap(w, r[d]); break;
                        // ---------------------------------------------------- JMP (RFC 9669 section 4.3)
                        case 0x05: break taken;
                        case 0x15: if (r[d] == imms[pc]) break taken; break;
                        case 0x1d: if (r[d] == r[s]) break taken; break;
                        case 0x25: if (Long.compareUnsigned(r[d], imms[pc]) > 0) break taken; break;
                        case 0x2d: if (Long.compareUnsigned(r[d], r[s]) > 0) break taken; break;
                        case 0x35: if (Long.compareUnsigned(r[d], imms[pc]) >= 0) break taken; break;
                        case 0x3d: if (Long.compareUnsigned(r[d], r[s]) >= 0) break taken; break;
                        case 0x45: if ((r[d] & imms[pc]) != 0) break taken; break;
                        case 0x4d: if ((r[d] & r[s]) != 0) break taken; break;
                        case 0x55: if (r[d] != imms[pc]) break taken; break;
                        case 0x5d: if (r[d] != r[s]) break taken; break;
                        case 0x65: if (r[d] > imms[pc]) break taken; break;
                        case 0x6d: if (r[d] > r[s]) break taken; break;
                        case 0x75: if (r[d] >= imms[pc]) break taken; break;
                        case 0x7d: if (r[d] >= r[s]) break taken; break;
                        case 0xa5: if (Long.compareUnsigned(r[d], imms[pc]) < 0) break taken; break;
                        case 0xad: if (Long.compareUnsigned(r[d], r[s]) < 0) break taken; break;
                        case 0xb5: if (Long.compareUnsigned(r[d], imms[pc]) <= 0) break taken; break;
                        case 0xbd: if (Long.compareUnsigned(r[d], r[s]) <= 0) break taken; break;
                        case 0xc5: if (r[d] < imms[pc]) break taken; break;
                        case 0xcd: if (r[d] < r[s]) break taken; break;
                        case 0xd5: if (r[d] <= imms[pc]) break taken; break;
                        case 0xdd: if (r[d] <= r[s]) break taken; break;
                        // ---------------------------------------------------- JMP32
                        case 0x06: break taken;
                        case 0x16: if ((int) r[d] == (int) imms[pc]) break taken; break;
                        case 0x1e: if ((int) r[d] == (int) r[s]) break taken; break;
                        case 0x26: if (Integer.compareUnsigned((int) r[d], (int) imms[pc]) > 0) break taken; break;
                        case 0x2e: if (Integer.compareUnsigned((int) r[d], (int) r[s]) > 0) break taken; break;
                        case 0x36: if (Integer.compareUnsigned((int) r[d], (int) imms[pc]) >= 0) break taken; break;
                        case 0x3e: if (Integer.compareUnsigned((int) r[d], (int) r[s]) >= 0) break taken; break;
                        case 0x46: if (((int) r[d] & (int) imms[pc]) != 0) break taken; break;
                        case 0x4e: if (((int) r[d] & (int) r[s]) != 0) break taken; break;
                        case 0x56: if ((int) r[d] != (int) imms[pc]) break taken; break;
                        case 0x5e: if ((int) r[d] != (int) r[s]) break taken; break;
                        case 0x66: if ((int) r[d] > (int) imms[pc]) break taken; break;
                        case 0x6e: if ((int) r[d] > (int) r[s]) break taken; break;
                        case 0x76: if ((int) r[d] >= (int) imms[pc]) break taken; break;
                        case 0x7e: if ((int) r[d] >= (int) r[s]) break taken; break;
                        case 0xa6: if (Integer.compareUnsigned((int) r[d], (int) imms[pc]) < 0) break taken; break;
                        case 0xae: if (Integer.compareUnsigned((int) r[d], (int) r[s]) < 0) break taken; break;
                        case 0xb6: if (Integer.compareUnsigned((int) r[d], (int) imms[pc]) <= 0) break taken; break;
                        case 0xbe: if (Integer.compareUnsigned((int) r[d], (int) r[s]) <= 0) break taken; break;
                        case 0xc6: if ((int) r[d] < (int) imms[pc]) break taken; break;
                        case 0xce: if ((int) r[d] < (int) r[s]) break taken; break;
                        case 0xd6: if ((int) r[d] <= (int) imms[pc]) break taken; break;
                        case 0xde: if ((int) r[d] <= (int) r[s]) break taken; break;
                        // ---------------------------------------------------- calls and exit
                        case 0x85:
                            if ((w >>> 8 & 0xf) == 0) {
                                r[0] = helperAt[pc].call(r[1], r[2], r[3], r[4], r[5], m);
                                break;
                            }
                            // RFC 9669 section 4.3.2: a local call gets a fresh 512-byte frame.
                            if (depth + 1 >= MAX_CALL_DEPTH) {
                                throw new EbpfMemory.Fault("local calls nested deeper than " + MAX_CALL_DEPTH
                                        + " frames");
                            }
                            m.returnTo[depth] = pc + 1;
                            System.arraycopy(r, 6, m.saved, depth * 5, 5);
                            depth++;
                            r[10] -= FRAME_SIZE;
                            m.stackLow -= FRAME_SIZE;
                            Arrays.fill(m.stack, m.stackLow, m.stackLow + FRAME_SIZE, (byte) 0);
                            break taken;
                        case 0x8d: {
                            Helper h = helpers.get(r[d]);
                            if (h == null) {
                                throw new EbpfMemory.Fault("callx " + r[d] + ": unknown helper");
                            }
                            r[0] = h.call(r[1], r[2], r[3], r[4], r[5], m);
                            break;
                        }
                        case 0x95:
                            if (depth == 0) {
                                return r[0];
                            }
                            depth--;
                            System.arraycopy(m.saved, depth * 5, r, 6, 5);
                            m.stackLow += FRAME_SIZE;
                            pc = m.returnTo[depth];
                            continue;
                        // ---------------------------------------------------- LD (RFC 9669 sections 5.4, 5.5)
                        case 0x18: r[d] = imms[pc]; break;
                        // ---------------------------------------------------- fused sequences (see Fusion)
                        case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe4: case 0xe5: {
                            int c = (w & 0xff) - Fusion.LDABS;
                            int at = (int) imms[pc];
                            if (c >= 3) {
                                at += (int) r[s];
                                c -= 3;
                            }
                            int v;
                            if (c == 0) {
                                if (at < 0 || at > plen - 4) {
                                    return 0;
                                }
                                v = (int) EbpfMemory.BE32.get(pkt, pbase + at);
                            } else if (c == 1) {
                                if (at < 0 || at > plen - 2) {
                                    return 0;
                                }
                                v = (short) EbpfMemory.BE16.get(pkt, pbase + at) & 0xffff;
                            } else {
                                if (at < 0 || at >= plen) {
                                    return 0;
                                }
                                v = pkt[pbase + at] & 0xff;
                            }
                            r[0] = v & M32;
                            pc++;
                            if (Fusion.condition(w >>> 20 & 0xf, v, (int) imms[pc])) {
                                break taken;
                            }
                            break;
                        }
                        case 0xe6: {
                            int at = (int) imms[pc];
                            if (at < 0 || at >= plen) {
                                return 0;
                            }
                            long x = (pkt[pbase + at] & 0xf) << 2;
                            r[0] = x;
                            r[d] = x;
                            pc += 3;
                            break;
                        }
                        case 0xe7:
                            if (depth == 0) {
                                return imms[pc] & M32;
                            }
                            r[0] = imms[pc] & M32;
                            break;
                        case 0xe8:
                            if (depth == 0) {
                                return imms[pc];
                            }
                            r[0] = imms[pc];
                            break;
                        case 0x20: case 0x40: {
                            int at = (int) imms[pc] + ((w & 0x40) != 0 ? (int) r[s] : 0);
                            if (at < 0 || at > plen - 4) {
                                return 0;
                            }
                            r[0] = (int) EbpfMemory.BE32.get(pkt, pbase + at) & M32;
                            break;
                        }
                        case 0x28: case 0x48: {
                            int at = (int) imms[pc] + ((w & 0x40) != 0 ? (int) r[s] : 0);
                            if (at < 0 || at > plen - 2) {
                                return 0;
                            }
                            r[0] = (short) EbpfMemory.BE16.get(pkt, pbase + at) & 0xffffL;
                            break;
                        }
                        case 0x30: case 0x50: {
                            int at = (int) imms[pc] + ((w & 0x40) != 0 ? (int) r[s] : 0);
                            if (at < 0 || at >= plen) {
                                return 0;
                            }
                            r[0] = pkt[pbase + at] & 0xffL;
                            break;
                        }
                        // ---------------------------------------------------- LDX, ST, STX (section 5.2)
                        case 0x61: r[d] = m.load(r[s] + offs[pc], 4); break;
                        case 0x69: r[d] = m.load(r[s] + offs[pc], 2); break;
                        case 0x71: r[d] = m.load(r[s] + offs[pc], 1); break;
                        case 0x79: r[d] = m.load(r[s] + offs[pc], 8); break;
                        case 0x81: r[d] = (int) m.load(r[s] + offs[pc], 4); break;
                        case 0x89: r[d] = (short) m.load(r[s] + offs[pc], 2); break;
                        case 0x91: r[d] = (byte) m.load(r[s] + offs[pc], 1); break;
                        case 0x62: m.store(r[d] + offs[pc], 4, imms[pc]); break;
                        case 0x6a: m.store(r[d] + offs[pc], 2, imms[pc]); break;
                        case 0x72: m.store(r[d] + offs[pc], 1, imms[pc]); break;
                        case 0x7a: m.store(r[d] + offs[pc], 8, imms[pc]); break;
                        case 0x63: m.store(r[d] + offs[pc], 4, r[s]); break;
                        case 0x6b: m.store(r[d] + offs[pc], 2, r[s]); break;
                        case 0x73: m.store(r[d] + offs[pc], 1, r[s]); break;
                        case 0x7b: m.store(r[d] + offs[pc], 8, r[s]); break;
                        // ---------------------------------------------------- atomics (section 5.3)
                        case 0xc3: atomic32(m, w, r, d, s, r[d] + offs[pc]); break;
                        case 0xdb: atomic64(m, w, r, d, s, r[d] + offs[pc]); break;
                        default:
                            throw new EbpfMemory.Fault(pc == program.size() ? "fell off the end of the program"
                                    : "unknown opcode");
                    }
                    pc++;
                    continue;
                }
                // A branch or local call was taken: charge backward moves against the budget.
                int t = offs[pc];
                if (t <= pc && (left -= pc + 1 - t) < 0) {
                    throw new EbpfMemory.Fault("instruction budget of " + budget + " exceeded");
                }
                pc = t;
            }
        } catch (EbpfMemory.Fault f) {
            int at = Math.min(pc, program.size() - 1);
            throw new EbpfRuntimeException(program.slotOf(at), Disassembler.kernel(program.insn(at)), f.getMessage());
        }
    }

    // ------------------------------------------------------------------ arithmetic corners

    private static long div64(int w, long a, long b) {
        if (b == 0) {
            return 0;
        }
        return (w & 0xf00) == 0 ? Long.divideUnsigned(a, b) : a / b;
    }

    private static long mod64(int w, long a, long b) {
        if (b == 0) {
            return a;
        }
        return (w & 0xf00) == 0 ? Long.remainderUnsigned(a, b) : a % b;
    }

    private static long div32(int w, int a, int b) {
        if (b == 0) {
            return 0;
        }
        return ((w & 0xf00) == 0 ? Integer.divideUnsigned(a, b) : a / b) & M32;
    }

    private static long mod32(int w, int a, int b) {
        if (b == 0) {
            return a & M32;
        }
        return ((w & 0xf00) == 0 ? Integer.remainderUnsigned(a, b) : a % b) & M32;
    }

    /** be16/32/64 and bswap16/32/64 on a little-endian machine: variant 1, 2, 3 = 16, 32, 64 bits. */
    private static long swap(int w, long v) {
        switch (w >>> 8 & 0xf) {
            case 1: return Short.reverseBytes((short) v) & 0xffffL;
            case 2: return Integer.reverseBytes((int) v) & M32;
            default: return Long.reverseBytes(v);
        }
    }

    /** le16/32/64 on a little-endian machine: truncation only. */
    private static long toLittleEndian(int w, long v) {
        switch (w >>> 8 & 0xf) {
            case 1: return v & 0xffffL;
            case 2: return v & M32;
            default: return v;
        }
    }

    // Variants follow Opcode's atomic table: ADD, ADD|FETCH, OR, OR|FETCH, AND, AND|FETCH, XOR, XOR|FETCH,
    // XCHG, CMPXCHG.
    private static void atomic64(EbpfMemory m, int w, long[] r, int d, int s, long addr) {
        int v = w >>> 8 & 0xf;
        if (region(addr) >= FIRST_MAP_REGION) {
            atomicExternal(w, r, s, addr, 8);
            return;
        }
        long old = m.load(addr, 8);
        long val = r[s];
        long next;
        switch (v) {
            case 0: case 1: next = old + val; break;
            case 2: case 3: next = old | val; break;
            case 4: case 5: next = old & val; break;
            case 6: case 7: next = old ^ val; break;
            case 8: next = val; break;
            default:
                if (old == r[0]) {
                    m.store(addr, 8, val);
                }
                r[0] = old;
                return;
        }
        m.store(addr, 8, next);
        if ((v & 1) != 0 || v == 8) {
            r[s] = old;
        }
    }

    /** Atomics on map values are atomic across threads: the region applies them (lost counts are a bug). */
    private static void atomicExternal(int w, long[] r, int s, long addr, int size) {
        ExternalRegion x = ExternalRegions.get(region(addr));
        if (x == null) {
            throw new EbpfMemory.Fault("invalid atomic access at " + MemoryModel.describe(addr) + " (not a pointer)");
        }
        int v = w >>> 8 & 0xf;
        long mask = size == 8 ? -1L : M32;
        if (v == 9) {
            r[0] = x.atomic(offset(addr), size, ExternalRegion.ATOMIC_CMPXCHG, r[s], r[0]) & mask;
            return;
        }
        long old = x.atomic(offset(addr), size, v == 8 ? ExternalRegion.ATOMIC_XCHG : v >>> 1, r[s], 0) & mask;
        if ((v & 1) != 0 || v == 8) {
            r[s] = old;
        }
    }

    private static void atomic32(EbpfMemory m, int w, long[] r, int d, int s, long addr) {
        int v = w >>> 8 & 0xf;
        if (region(addr) >= FIRST_MAP_REGION) {
            atomicExternal(w, r, s, addr, 4);
            return;
        }
        int old = (int) m.load(addr, 4);
        int val = (int) r[s];
        int next;
        switch (v) {
            case 0: case 1: next = old + val; break;
            case 2: case 3: next = old | val; break;
            case 4: case 5: next = old & val; break;
            case 6: case 7: next = old ^ val; break;
            case 8: next = val; break;
            default:
                if (old == (int) r[0]) {
                    m.store(addr, 4, val);
                }
                r[0] = old & M32;
                return;
        }
        m.store(addr, 4, next);
        if ((v & 1) != 0 || v == 8) {
            r[s] = old & M32;
        }
    }
}
