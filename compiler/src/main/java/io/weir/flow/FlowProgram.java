package io.weir.flow;

import static io.weir.engine.ebpf.Reg.R0;
import static io.weir.engine.ebpf.Reg.R1;
import static io.weir.engine.ebpf.Reg.R10;
import static io.weir.engine.ebpf.Reg.R2;
import static io.weir.engine.ebpf.Reg.R3;
import static io.weir.engine.ebpf.Reg.R4;
import static io.weir.engine.ebpf.Reg.R5;
import static io.weir.engine.ebpf.Reg.R6;
import static io.weir.engine.ebpf.Reg.R7;
import static io.weir.engine.ebpf.Reg.R8;
import static io.weir.engine.ebpf.Reg.R9;
import static io.weir.flow.FlowLayout.*;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.AtomicOp;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramBuilder;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Size;
import io.weir.engine.maps.HelperProto;
import io.weir.engine.maps.MapType;
import io.weir.engine.verifier.Verifier;

/**
 * Generates the flow "count" program: an eBPF socket program that runs the compiled filter, extracts the flow
 * key from the packet and updates the flow map, as an XDP flow counter does in the kernel.
 *
 * <p>The passes, in the order a packet meets them (the common path is emitted first as one straight run; VLAN
 * tags, fragments, IPv6 extension headers and ICMP are cold blocks after it, so that the JIT's methods, cut by
 * position, are crossed as few times as possible; the insert of a new flow follows the update at once, in a method
 * that runs often enough to be compiled early):
 * <ol>
 *   <li><b>filter</b>: the classic filter's eBPF translation, spliced in with each {@code exit} turned into a
 *       jump to the flow code (same slot count, so its own offsets stay valid); 0 ends the program with 0;</li>
 *   <li><b>link layer</b>: EN10MB, LINUX_SLL, LINUX_SLL2 (each with up to two 802.1Q/802.1ad tags; the outer
 *       id is the flow's VLAN), RAW/IPV4/IPV6 (the version nibble), NULL/LOOP (the family in either byte
 *       order);</li>
 *   <li><b>IP</b>: IPv4 (addresses, protocol, total length, fragment offset and MF) or IPv6 (addresses, payload
 *       length, then up to {@value #IPV6_EXT_ROUNDS} extension headers, unrolled: hop-by-hop, routing,
 *       destination options, mobility, AH, fragment);</li>
 *   <li><b>transport</b>: ports of TCP, UDP, UDP-Lite and SCTP, TCP flags, ICMP/ICMPv6 type and the Community
 *       ID's mapped code (the counterpart type for request/reply pairs);</li>
 *   <li><b>fragments</b>: a first fragment (offset 0, more fragments) stores its ports in the fragment map under
 *       (family, protocol, addresses, IP id); a later fragment takes the ports from there, or none if the first
 *       fragment was not seen (then it counts under the port-less key);</li>
 *   <li><b>key</b>: the {@link Aggregation}'s key, the ends ordered canonically when bidirectional;</li>
 *   <li><b>update</b>: look the flow up and add the packet (per direction; first/last timestamps; plain adds, one
 *       counting thread per map, the TCP flags ORed atomically when they add a bit);
 *       a flow not found is created ({@code BPF_NOEXIST}) with this packet's counters, time and originator,
 *       and its key is published in the new-flow map (result {@code R_NEW}).</li>
 * </ol>
 * Packet bytes are read with direct packet access, each read below a {@code data + N <= data_end} test, so the
 * verifier proves every access; headers that are not captured end the parse where they start (the flow is
 * counted with what was read). Results: {@link FlowLayout#R_NO_MATCH}, {@code R_COUNTED}, {@code R_NOT_IP},
 * {@code R_LOST}, {@code R_NEW}. Maps: fd 0 the flows (lru_hash), fd 1 the fragments (lru_hash), fd 2 the new-flow
 * key (an array of one entry).
 */
public final class FlowProgram {
    /** Extension headers followed in an IPv6 packet before giving up (the protocol is then the header's). */
    public static final int IPV6_EXT_ROUNDS = 6;
    /** Map fd of the flow map. */
    public static final int FLOWS_FD = 0;
    /** Map fd of the fragment map. */
    public static final int FRAGS_FD = 1;
    /** Map fd of the new-flow map: an array of one entry holding the key of the flow made last. */
    public static final int NEW_FD = 2;
    /** First map fd of the filter's set maps ({@code CompiledFilter.program(FILTER_FD)}), after the counter's. */
    public static final int FILTER_FD = 3;

