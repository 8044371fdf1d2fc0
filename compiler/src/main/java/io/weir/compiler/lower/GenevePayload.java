package io.weir.compiler.lower;

import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.ArrayList;
import java.util.List;

/**
 * What follows {@code geneve}: its payload, with libpcap's offsets ({@code gen_geneve_offsets}). The Geneve
 * header G is at the UDP payload; the inner packet I at {@code G + 8 + 4 * optlen}. libpcap then compiles as
 * Ethernet with three variable offsets: the link header at I; the type field at I+12 when the Geneve protocol
 * (G+2) is 0x6558 (Ethernet), else at G+2 (the protocol field itself); the network layer at I+14 for Ethernet,
 * else at I.
 *
 * <p>Weir lowers the payload in a {@link Frame} whose start is I, with an Ethernet {@link LinkLayer} whose type
 * field and network layer sit at sentinel offsets ({@link #TYPE}, {@link #NL}, which {@code vlan} and
 * {@code mpls} move like any offset). After the frame's rewrite, a load at a sentinel offset reads
 * {@code ldx M[slot]; ld [x + SENTINEL + j]}; {@link #resolve} replaces the pair with statements that compute
 * the absolute field offset without a branch (the protocol check becomes a 0/1 multiplier) and load at it. The
 * IP header length's {@code ldxms} form, whose X indexes the transport loads, is resolved the same way; a load at
 * a sentinel whose index X was computed from the packet ({@code ip[ip[0] & 0xf]}) adds the sentinel's distance
 * from I to X ({@link #indexed}). Any other use of a sentinel (arithmetic on offsets: {@code vxlan}, {@code inner} with its own tunnel, the IPv6
 * transport walk) is refused with an error rather than miscompiled. Scratch words 13, 12 and 11 are used, so the
 * frame is only opened at the top level (no tunnel scope around it, no 802.11 prologue).
 */
final class GenevePayload {
    /** Sentinel offset of the link-layer type field. */
    static final int TYPE = 0x40000000;
    /** Sentinel offset of the network layer. */
    static final int NL = 0x50000000;
    /** Sentinel offset of the Geneve header. */
    static final int GENEVE = 0x60000000;
    /** A sentinel offset is within this distance below, and {@code 16 * WINDOW} above, its sentinel. */
    private static final int WINDOW = 0x100000;
    static final int ETHERTYPE_TEB = 0x6558;
    private static final int SCRATCH_A = 13;
    private static final int SCRATCH_B = 12;
    /** Where an indexed load at a computed index keeps X while the field's offset is computed. */
    private static final int SCRATCH_X = 11;

    /** The outer network layer's offset (the Geneve test's, before the payload). */
    private final int outerNl;
    /** The frame's slot: it holds I. */
    private final int slot;

    GenevePayload(int outerNl, int slot) {
        this.outerNl = outerNl;
        this.slot = slot;
    }

    /** The sentinel {@code k} belongs to ({@link #TYPE} or {@link #NL}), or 0. */
    static int sentinel(int k) {
        for (int s : new int[] {TYPE, NL, GENEVE}) {
            if (k >= s - WINDOW && k < s + 16 * WINDOW) {
                return s;
            }
        }
        return 0;
    }

    private static ClassicInsn s(int code, int k) {
        return ClassicInsn.stmt(code, k);
    }

    /** Statements leaving in A the absolute offset of the Geneve header (UDP payload). */
    List<ClassicInsn> geneveHeader(int t) {
        List<ClassicInsn> out = Tunnels.ipPayload(outerNl, t);
        out.add(s(Codes.ADD_K, 8));
        return out;
    }

    /** Statements leaving in A the absolute offset of sentinel {@code sent}; they clobber X and two words. */
    private List<ClassicInsn> base(int sent) {
        List<ClassicInsn> out = geneveHeader(SCRATCH_A);
        if (sent == GENEVE) {
            return out;
        }
        // isTeb = (proto ^ 0x6558) == 0, as 0 or 1 without a branch: proto is 16 bits, so (v - 1) >> 31 is 1
        // exactly when v is 0.
        out.addAll(List.of(s(Codes.ST, SCRATCH_B), s(Codes.TAX, 0), s(Codes.LDH_IND, 2),
                s(Codes.XOR_K, ETHERTYPE_TEB), s(Codes.SUB_K, 1), s(Codes.RSH_K, 31)));
        if (sent == NL) {
            // I + 14 * isTeb
            out.addAll(List.of(s(Codes.MUL_K, 14), s(Codes.LDX_MEM, slot), s(Codes.ADD_X, 0)));
            return out;
        }
        // (1 - isTeb) * (G + 2) + isTeb * (I + 12)
        out.addAll(List.of(s(Codes.NEG, 0), s(Codes.ADD_K, 1), s(Codes.TAX, 0), s(Codes.LD_MEM, SCRATCH_B),
                s(Codes.ADD_K, 2), s(Codes.MUL_X, 0), s(Codes.ST, SCRATCH_B), s(Codes.TXA, 0), s(Codes.NEG, 0),
                s(Codes.ADD_K, 1), s(Codes.TAX, 0), s(Codes.LD_MEM, slot), s(Codes.ADD_K, 12), s(Codes.MUL_X, 0),
                s(Codes.LDX_MEM, SCRATCH_B), s(Codes.ADD_X, 0)));
        return out;
    }

