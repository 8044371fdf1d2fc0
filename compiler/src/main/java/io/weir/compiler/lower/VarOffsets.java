package io.weir.compiler.lower;

import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import io.weir.engine.cbpf.ClassicProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Variable-length link headers, as libpcap handles them: the radiotap, PPI, Prism and AVS headers in front of
 * 802.11, and the 802.11 header itself, whose length depends on the frame (QoS data frames are 2 bytes longer,
 * and radiotap's "data pad" flag aligns the payload to 4 bytes). The lowering writes such loads at the
 * sentinel offsets {@link LinkTypes#VAR_LL} and {@link LinkTypes#VAR_PL}; {@link #resolve} rewrites them into
 * indexed loads from two scratch words, and {@link #prepend} puts in front of the program the prologue that
 * computes those words from the packet, with libpcap's loads and branches (gencode's
 * {@code insert_compute_vloffsets}). The prologue runs first on every packet, so the words are a function of
 * the packet and {@link Pred.Test}'s invariant holds: equal tests still give equal results.
 *
 * <p>PPI programs also start with libpcap's check that the PPI header carries 802.11 (DLT 105), whatever the
 * expression.
 */
public final class VarOffsets {
    /** Scratch word holding the offset of the 802.11 header (the radio header's length). */
    static final int REG_LL = 15;
    /** Scratch word holding the offset of the 802.11 payload. */
    static final int REG_PL = 14;
    /** Scratch words the lowering must leave alone when a prologue is in use. */
    public static final int RESERVED = 2;

    private static final int RANGE = 0x10000000;
    private static final int DLT_IEEE802_11 = 105;
    private static final int DLT_PRISM = 119;
    private static final int DLT_RADIOTAP = 127;
    private static final int DLT_AVS = 163;
    private static final int DLT_PPI = 192;
    private static final int DLT_PFLOG = 117;

    private final int dlt;
    private final boolean wlan;
    private boolean usesLl;
    private boolean usesPl;

    /** For the link type {@code ll}. */
    public VarOffsets(LinkLayer ll) {
        this.dlt = ll.linkType();
        this.wlan = ll.family() == LinkTypes.Family.WLAN;
    }

    /**
     * Whether the prologue {@link #prepend} emits branches (the 802.11 payload offset; Prism's header length),
     * known after {@link #resolve}. libpcap's optimizer never reduces such a program to "reject": its value
     * numbering forgets the scratch word where the branches meet, so it compiles {@code ip and not ip} on 802.11
     * link types, and the prologue's branches stay at the root. Weir then compiles it too.
     */
    public boolean prologueBranches() {
        return wlan && (usesPl || usesLl && dlt == DLT_PRISM);
    }

    /** Whether the link type has variable offsets (then {@link #RESERVED} scratch words are taken). */
    static boolean variable(LinkLayer ll) {
        return ll.family() == LinkTypes.Family.WLAN || ll.family() == LinkTypes.Family.PFLOG;
    }

    /** {@code p} with every load at a sentinel offset made relative to the scratch words. */
    public Pred resolve(Pred p) {
        return Pred.mapTests(p, t -> {
            List<ClassicInsn> s = rewrite(t.stmts());
            return s == null ? t : new Pred.Test(s, t.jcode(), t.k(), t.relation());
        });
    }

    /** The scratch word of a sentinel offset, or -1 for an ordinary one. */
    private static int reg(int k) {
        if (k >= LinkTypes.VAR_LL && k < LinkTypes.VAR_LL + RANGE) {
            return REG_LL;
        }
        if (k >= LinkTypes.VAR_PL && k < LinkTypes.VAR_PL + RANGE) {
            return REG_PL;
        }
        return -1;
    }

    private static int rel(int k) {
        return k - (reg(k) == REG_LL ? LinkTypes.VAR_LL : LinkTypes.VAR_PL);
    }

    private static int indexed(int absCode) {
        return absCode == Codes.LD_ABS ? Codes.LD_IND : absCode == Codes.LDH_ABS ? Codes.LDH_IND : Codes.LDB_IND;
    }

    /**
     * The statements with sentinel loads rewritten, or null if there are none. Which scratch word's offset A,
     * X and each scratch word already include is tracked, so that an indexed load whose index came from a
     * rewritten {@code ldxms} is not offset twice.
     */
    private List<ClassicInsn> rewrite(List<ClassicInsn> stmts) {
        boolean any = false;
        for (ClassicInsn in : stmts) {
            any |= reg(in.k()) >= 0 && isLoad(in.code());
        }
        if (!any) {
            return null;
        }
        List<ClassicInsn> out = new ArrayList<>();
        int a = -1;
        int x = -1;
        Map<Integer, Integer> mem = new HashMap<>();
        for (ClassicInsn in : stmts) {
            int code = in.code();
            int k = in.k();
            int r = isLoad(code) ? reg(k) : -1;
            if (r >= 0) {
                use(r);
            }
            if (r >= 0 && (code == Codes.LD_ABS || code == Codes.LDH_ABS || code == Codes.LDB_ABS)) {
                out.add(ClassicInsn.ldxMem(r));
                out.add(ClassicInsn.stmt(indexed(code), rel(k)));
                x = r;
                a = -1;
            } else if (r >= 0 && code == Codes.LDX_MSH) {
                // libpcap's variable-offset form of ldxms: X = 4 * IHL + the header's offset.
                out.add(ClassicInsn.ldxMem(r));
                out.add(ClassicInsn.stmt(Codes.LDB_IND, rel(k)));
                out.add(ClassicInsn.stmt(Codes.AND_K, 0x0f));
                out.add(ClassicInsn.stmt(Codes.LSH_K, 2));
                out.add(ClassicInsn.stmt(Codes.ADD_X, 0));
                out.add(ClassicInsn.tax());
                a = r;
                x = r;
            } else if (r >= 0) {
                // An indexed load: the index must include the header's offset once.
                if (x != r) {
                    out.add(ClassicInsn.txa());
                    out.add(ClassicInsn.ldxMem(r));
                    out.add(ClassicInsn.stmt(Codes.ADD_X, 0));
                    out.add(ClassicInsn.tax());
                    x = r;
                }
                out.add(ClassicInsn.stmt(code, rel(k)));
                a = -1;
            } else {
                out.add(in);
                switch (code) {
                    case Codes.TAX: x = a; break;
                    case Codes.TXA: a = x; break;
                    case Codes.ST: mem.put(k, a); break;
                    case Codes.STX: mem.put(k, x); break;
                    case Codes.LD_MEM: a = mem.getOrDefault(k, -1); break;
                    case Codes.LDX_MEM: x = mem.getOrDefault(k, -1); break;
                    case Codes.ADD_X: a = a >= 0 ? a : x; break;
                    default:
                        if ((code & 0x07) == 0x00 || (code & 0x07) == 0x04) {
                            a = -1;     // another load or ALU result
                        } else if ((code & 0x07) == 0x01) {
                            x = -1;
                        }
                }
            }
        }
        return out;
    }

    private static boolean isLoad(int code) {
        switch (code) {
            case Codes.LD_ABS: case Codes.LDH_ABS: case Codes.LDB_ABS:
            case Codes.LD_IND: case Codes.LDH_IND: case Codes.LDB_IND:
            case Codes.LDX_MSH:
                return true;
            default:
                return false;
        }
    }

    private void use(int r) {
        if (r == REG_PL) {
            usesPl = true;
        }
        usesLl = true;
    }

    /** {@code p} with the prologue its loads need in front (PPI: always with the DLT check). */
    public ClassicProgram prepend(ClassicProgram p) {
        boolean ppi = dlt == DLT_PPI;
        if (!ppi && !usesLl && !usesPl) {
            return p;
        }
        if (p.size() == 1 && !ppi) {
            return p;   // decided without reading the packet: nothing for the prologue to feed
        }
        if (dlt == DLT_PFLOG) {
            return pflog(p);
        }
        Asm asm = new Asm();
        if (ppi) {
            // The PPI header's DLT field (little-endian) must say 802.11.
            asm.emit(ClassicInsn.ld(4));
            asm.jump(Codes.JEQ_K, 0x69000000, "ppi-ok", "reject");
            asm.label("reject");
            asm.emit(ClassicInsn.ret(0));
            asm.label("ppi-ok");
        }
        boolean xIsLl = (usesLl || usesPl) && dlt != DLT_IEEE802_11;
        List<ClassicInsn> main = dropReloads(p.insns(), xIsLl ? REG_LL : -1);
        boolean llReread = false;
        for (ClassicInsn in : main) {
            llReread |= in.k() == REG_LL && (in.code() == Codes.LDX_MEM || in.code() == Codes.LD_MEM);
        }
        if (usesLl || usesPl) {
            radioHeaderLength(asm, usesPl || llReread);
        }
        if (usesPl) {
            wlanHeaderLength(asm);
        }
        asm.label("end");
        List<ClassicInsn> all = asm.build();
        all.addAll(main);
        return ClassicProgram.of(all);
    }

    /**
     * {@code insns} without the {@code ldx M[r]} of a scratch word X already holds on every path to it (the
     * prologue leaves the radio header's length in X, and each test reloads the word it indexes from), jumps
     * relocated; {@code entry} is the word X holds at the first instruction, or -1. libpcap's optimizer drops
     * these reloads too. Jumps go forward only, so one pass in program order sees every predecessor first.
     */
    static List<ClassicInsn> dropReloads(List<ClassicInsn> insns, int entry) {
        int n = insns.size();
        final int unset = -2;
        int[] in = new int[n + 1];
        java.util.Arrays.fill(in, unset);
        in[0] = entry;
        boolean[] drop = new boolean[n];
        for (int i = 0; i < n; i++) {
            ClassicInsn insn = insns.get(i);
            int x = in[i] == unset ? -1 : in[i];
            int code = insn.code();
            if (code == Codes.LDX_MEM && (insn.k() == REG_LL || insn.k() == REG_PL)) {
                drop[i] = x == insn.k();
                x = insn.k();
            } else if ((code & 0x07) == 0x01 || code == Codes.TAX) {
                x = -1;     // any other write of X
            }
            int cls = code & 0x07;
            if (cls == 0x05) {
                if ((code & 0xf0) == 0x00) {
                    in[i + 1 + insn.k()] = meet(in[i + 1 + insn.k()], x, unset);
                } else {
                    in[i + 1 + insn.jt()] = meet(in[i + 1 + insn.jt()], x, unset);
                    in[i + 1 + insn.jf()] = meet(in[i + 1 + insn.jf()], x, unset);
                }
            } else if (cls != 0x06) {
                in[i + 1] = meet(in[i + 1], x, unset);
            }
        }
        int[] newIndex = new int[n + 1];
        int kept = 0;
        for (int i = 0; i <= n; i++) {
            newIndex[i] = kept;
            if (i < n && !drop[i]) {
                kept++;
            }
        }
        if (kept == n) {
            return insns;
        }
        List<ClassicInsn> out = new ArrayList<>(kept);
        for (int i = 0; i < n; i++) {
            if (drop[i]) {
                continue;
            }
            ClassicInsn insn = insns.get(i);
            int code = insn.code();
            if ((code & 0x07) == 0x05) {
                int from = newIndex[i] + 1;
                if ((code & 0xf0) == 0x00) {
                    insn = ClassicInsn.ja(newIndex[i + 1 + insn.k()] - from);
                } else {
                    insn = ClassicInsn.of(code, newIndex[i + 1 + insn.jt()] - from,
                            newIndex[i + 1 + insn.jf()] - from, insn.k());
                }
            }
            out.add(insn);
        }
        return out;
    }

    private static int meet(int old, int x, int unset) {
        return old == unset ? x : old == x ? x : -1;
    }

    /**
     * pflog: the network layer starts after the header, whose length is its first byte rounded up to 4
     * (libpcap's {@code gen_load_pflog_llprefixlen}); it goes to {@link #REG_PL} and X.
     */
    private static ClassicProgram pflog(ClassicProgram p) {
        List<ClassicInsn> all = new ArrayList<>(List.of(ClassicInsn.ldb(0), ClassicInsn.stmt(Codes.ADD_K, 3),
                ClassicInsn.stmt(Codes.AND_K, 0xfffffffc), ClassicInsn.st(REG_PL), ClassicInsn.tax()));
        all.addAll(dropReloads(p.insns(), REG_PL));
        return ClassicProgram.of(all);
    }

    /**
     * X = the radio header's length, kept in scratch word {@link #REG_LL} when {@code store} (the program reads
     * it again, or the payload offset follows).
     */
    private void radioHeaderLength(Asm asm, boolean store) {
        switch (dlt) {
            case DLT_IEEE802_11:
                if (usesPl) {
                    asm.emit(ClassicInsn.ldxImm(0));
                }
                return;
            case DLT_RADIOTAP:
            case DLT_PPI:
                // it_len / pph_len: 16 bits little-endian at offset 2.
                asm.emit(ClassicInsn.ldb(3));
                asm.emit(ClassicInsn.stmt(Codes.LSH_K, 8));
                asm.emit(ClassicInsn.tax());
                asm.emit(ClassicInsn.ldb(2));
                asm.emit(ClassicInsn.stmt(Codes.OR_X, 0));
                break;
            case DLT_PRISM:
                // A Prism header (message code 0x8021 1xxx) says its length at 4; otherwise it is 144 bytes.
                asm.emit(ClassicInsn.ld(0));
                asm.emit(ClassicInsn.stmt(Codes.AND_K, 0xfffff000));
                asm.jump(Codes.JEQ_K, 0x80211000, "prism", "fixed");
                asm.label("prism");
                asm.emit(ClassicInsn.ld(4));
                asm.jump(Codes.JA, 0, "have-len", "have-len");
                asm.label("fixed");
                asm.emit(ClassicInsn.ldImm(144));
                asm.label("have-len");
                break;
            default:
                // AVS: 32-bit big-endian length at 4.
                asm.emit(ClassicInsn.ld(4));
                break;
        }
        if (store) {
            asm.emit(ClassicInsn.st(REG_LL));
        }
        asm.emit(ClassicInsn.tax());
    }

    /**
     * Scratch word {@link #REG_PL} = X + the 802.11 header's length: 24, 2 more for QoS data frames, and on
     * radiotap rounded up to 4 when the flags say the payload is padded.
     */
    private void wlanHeaderLength(Asm asm) {
        asm.emit(ClassicInsn.txa());
        asm.emit(ClassicInsn.stmt(Codes.ADD_K, 24));
        asm.emit(ClassicInsn.st(REG_PL));
        asm.emit(ClassicInsn.stmt(Codes.LDB_IND, 0));
        asm.jump(Codes.JSET_K, 0x08, "data", "end");
        asm.label("data");
        asm.jump(Codes.JSET_K, 0x04, "end", "not-ctl");
        asm.label("not-ctl");
        boolean radiotap = dlt == DLT_RADIOTAP;
        asm.jump(Codes.JSET_K, 0x80, "qos", radiotap ? "flags" : "end");
        asm.label("qos");
        asm.emit(ClassicInsn.ldMem(REG_PL));
        asm.emit(ClassicInsn.stmt(Codes.ADD_K, 2));
        asm.emit(ClassicInsn.st(REG_PL));
        if (!radiotap) {
            return;
        }
        // The radiotap present word (little-endian at 4): FLAGS present, no extension word; the flags byte is at
        // 8, or at 16 after a TSFT field; DATAPAD (0x20) pads the header to a multiple of 4.
        asm.label("flags");
        asm.emit(ClassicInsn.ld(4));
        asm.jump(Codes.JSET_K, 0x02000000, "has-flags", "end");
        asm.label("has-flags");
        asm.jump(Codes.JSET_K, 0x80, "end", "no-ext");
        asm.label("no-ext");
        asm.jump(Codes.JSET_K, 0x01000000, "tsft", "no-tsft");
        asm.label("tsft");
        asm.emit(ClassicInsn.ldb(16));
        asm.jump(Codes.JSET_K, 0x20, "pad", "end");
        asm.label("no-tsft");
        asm.emit(ClassicInsn.ldb(8));
        asm.jump(Codes.JSET_K, 0x20, "pad", "end");
        asm.label("pad");
        asm.emit(ClassicInsn.ldMem(REG_PL));
        asm.emit(ClassicInsn.stmt(Codes.ADD_K, 3));
        asm.emit(ClassicInsn.stmt(Codes.AND_K, 0xfffffffc));
        asm.emit(ClassicInsn.st(REG_PL));
    }

    /** A forward-only assembler with labels for the prologue; "end" is the first instruction after it. */
    private static final class Asm {
        private final List<ClassicInsn> insns = new ArrayList<>();
        private final List<String[]> targets = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();

        void emit(ClassicInsn in) {
            insns.add(in);
            targets.add(null);
        }

        void jump(int code, int k, String ifTrue, String ifFalse) {
            insns.add(ClassicInsn.of(code, 0, 0, k));
            targets.add(new String[] {ifTrue, ifFalse});
        }

        void label(String name) {
            labels.put(name, insns.size());
        }

        List<ClassicInsn> build() {
            List<ClassicInsn> out = new ArrayList<>();
            for (int i = 0; i < insns.size(); i++) {
                ClassicInsn in = insns.get(i);
                String[] t = targets.get(i);
                if (t == null) {
                    out.add(in);
                } else if (in.code() == Codes.JA) {
                    out.add(ClassicInsn.ja(labels.get(t[0]) - i - 1));
                } else {
                    out.add(ClassicInsn.of(in.code(), labels.get(t[0]) - i - 1, labels.get(t[1]) - i - 1, in.k()));
                }
            }
            return out;
        }
    }
}