    private static final int MAX_L3_OFFSET = 4096;
    private static final int[][] ICMP4_PAIRS = {{8, 0}, {0, 8}, {13, 14}, {14, 13}, {15, 16}, {16, 15}, {10, 9},
        {9, 10}, {17, 18}, {18, 17}};
    private static final int[][] ICMP6_PAIRS = {{128, 129}, {129, 128}, {133, 134}, {134, 133}, {135, 136},
        {136, 135}, {130, 131}, {131, 130}, {144, 145}, {145, 144}};

    private final ProgramBuilder b = Program.builder(ProgramType.SOCKET);
    private final Aggregation by;
    private final boolean bidirectional;

    private FlowProgram(Aggregation by, boolean bidirectional) {
        this.by = by;
        this.bidirectional = bidirectional;
    }

    /**
     * The count program for packets of {@code linkType}.
     *
     * @param filter        the compiled filter in eBPF ({@code ClassicToEbpf}), or null to count every packet
     * @param linkType      the DLT/LINKTYPE number (1, 113, 276, 101, 12, 14, 228, 229, 0, 108)
     * @param by            the flow key
     * @param bidirectional whether A→B and B→A are one flow
     * @throws IllegalArgumentException for a link type the program cannot parse
     */
    public static Program generate(Program filter, int linkType, Aggregation by, boolean bidirectional) {
        return new FlowProgram(by, bidirectional).emit(filter, linkType);
    }

    /** The verifier's options for a generated program: its three maps by fd, a brief log. */
    public static Verifier.Options verifierOptions() {
        return Verifier.Options.DEFAULT.withBriefLog()
                .withMap(FLOWS_FD, new Verifier.MapDef(KEY_SIZE, VALUE_SIZE, MapType.LRU_HASH))
                .withMap(FRAGS_FD, new Verifier.MapDef(KEY_SIZE, FRAG_VALUE_SIZE, MapType.LRU_HASH))
                .withMap(NEW_FD, new Verifier.MapDef(4, KEY_SIZE, MapType.ARRAY));
    }

    /** Whether {@link #generate} knows this link type. */
    public static boolean supportsLinkType(int linkType) {
        return switch (linkType) {
            case 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 -> true;
            default -> false;
        };
    }

    private Program emit(Program filter, int linkType) {
        if (!supportsLinkType(linkType)) {
            throw new IllegalArgumentException("weir flows: link type " + linkType + " is not supported");
        }
        // The hot path first, in one run of instructions (the JIT cuts a long program into methods by position,
        // and each crossing costs a register spill): Ethernet, IPv4/IPv6 without extension headers, TCP/UDP, the
        // key, the update of an existing flow. Rarer cases jump to cold blocks emitted after it, which jump back.
        filterPass(filter);
        b.ldx(Size.W, R7, R6, 76).ldx(Size.W, R8, R6, 80);
        // S_FRAG_ID is not cleared: only the fragment paths read it, after they have written it.
        for (int off : new int[] {S_RAW, S_RAW + 8, S_RAW + 16, S_RAW + 24, S_RAW + 32, S_TCP_FLAGS, S_FRAG_STATE,
            S_DIR}) {
            b.st(Size.DW, R10, off, 0);
        }
        linkLayer(linkType);
        ipv4();
        ipv6();
        transport();
        b.ldx(Size.DW, R3, R10, S_FRAG_STATE).jmpImm(JmpOp.JNE, R3, FRAG_NONE, "frag");
        key();
        update();
        // A new flow (about one packet in twenty on a long capture, most of them early) follows at once: its code
        // then sits in the method every packet enters, compiled first, not in a rarely run one still interpreted.
        newFlow();
        b.label("notip").mov64Imm(R0, R_NOT_IP).exit();
        if (filter != null) {
            b.label("ret0").mov64Imm(R0, R_NO_MATCH).exit();
        }
        if (linkType == 1 || linkType == 113 || linkType == 276) {
            vlanTags();
        }
        ipv4Fragment();
        ipv6Extensions();
        icmp("icmp4", ICMP4_PAIRS);
        icmp("icmp6", ICMP6_PAIRS);
        fragments();
        return b.build();
    }

    // ------------------------------------------------------------------ pass: filter

    private void filterPass(Program filter) {
        if (filter == null) {
            b.mov64Reg(R6, R1);
            return;
        }
        if (filter.type() != ProgramType.SOCKET || filter.size() == 0 || filter.insn(0).opcode() != 0xbf
                || filter.insn(0).dst() != R6 || filter.insn(0).src() != R1) {
            throw new IllegalArgumentException("the filter must be a ClassicToEbpf translation (r6 = r1 first)");
        }
        for (Insn i : filter.insns()) {
            if (i.opcode() == 0x95) {
                b.insn(Insn.ja(0), "filter_done");   // one slot for one slot: the filter's offsets stay valid
            } else {
                b.insn(i);
            }
        }
        b.label("filter_done").jmpImm(JmpOp.JEQ, R0, 0, "ret0");
    }