    private static boolean isIndLoad(int c) {
        return c == Codes.LD_IND || c == Codes.LDH_IND || c == Codes.LDB_IND;
    }

    private static boolean definesX(int c) {
        return (c & 0x07) == 0x01 || c == Codes.TAX;
    }

    private static LowerException unsupported() {
        return new LowerException("expression too complex after 'geneve' (variable payload offsets in arithmetic)");
    }

    /** Whether X is read after statement {@code i} before it is set again. */
    private static boolean xUsedAfter(List<ClassicInsn> s, int i, boolean xAtEnd) {
        for (int j = i + 1; j < s.size(); j++) {
            int c = s.get(j).code();
            if (isIndLoad(c) || (c & 0x07) == 0x04 && (c & 0x08) != 0 || c == Codes.TXA || c == Codes.STX) {
                return true;
            }
            if (definesX(c)) {
                return false;
            }
        }
        return xAtEnd;
    }

    /**
     * {@code ld [x + k]} with k at a sentinel and X any absolute offset into the frame (the frame's start I plus
     * a computed index, as {@code ip[ip[0] & 0xf]} leaves it): the field is at X plus the sentinel's distance
     * from I, which is computed as {@link #base} minus I, with X kept in a scratch word meanwhile.
     */
    private void indexed(ClassicInsn load, boolean xLive, List<ClassicInsn> out) {
        int sent = sentinel(load.k());
        out.add(s(Codes.STX, SCRATCH_X));
        out.addAll(base(sent));
        out.addAll(List.of(s(Codes.LDX_MEM, slot), s(Codes.SUB_X, 0), s(Codes.LDX_MEM, SCRATCH_X), s(Codes.ADD_X, 0)));
        // A negative distance stays in the load, as in libpcap's (see below).
        int rel = load.k() - sent;
        out.add(s(Codes.TAX, 0));
        out.add(s(load.code(), rel));
        if (xLive) {
            out.add(s(Codes.LDX_MEM, SCRATCH_X));
        }
    }

    /**
     * The frame-rewritten statements {@code s} with every sentinel access resolved; throws if a sentinel is used
     * in a way this does not resolve.
     */
    List<ClassicInsn> resolve(List<ClassicInsn> s, boolean xAtEnd) throws LowerException {
        boolean any = false;
        boolean words = false;
        for (ClassicInsn in : s) {
            any |= sentinel(in.k()) != 0;
            int c = in.code();
            words |= (c == Codes.ST || c == Codes.STX || c == Codes.LD_MEM || c == Codes.LDX_MEM)
                    && (in.k() == SCRATCH_A || in.k() == SCRATCH_B || in.k() == SCRATCH_X);
        }
        if (!any) {
            return s;
        }
        if (words) {
            // Deep arithmetic reached the words the offsets are computed in.
            throw unsupported();
        }
        List<ClassicInsn> out = new ArrayList<>(s.size() + 32);
        // X holds 4 * IHL + the absolute network-layer offset (a resolved ldxms).
        boolean xNl = false;
        for (int i = 0; i < s.size(); i++) {
            ClassicInsn in = s.get(i);
            int c = in.code();
            if (c == Codes.LDX_MEM && in.k() == slot && i + 1 < s.size() && isIndLoad(s.get(i + 1).code())
                    && sentinel(s.get(i + 1).k()) != 0) {
                ClassicInsn ld = s.get(i + 1);
                int sent = sentinel(ld.k());
                out.addAll(base(sent));
                // rel is libpcap's k relative to its offset register. A negative one (the bottom-of-stack bit of
                // 'mpls and geneve and ip', 2 bytes before the payload) stays in the load: bpf_filter checks k as
                // unsigned, so the load fails and the packet is rejected, as in libpcap.
                int rel = ld.k() - sent;
                out.add(s(Codes.TAX, 0));
                out.add(s(ld.code(), rel));
                i++;
                // The ldxms form: ldb; and 0xf; lsh 2; add x; tax leaves X = 4 * IHL + the absolute offset.
                if (sent == NL && i + 4 < s.size() && s.get(i + 1).code() == Codes.AND_K
                        && s.get(i + 2).code() == Codes.LSH_K && s.get(i + 3).code() == Codes.ADD_X
                        && s.get(i + 4).code() == Codes.TAX) {
                    for (int j = 1; j <= 4; j++) {
                        out.add(s.get(i + j));
                    }
                    i += 4;
                    xNl = ld.k() >= NL && ld.code() == Codes.LDB_IND;
                    if (!xNl) {
                        throw unsupported();
                    }
                }
                continue;
            }
            if (sentinel(in.k()) != 0) {
                if (xNl && isIndLoad(c) && sentinel(in.k()) == NL && in.k() >= NL) {
                    out.add(s(c, in.k() - NL));
                    continue;
                }
                if (!xNl && isIndLoad(c)) {
                    indexed(in, xUsedAfter(s, i, xAtEnd), out);
                    continue;
                }
                throw unsupported();
            }
            if (definesX(c)) {
                xNl = false;
            } else if (xNl && (isIndLoad(c) || (c & 0x08) != 0 && (c & 0x07) == 0x04 || c == Codes.TXA
                    || c == Codes.STX)) {
                throw unsupported();
            }
            out.add(in);
        }
        if (xNl && xAtEnd) {
            throw unsupported();
        }
        return out;
    }
}