    // ------------------------------------------------------------------ packet access

    /** r2 = data + r9; continues only if {@code n} bytes from r2 are captured, else jumps to {@code fail}. */
    private void need(int n, String fail) {
        b.mov64Reg(R2, R7).alu64Reg(AluOp.ADD, R2, R9);
        b.mov64Reg(R3, R2).alu64Imm(AluOp.ADD, R3, n);
        b.jmpReg(JmpOp.JGT, R3, R8, fail);
    }

    /** r{@code dst} = the big-endian u16 at r2 + off. */
    private void be16(int dst, int off) {
        b.ldx(Size.H, dst, R2, off).be(dst, 16);
    }

    /**
     * Forgets what paths know about r9 and the packet pointers, so that the verifier's states from different
     * paths meet as one (its pruning needs one state to include the other): r9 goes through a 16-bit stack slot
     * (an unknown number, then bounded again) and r7 is reloaded from the context with no range proven.
     * Without this the unrolled header chains multiply the states past the complexity limit.
     */
    private void forget(String tooFar) {
        b.stx(Size.H, R10, S_OFF, R9).ldx(Size.H, R9, R10, S_OFF);
        b.jmpImm(JmpOp.JGT, R9, MAX_L3_OFFSET, tooFar);
        b.ldx(Size.W, R7, R6, 76).mov64Imm(R2, 0).mov64Imm(R3, 0).mov64Imm(R4, 0);
    }

    // ------------------------------------------------------------------ pass: link layer

    private void linkLayer(int linkType) {
        b.mov64Imm(R9, 0);
        switch (linkType) {
            case 1 -> ethernetLike(14, 12);
            case 113 -> ethernetLike(16, 14);
            case 276 -> ethernetLike(20, 0);
            case 0, 108 -> {
                need(4, "notip");
                b.ldx(Size.B, R1, R2, 0).ldx(Size.B, R3, R2, 3).alu64Reg(AluOp.OR, R1, R3);
                b.mov64Imm(R9, 4);
                b.jmpImm(JmpOp.JEQ, R1, 2, "ipv4");
                b.jmpImm(JmpOp.JEQ, R1, 24, "ipv6").jmpImm(JmpOp.JEQ, R1, 28, "ipv6");
                b.jmpImm(JmpOp.JEQ, R1, 30, "ipv6").ja("notip");
            }
            default -> {   // raw IP: the version nibble decides
                need(1, "notip");
                b.ldx(Size.B, R1, R2, 0).alu64Imm(AluOp.RSH, R1, 4);
                b.jmpImm(JmpOp.JEQ, R1, 4, "ipv4").jmpImm(JmpOp.JEQ, R1, 6, "ipv6").ja("notip");
            }
        }
    }

    private void ethernetLike(int headerLen, int typeOffset) {
        need(headerLen, "notip");
        be16(R1, typeOffset);
        b.mov64Imm(R9, headerLen);
        b.jmpImm(JmpOp.JEQ, R1, 0x8100, "vlan0").jmpImm(JmpOp.JEQ, R1, 0x88a8, "vlan0");
        b.jmpImm(JmpOp.JEQ, R1, 0x9100, "vlan0");
        b.label("l3");
        forget("notip");
        b.jmpImm(JmpOp.JEQ, R1, 0x0800, "ipv4").jmpImm(JmpOp.JEQ, R1, 0x86dd, "ipv6").ja("notip");
    }

    /** Cold: up to two 802.1Q/802.1ad tags (the outer id is the flow's VLAN), then back to the L3 dispatch. */
    private void vlanTags() {
        for (int round = 0; round < 2; round++) {
            b.label("vlan" + round);
            need(4, "notip");
            if (round == 0) {
                be16(R3, 0);
                b.alu64Imm(AluOp.AND, R3, 0xfff).stx(Size.H, R10, S_RAW + K_VLAN, R3);
            }
            be16(R1, 2);
            b.alu64Imm(AluOp.ADD, R9, 4);
            if (round == 0) {
                b.jmpImm(JmpOp.JEQ, R1, 0x8100, "vlan1").jmpImm(JmpOp.JEQ, R1, 0x88a8, "vlan1");
                b.jmpImm(JmpOp.JEQ, R1, 0x9100, "vlan1");
            }
            b.ja("l3");
        }
    }

    // ------------------------------------------------------------------ pass: IP

    private void ipv4() {
        b.label("ipv4");
        need(20, "notip");
        b.ldx(Size.B, R1, R2, 0).alu64Imm(AluOp.AND, R1, 0xf).alu64Imm(AluOp.LSH, R1, 2);
        b.jmpImm(JmpOp.JLT, R1, 20, "notip");
        be16(R3, 2);
        b.stx(Size.DW, R10, S_IP_BYTES, R3);
        b.ldx(Size.W, R3, R2, 12).stx(Size.W, R10, S_RAW + K_ADDR_A, R3);
        b.ldx(Size.W, R3, R2, 16).stx(Size.W, R10, S_RAW + K_ADDR_B, R3);
        b.ldx(Size.B, R3, R2, 9).stx(Size.B, R10, S_RAW + K_PROTO, R3);
        b.st(Size.B, R10, S_RAW + K_FAMILY, 4);
        be16(R3, 6);
        b.alu64Imm(AluOp.AND, R3, 0x3fff).jmpImm(JmpOp.JNE, R3, 0, "v4_frag");   // offset or MF (not DF)
        b.label("v4_l4").alu64Reg(AluOp.ADD, R9, R1).ja("l4");
    }

    /** Cold: an IPv4 fragment (r3 = offset and MF, r2 = the header, r1 = its length kept). */
    private void ipv4Fragment() {
        b.label("v4_frag");
        be16(R4, 4);
        b.stx(Size.DW, R10, S_FRAG_ID, R4);
        b.alu64Imm(AluOp.AND, R3, 0x1fff).jmpImm(JmpOp.JNE, R3, 0, "v4_later");
        b.st(Size.DW, R10, S_FRAG_STATE, FRAG_FIRST).ja("v4_l4");
        b.label("v4_later").st(Size.DW, R10, S_FRAG_STATE, FRAG_LATER).ja("v4_l4");
    }

    private void ipv6() {
        b.label("ipv6");
        need(40, "notip");
        be16(R3, 4);
        b.alu64Imm(AluOp.ADD, R3, 40).stx(Size.DW, R10, S_IP_BYTES, R3);
        for (int k = 0; k < 32; k += 8) {
            b.ldx(Size.DW, R3, R2, 8 + k).stx(Size.DW, R10, S_RAW + K_ADDR_A + k, R3);
        }
        b.st(Size.B, R10, S_RAW + K_FAMILY, 6).st(Size.DW, R10, S_FRAG_AT, 0);
        b.ldx(Size.B, R1, R2, 6);
        b.alu64Imm(AluOp.ADD, R9, 40);
        extensionDispatch(0);
        b.label("v6_proto").stx(Size.B, R10, S_RAW + K_PROTO, R1);
        b.ldx(Size.DW, R3, R10, S_FRAG_AT).jmpImm(JmpOp.JNE, R3, 0, "v6_frag_l4");
        b.ja("l4");
    }

    /** Jumps to round {@code round} when r1 names an extension header; falls through otherwise. */
    private void extensionDispatch(int round) {
        String ext = "ext" + round;
        // Hop-by-hop, routing, destination options, mobility, AH, fragment.
        for (int header : new int[] {0, 43, 60, 135, 51, 44}) {
            b.jmpImm(JmpOp.JEQ, R1, header, ext);
        }
    }

    /**
     * Cold: up to {@value #IPV6_EXT_ROUNDS} extension headers, unrolled (r1 = the next header, r9 = its offset):
     * hop-by-hop, routing, destination options and mobility are (len + 1) * 8 bytes, AH (len + 2) * 4, a fragment
     * header 8, its offset remembered in S_FRAG_AT and parsed once after the chain ({@link #ipv6Fragment}). Each
     * round ends in the dispatch of the next, and the chain ends at {@code v6_proto}.
     */
    private void ipv6Extensions() {
        for (int round = 0; round < IPV6_EXT_ROUNDS; round++) {
            String gen = "ext_gen" + round, ah = "ext_ah" + round, next = "ext_next" + round;
            b.label("ext" + round);
            need(2, "v6_noports");
            b.ldx(Size.B, R3, R2, 1);
            b.jmpImm(JmpOp.JEQ, R1, 51, ah).jmpImm(JmpOp.JNE, R1, 44, gen);
            need(8, "v6_noports");
            b.stx(Size.DW, R10, S_FRAG_AT, R9).mov64Imm(R3, 0);
            b.label(gen).alu64Imm(AluOp.ADD, R3, 1).alu64Imm(AluOp.LSH, R3, 3).ja(next);
            b.label(ah).alu64Imm(AluOp.ADD, R3, 2).alu64Imm(AluOp.LSH, R3, 2);
            b.label(next).ldx(Size.B, R1, R2, 0).alu64Reg(AluOp.ADD, R9, R3);
            // Bounds the offset for the verifier (and stops a header chain running off any real packet).
            forget("v6_noports");
            if (round + 1 < IPV6_EXT_ROUNDS) {
                extensionDispatch(round + 1);
            }
            b.ja("v6_proto");
        }
        // A header chain cut short by the capture (or absurdly long): the protocol is the header's, no ports.
        b.label("v6_noports").stx(Size.B, R10, S_RAW + K_PROTO, R1);
        b.ldx(Size.DW, R3, R10, S_FRAG_AT).jmpImm(JmpOp.JNE, R3, 0, "v6_frag_l4_done");
        b.ja("l4_done");
        ipv6Fragment("l4");
        ipv6Fragment("l4_done");
    }

    /**
     * Cold: the chain's fragment header at r3 (its 8 bytes were checked in the chain): offset (13 bits), M, 32-bit
     * id into the fragment state, then on to {@code then}.
     */
    private void ipv6Fragment(String then) {
        b.label("v6_frag_" + then);
        b.jmpImm(JmpOp.JGT, R3, MAX_L3_OFFSET, then);
        b.mov64Reg(R2, R7).alu64Reg(AluOp.ADD, R2, R3).mov64Reg(R4, R2).alu64Imm(AluOp.ADD, R4, 8);
        b.jmpReg(JmpOp.JGT, R4, R8, then);
        b.ldx(Size.W, R4, R2, 4).be(R4, 32).stx(Size.DW, R10, S_FRAG_ID, R4);
        be16(R4, 2);
        b.mov64Reg(R5, R4).alu64Imm(AluOp.AND, R5, 0xfff8).jmpImm(JmpOp.JNE, R5, 0, "v6_later_" + then);
        b.alu64Imm(AluOp.AND, R4, 1).jmpImm(JmpOp.JEQ, R4, 0, then);
        b.st(Size.DW, R10, S_FRAG_STATE, FRAG_FIRST).ja(then);
        b.label("v6_later_" + then).st(Size.DW, R10, S_FRAG_STATE, FRAG_LATER).ja(then);
    }

    // ------------------------------------------------------------------ pass: transport

    private void transport() {
        b.label("l4");
        forget("l4_done");
        b.ldx(Size.DW, R3, R10, S_FRAG_STATE).jmpImm(JmpOp.JEQ, R3, FRAG_LATER, "l4_done");
        b.ldx(Size.B, R1, R10, S_RAW + K_PROTO);
        b.jmpImm(JmpOp.JEQ, R1, 6, "tcp").jmpImm(JmpOp.JEQ, R1, 17, "ports").jmpImm(JmpOp.JEQ, R1, 132, "ports");
        b.jmpImm(JmpOp.JEQ, R1, 136, "ports").jmpImm(JmpOp.JEQ, R1, 1, "icmp4").jmpImm(JmpOp.JEQ, R1, 58, "icmp6");
        b.ja("l4_done");
        b.label("tcp");
        need(14, "ports");
        b.ldx(Size.B, R3, R2, 13).stx(Size.DW, R10, S_TCP_FLAGS, R3).ja("ports_read");   // 14 bytes hold the ports
        b.label("ports");
        need(4, "l4_done");
        b.label("ports_read");
        b.ldx(Size.W, R3, R2, 0).stx(Size.W, R10, S_RAW + K_PORT_A, R3);
        b.label("l4_done");
        b.mov64Imm(R9, 0).mov64Imm(R7, 0).mov64Imm(R1, 0).mov64Imm(R2, 0).mov64Imm(R3, 0).mov64Imm(R4, 0);
    }

    /**
     * Cold: type as port A; port B the counterpart type of a request/reply pair, else the code (Community ID
     * v1).
     */
    private void icmp(String label, int[][] pairs) {
        b.label(label);
        need(2, "l4_done");
        b.ldx(Size.B, R3, R2, 0).ldx(Size.B, R4, R2, 1);
        b.stx(Size.B, R10, S_RAW + K_PORT_A + 1, R3);
        for (int k = 0; k < pairs.length; k++) {
            String skip = label + "_" + k;
            b.jmpImm(JmpOp.JNE, R3, pairs[k][0], skip).mov64Imm(R4, pairs[k][1]).ja(label + "_store");
            b.label(skip);
        }
        b.label(label + "_store").stx(Size.B, R10, S_RAW + K_PORT_B + 1, R4).ja("l4_done");
    }

    // ------------------------------------------------------------------ pass: fragments

    /**
     * Cold (fragment state in r3): a first fragment remembers its ports, a later one takes them (or counts under
     * the port-less key when the first was not seen); then the key.
     */
    private void fragments() {
        b.label("frag");
        b.jmpImm(JmpOp.JEQ, R3, FRAG_LATER, "frag_lookup");
        fragKey();
        b.ldx(Size.W, R3, R10, S_RAW + K_PORT_A).stx(Size.W, R10, S_FRAG_VALUE, R3);
        mapRef(R1, FRAGS_FD);
        b.mov64Reg(R2, R10).alu64Imm(AluOp.ADD, R2, S_FRAG_KEY);
        b.mov64Reg(R3, R10).alu64Imm(AluOp.ADD, R3, S_FRAG_VALUE);
        b.mov64Imm(R4, 0).call(HelperProto.MAP_UPDATE_ELEM).ja("key");
        b.label("frag_lookup");
        fragKey();
        mapRef(R1, FRAGS_FD);
        b.mov64Reg(R2, R10).alu64Imm(AluOp.ADD, R2, S_FRAG_KEY);
        b.call(HelperProto.MAP_LOOKUP_ELEM).jmpImm(JmpOp.JEQ, R0, 0, "key");
        b.ldx(Size.W, R3, R0, 0).stx(Size.W, R10, S_RAW + K_PORT_A, R3).ja("key");
    }

    private void fragKey() {
        for (int k = 0; k < KEY_SIZE; k += 8) {
            b.ldx(Size.DW, R3, R10, S_RAW + k).stx(Size.DW, R10, S_FRAG_KEY + k, R3);
        }
        b.ldx(Size.DW, R3, R10, S_FRAG_ID).stx(Size.W, R10, S_FRAG_KEY + K_FRAG_ID, R3);
        b.st(Size.H, R10, S_FRAG_KEY + K_VLAN, 0);   // a datagram is one datagram whatever its fragments' tags
    }

    private void mapRef(int dst, int fd) {
        b.insn(Insn.of(0x18, dst, 1, 0, fd));   // lddw dst, map_by_fd(fd)
    }

    // ------------------------------------------------------------------ pass: key

    private void copy(Size size, int from, int to) {
        b.ldx(size, R3, R10, from).stx(size, R10, to, R3);
    }

    private void copyAddr(int from, int to) {
        copy(Size.DW, from, to);
        copy(Size.DW, from + 8, to + 8);
    }

    /** Where the key is built: the 5-tuple is the raw fields themselves, other keys are picked from them. */
    private int keyAt() {
        return by == Aggregation.FIVE_TUPLE ? S_RAW : S_KEY;
    }

    private void key() {
        b.label("key");
        switch (by) {
            case FIVE_TUPLE -> {
                if (bidirectional) {
                    canonicalInPlace();
                }
                return;   // falls into the update
            }
            default -> { }
        }
        for (int k = 0; k < KEY_SIZE; k += 8) {
            b.st(Size.DW, R10, S_KEY + k, 0);
        }
        switch (by) {
            case HOST_PAIR -> {
                copy(Size.B, S_RAW + K_FAMILY, S_KEY + K_FAMILY);
                ends();
            }
            case SRC, DST -> {
                copy(Size.B, S_RAW + K_FAMILY, S_KEY + K_FAMILY);
                copyAddr(S_RAW + (by == Aggregation.SRC ? K_ADDR_A : K_ADDR_B), S_KEY + K_ADDR_A);
            }
            case PORT -> {
                copy(Size.B, S_RAW + K_PROTO, S_KEY + K_PROTO);
                b.ldx(Size.H, R3, R10, S_RAW + K_PORT_A).be(R3, 16);
                b.ldx(Size.H, R4, R10, S_RAW + K_PORT_B).be(R4, 16);
                b.jmpReg(JmpOp.JLE, R3, R4, "port_min").mov64Reg(R3, R4);
                b.label("port_min").be(R3, 16).stx(Size.H, R10, S_KEY + K_PORT_A, R3);
            }
            case PROTO -> copy(Size.B, S_RAW + K_PROTO, S_KEY + K_PROTO);
            case VLAN -> copy(Size.H, S_RAW + K_VLAN, S_KEY + K_VLAN);
            default -> throw new IllegalStateException(by.toString());
        }
    }

    /**
     * Orders the 5-tuple's ends in place (S_DIR = 1 if swapped). Any total order will do, as long as both
     * directions agree: the addresses as unsigned 64-bit words, then the ports.
     */
    private void canonicalInPlace() {
        for (int k = 0; k < 16; k += 8) {
            b.ldx(Size.DW, R3, R10, S_RAW + K_ADDR_A + k).ldx(Size.DW, R4, R10, S_RAW + K_ADDR_B + k);
            b.jmpReg(JmpOp.JLT, R3, R4, "update").jmpReg(JmpOp.JGT, R3, R4, "swap");
        }
        b.ldx(Size.H, R3, R10, S_RAW + K_PORT_A).ldx(Size.H, R4, R10, S_RAW + K_PORT_B);
        b.jmpReg(JmpOp.JLE, R3, R4, "update");
        b.label("swap");
        b.ldx(Size.DW, R1, R10, S_RAW + K_ADDR_A).ldx(Size.DW, R2, R10, S_RAW + K_ADDR_A + 8);
        b.ldx(Size.DW, R3, R10, S_RAW + K_ADDR_B).ldx(Size.DW, R4, R10, S_RAW + K_ADDR_B + 8);
        b.stx(Size.DW, R10, S_RAW + K_ADDR_A, R3).stx(Size.DW, R10, S_RAW + K_ADDR_A + 8, R4);
        b.stx(Size.DW, R10, S_RAW + K_ADDR_B, R1).stx(Size.DW, R10, S_RAW + K_ADDR_B + 8, R2);
        b.ldx(Size.H, R3, R10, S_RAW + K_PORT_A).ldx(Size.H, R4, R10, S_RAW + K_PORT_B);
        b.stx(Size.H, R10, S_RAW + K_PORT_A, R4).stx(Size.H, R10, S_RAW + K_PORT_B, R3);
        b.st(Size.DW, R10, S_DIR, 1);
    }

    /** Puts the packet's two addresses into the key, ordered canonically when bidirectional (S_DIR = 1 if swapped). */
    private void ends() {
        if (bidirectional) {
            for (int k = 0; k < 16; k += 8) {
                b.ldx(Size.DW, R3, R10, S_RAW + K_ADDR_A + k).ldx(Size.DW, R4, R10, S_RAW + K_ADDR_B + k);
                b.jmpReg(JmpOp.JLT, R3, R4, "noswap").jmpReg(JmpOp.JGT, R3, R4, "swap");
            }
        }
        b.label("noswap");
        copyAddr(S_RAW + K_ADDR_A, S_KEY + K_ADDR_A);
        copyAddr(S_RAW + K_ADDR_B, S_KEY + K_ADDR_B);
        b.ja("update");
        if (bidirectional) {
            b.label("swap");
            copyAddr(S_RAW + K_ADDR_B, S_KEY + K_ADDR_A);
            copyAddr(S_RAW + K_ADDR_A, S_KEY + K_ADDR_B);
            b.st(Size.DW, R10, S_DIR, 1);
        }
    }

    // ------------------------------------------------------------------ pass: update

    private void lookupFlow() {
        mapRef(R1, FLOWS_FD);
        b.mov64Reg(R2, R10).alu64Imm(AluOp.ADD, R2, keyAt()).call(HelperProto.MAP_LOOKUP_ELEM);
    }

    /**
     * Looks the flow up and adds the packet to it (the packet's time in r9, which helpers preserve); a flow not
     * found goes to {@link #newFlow}.
     */
    private void update() {
        b.label("update");
        b.call(HelperProto.KTIME_GET_NS).mov64Reg(R9, R0);
        lookupFlow();
        b.jmpImm(JmpOp.JEQ, R0, 0, "new");
        b.label("have").mov64Reg(R7, R0);
        counters();
        b.mov64Imm(R0, R_COUNTED).exit();
    }

    /**
     * Cold: a new flow is inserted with this packet's counters already in its value ({@code BPF_NOEXIST}: one hash
     * walk, no second lookup) and its key is copied to the new-flow map for the counter's eviction queue; when
     * the insert finds the flow there (the map changed since the lookup: not with the counter's one writer per
     * map, but the program does not rely on it) the packet is added to that flow as usual.
     */
    private void newFlow() {
        b.label("new");
        for (int k = 0; k < VALUE_SIZE; k += 8) {
            b.st(Size.DW, R10, S_VALUE + k, 0);
        }
        b.stx(Size.DW, R10, S_VALUE + V_FIRST, R9).stx(Size.DW, R10, S_VALUE + V_LAST, R9);
        b.ldx(Size.DW, R3, R10, S_DIR).stx(Size.W, R10, S_VALUE + V_ORIG, R3);
        b.jmpImm(JmpOp.JNE, R3, 0, "new_dir1");
        firstPacket(0);
        b.ja("new_insert");
        b.label("new_dir1");
        firstPacket(1);
        b.label("new_insert");
        mapRef(R1, FLOWS_FD);
        b.mov64Reg(R2, R10).alu64Imm(AluOp.ADD, R2, keyAt());
        b.mov64Reg(R3, R10).alu64Imm(AluOp.ADD, R3, S_VALUE);
        b.mov64Imm(R4, 1).call(HelperProto.MAP_UPDATE_ELEM);   // BPF_NOEXIST: fails if the flow exists
        b.jmpImm(JmpOp.JNE, R0, 0, "raced");
        b.st(Size.W, R10, S_ZERO, 0);
        mapRef(R1, NEW_FD);
        b.mov64Reg(R2, R10).alu64Imm(AluOp.ADD, R2, S_ZERO);
        b.mov64Reg(R3, R10).alu64Imm(AluOp.ADD, R3, keyAt());
        b.mov64Imm(R4, 0).call(HelperProto.MAP_UPDATE_ELEM);
        b.mov64Imm(R0, R_NEW).exit();
        b.label("raced");
        lookupFlow();
        b.jmpImm(JmpOp.JNE, R0, 0, "have");
        b.mov64Imm(R0, R_LOST).exit();
    }

    /** The counters of direction {@code d} in the stack value of a new flow: this packet alone. */
    private void firstPacket(int d) {
        b.st(Size.DW, R10, S_VALUE + V_PACKETS + 8 * d, 1);
        b.ldx(Size.DW, R1, R10, S_IP_BYTES).stx(Size.DW, R10, S_VALUE + V_IP_BYTES + 8 * d, R1);
        b.ldx(Size.W, R1, R6, 0).stx(Size.DW, R10, S_VALUE + V_WIRE_BYTES + 8 * d, R1);
        b.ldx(Size.DW, R1, R10, S_TCP_FLAGS).stx(Size.W, R10, S_VALUE + V_FLAGS + 4 * d, R1);
    }

    /**
     * Adds the packet to the flow whose value r7 points to: the counters of its direction through r8 = r7 + 8 *
     * dir (one copy of the code for both directions: a shorter method for the JIT), the flags through r8 = r7 +
     * 4 * dir (r3 = 8 * dir halved), the times at fixed offsets.
     */
    private void counters() {
        b.ldx(Size.DW, R3, R10, S_DIR).alu64Imm(AluOp.LSH, R3, 3).mov64Reg(R8, R7).alu64Reg(AluOp.ADD, R8, R3);
        // Plain read-modify-writes: a map has one counting thread (FlowCounter.count is single-threaded and
        // FlowWorkers gives each worker its own map), as an XDP counter on a per-CPU map; a lock-prefixed add cost
        // about a tenth of a packet's time in cache.
        b.ldx(Size.DW, R1, R8, V_PACKETS).alu64Imm(AluOp.ADD, R1, 1).stx(Size.DW, R8, V_PACKETS, R1);
        b.ldx(Size.DW, R2, R10, S_IP_BYTES).ldx(Size.DW, R1, R8, V_IP_BYTES).alu64Reg(AluOp.ADD, R1, R2);
        b.stx(Size.DW, R8, V_IP_BYTES, R1);
        b.ldx(Size.W, R2, R6, 0).ldx(Size.DW, R1, R8, V_WIRE_BYTES).alu64Reg(AluOp.ADD, R1, R2);
        b.stx(Size.DW, R8, V_WIRE_BYTES, R1);
        b.alu64Imm(AluOp.RSH, R3, 1).mov64Reg(R8, R7).alu64Reg(AluOp.ADD, R8, R3);   // 4 * dir
        // The flags are ORed in only when they add a bit (bits are never cleared, so skipping is the same): no
        // flags (not TCP) or the flags seen already (nearly every TCP packet after the handshake) cost a read.
        b.ldx(Size.DW, R1, R10, S_TCP_FLAGS).jmpImm(JmpOp.JEQ, R1, 0, "flags_done");
        b.ldx(Size.W, R4, R8, V_FLAGS).mov64Reg(R2, R4).alu64Reg(AluOp.OR, R2, R1);
        b.jmpReg(JmpOp.JEQ, R2, R4, "flags_done");
        b.atomic(AtomicOp.OR, false, Size.W, R8, V_FLAGS, R1);
        b.label("flags_done");
        // first <= last always holds, so a packet later than the last cannot be earlier than the first: in-order
        // packets (nearly all) read one timestamp, not two.
        b.ldx(Size.DW, R2, R7, V_LAST).jmpReg(JmpOp.JLE, R9, R2, "notlast");
        b.stx(Size.DW, R7, V_LAST, R9).ja("times_done");
        b.label("notlast").ldx(Size.DW, R2, R7, V_FIRST).jmpReg(JmpOp.JGE, R9, R2, "times_done");
        b.stx(Size.DW, R7, V_FIRST, R9);
        b.label("times_done");
    }
}
