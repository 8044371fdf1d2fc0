package io.weir.engine.cbpf;

/**
 * The classic BPF opcode table: every opcode Weir accepts, with the facts that decoding, validation, the
 * tcpdump-style printer and the interpreters read. There is no other list of opcodes in the package.
 *
 * <p>A classic opcode is 16 bits of which 8 are used:
 * <pre>
 *   7 6 5   4 3   2 1 0
 *  +-----+-----+-------+   LD/LDX:  mode (IMM ABS IND MEM LEN MSH) | size (W H B) | class
 *  | mode|size | class |   ALU/JMP: op (4 bits) | src (K=0, X=8)  | class
 *  +-----+-----+-------+   RET:     rval (K=0, A=0x10)             | class
 * </pre>
 * The set is the intersection of what libpcap's {@code bpf_filter} executes and what the Linux kernel's
 * {@code bpf_check_classic} accepts: {@code neg x} (0x8c) and {@code ret x} (0x0e), which libpcap's validator
 * lets through but its interpreter aborts on, are not here.
 */
public enum ClassicOp {
    // Loads into A (libpcap bpf.h: BPF_LD | size | mode).
    LD_IMM(Codes.LD_IMM, "ld", Operand.IMM_HEX),
    LD_ABS(Codes.LD_ABS, "ld", Operand.ABS),
    LDH_ABS(Codes.LDH_ABS, "ldh", Operand.ABS),
    LDB_ABS(Codes.LDB_ABS, "ldb", Operand.ABS),
    LD_IND(Codes.LD_IND, "ld", Operand.IND),
    LDH_IND(Codes.LDH_IND, "ldh", Operand.IND),
    LDB_IND(Codes.LDB_IND, "ldb", Operand.IND),
    LD_MEM(Codes.LD_MEM, "ld", Operand.MEM),
    LD_LEN(Codes.LD_LEN, "ld", Operand.LEN),
    // Loads into X.
    LDX_IMM(Codes.LDX_IMM, "ldx", Operand.IMM_HEX),
    LDX_MEM(Codes.LDX_MEM, "ldx", Operand.MEM),
    /** libpcap executes it but its bpf_image prints it as {@code unimp 0x81}; the printer does the same. */
    LDX_LEN(Codes.LDX_LEN, "ldx", Operand.UNIMP),
    LDX_MSH(Codes.LDX_MSH, "ldxb", Operand.MSH),
    // Stores to scratch memory.
    ST(Codes.ST, "st", Operand.MEM),
    STX(Codes.STX, "stx", Operand.MEM),
    // ALU on A with K or X.
    ADD_K(Codes.ADD_K, "add", Operand.IMM_DEC),
    SUB_K(Codes.SUB_K, "sub", Operand.IMM_DEC),
    MUL_K(Codes.MUL_K, "mul", Operand.IMM_DEC),
    DIV_K(Codes.DIV_K, "div", Operand.IMM_DEC),
    MOD_K(Codes.MOD_K, "mod", Operand.IMM_DEC),
    AND_K(Codes.AND_K, "and", Operand.IMM_HEX),
    OR_K(Codes.OR_K, "or", Operand.IMM_HEX),
    XOR_K(Codes.XOR_K, "xor", Operand.IMM_HEX),
    LSH_K(Codes.LSH_K, "lsh", Operand.IMM_DEC),
    RSH_K(Codes.RSH_K, "rsh", Operand.IMM_DEC),
    ADD_X(Codes.ADD_X, "add", Operand.X),
    SUB_X(Codes.SUB_X, "sub", Operand.X),
    MUL_X(Codes.MUL_X, "mul", Operand.X),
    DIV_X(Codes.DIV_X, "div", Operand.X),
    MOD_X(Codes.MOD_X, "mod", Operand.X),
    AND_X(Codes.AND_X, "and", Operand.X),
    OR_X(Codes.OR_X, "or", Operand.X),
    XOR_X(Codes.XOR_X, "xor", Operand.X),
    LSH_X(Codes.LSH_X, "lsh", Operand.X),
    RSH_X(Codes.RSH_X, "rsh", Operand.X),
    NEG(Codes.NEG, "neg", Operand.NONE),
    // Jumps: ja takes a 32-bit forward offset in k; the others an 8-bit jt and jf.
    JA(Codes.JA, "ja", Operand.JA_TARGET),
    JEQ_K(Codes.JEQ_K, "jeq", Operand.IMM_HEX),
    JGT_K(Codes.JGT_K, "jgt", Operand.IMM_HEX),
    JGE_K(Codes.JGE_K, "jge", Operand.IMM_HEX),
    JSET_K(Codes.JSET_K, "jset", Operand.IMM_HEX),
    JEQ_X(Codes.JEQ_X, "jeq", Operand.X),
    JGT_X(Codes.JGT_X, "jgt", Operand.X),
    JGE_X(Codes.JGE_X, "jge", Operand.X),
    JSET_X(Codes.JSET_X, "jset", Operand.X),
    // Returns.
    RET_K(Codes.RET_K, "ret", Operand.IMM_DEC),
    /** libpcap's bpf_image prints {@code ret} with an empty operand for it. */
    RET_A(Codes.RET_A, "ret", Operand.NONE),
    // Register transfers.
    TAX(Codes.TAX, "tax", Operand.NONE),
    TXA(Codes.TXA, "txa", Operand.NONE);

    /** Instruction classes (the low three bits). */
    public static final int CLASS_LD = 0x00, CLASS_LDX = 0x01, CLASS_ST = 0x02, CLASS_STX = 0x03,
            CLASS_ALU = 0x04, CLASS_JMP = 0x05, CLASS_RET = 0x06, CLASS_MISC = 0x07;

    /** Number of 32-bit scratch memory words M[0..15] (libpcap's BPF_MEMWORDS). */
    public static final int MEMWORDS = 16;

    /** Longest program accepted (BPF_MAXINSNS in both libpcap and Linux). */
    public static final int MAX_INSNS = 4096;

    /** How libpcap's bpf_image renders the operand (k) of an instruction. */
    public enum Operand {
        /** No operand. */ NONE,
        /** {@code #0x%x}. */ IMM_HEX,
        /** {@code #%d}, k as a signed int. */ IMM_DEC,
        /** {@code [%d]}, or an ancillary name such as {@code [vlan_tci]}. */ ABS,
        /** {@code [x + %d]}. */ IND,
        /** {@code M[%d]}. */ MEM,
        /** {@code #pktlen}. */ LEN,
        /** {@code 4*([%d]&0xf)}. */ MSH,
        /** {@code x}. */ X,
        /** The absolute index {@code n + 1 + k}. */ JA_TARGET,
        /** libpcap prints {@code unimp 0x<code>}. */ UNIMP
    }

    private static final ClassicOp[] BY_CODE = new ClassicOp[256];

    static {
        for (ClassicOp op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final String mnemonic;
    private final Operand operand;

    ClassicOp(int code, String mnemonic, Operand operand) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.operand = operand;
    }

    /** The opcode, 0..255. */
    public int code() {
        return code;
    }

    /** The mnemonic libpcap's bpf_image prints. */
    public String mnemonic() {
        return mnemonic;
    }

    /** How the operand is printed. */
    public Operand operand() {
        return operand;
    }

    /** The instruction class, {@code code & 7}. */
    public int opClass() {
        return code & 0x07;
    }

    /** A conditional jump (has jt and jf). */
    public boolean isConditionalJump() {
        return opClass() == CLASS_JMP && this != JA;
    }

    /** Any jump, {@code ja} included. */
    public boolean isJump() {
        return opClass() == CLASS_JMP;
    }

    /** A return; control never falls through. */
    public boolean isReturn() {
        return opClass() == CLASS_RET;
    }

    /** Reads scratch word M[k]. */
    public boolean readsScratch() {
        return this == LD_MEM || this == LDX_MEM;
    }

    /** Writes scratch word M[k]. */
    public boolean writesScratch() {
        return this == ST || this == STX;
    }

    /** Reads the accumulator A (ALU, conditional jumps, {@code st}, {@code tax}, {@code ret a}). */
    public boolean readsA() {
        int c = opClass();
        return c == CLASS_ALU || isConditionalJump() || this == ST || this == TAX || this == RET_A;
    }

    /** Reads the index register X ({@code [x + k]} loads, {@code x} operands, {@code stx}, {@code txa}). */
    public boolean readsX() {
        return operand == Operand.IND || operand == Operand.X || this == STX || this == TXA;
    }

    /** Writes A (loads into A, ALU, {@code txa}). */
    public boolean writesA() {
        return opClass() == CLASS_LD || opClass() == CLASS_ALU || this == TXA;
    }

    /** Writes X (loads into X, {@code tax}). */
    public boolean writesX() {
        return opClass() == CLASS_LDX || this == TAX;
    }

    /** A packet load whose k is an absolute offset (ld/ldh/ldb [k]), where Linux ancillary offsets live. */
    public boolean isAbsoluteLoad() {
        return this == LD_ABS || this == LDH_ABS || this == LDB_ABS;
    }

    /** Bytes a packet load reads (4, 2, 1; {@code ldxb 4*([k]&0xf)} reads 1), 0 for anything else. */
    public int loadSize() {
        switch (this) {
            case LD_ABS: case LD_IND: return 4;
            case LDH_ABS: case LDH_IND: return 2;
            case LDB_ABS: case LDB_IND: case LDX_MSH: return 1;
            default: return 0;
        }
    }

    /** A division or modulo by the constant k (k = 0 is rejected by the validator). */
    public boolean dividesByK() {
        return this == DIV_K || this == MOD_K;
    }

    /** A shift by the constant k (k &gt;= 32 is rejected by the validator, as the kernel does). */
    public boolean shiftsByK() {
        return this == LSH_K || this == RSH_K;
    }

    /** The operation with this opcode, or {@code null} when the opcode is not a valid classic instruction. */
    public static ClassicOp fromCode(int code) {
        return code < 0 || code > 255 ? null : BY_CODE[code];
    }

    /** ALU operations, with their BPF_OP bits; {@link #opcode(boolean)} gives the full opcode. */
    public enum Alu {
        ADD(0x00), SUB(0x10), MUL(0x20), DIV(0x30), OR(0x40), AND(0x50), LSH(0x60), RSH(0x70), MOD(0x90), XOR(0xa0);

        private final int bits;

        Alu(int bits) {
            this.bits = bits;
        }

        /** The ALU opcode taking its operand from X ({@code x == true}) or from k. */
        public int opcode(boolean x) {
            return CLASS_ALU | bits | (x ? 0x08 : 0x00);
        }
    }

    /** Jump conditions, all unsigned, with their BPF_OP bits. */
    public enum Cond {
        JEQ(0x10), JGT(0x20), JGE(0x30), JSET(0x40);

        private final int bits;

        Cond(int bits) {
            this.bits = bits;
        }

        /** The jump opcode comparing A with X ({@code x == true}) or with k. */
        public int opcode(boolean x) {
            return CLASS_JMP | bits | (x ? 0x08 : 0x00);
        }
    }

    /**
     * The opcodes as compile-time constants, for {@code switch} statements in the interpreters (an enum switch
     * would cost an extra array load per instruction). The enum above is built from these, so the two cannot
     * disagree.
     */
    public static final class Codes {
        public static final int LD_IMM = 0x00, LD_ABS = 0x20, LDH_ABS = 0x28, LDB_ABS = 0x30, LD_IND = 0x40,
                LDH_IND = 0x48, LDB_IND = 0x50, LD_MEM = 0x60, LD_LEN = 0x80;
        public static final int LDX_IMM = 0x01, LDX_MEM = 0x61, LDX_LEN = 0x81, LDX_MSH = 0xb1;
        public static final int ST = 0x02, STX = 0x03;
        public static final int ADD_K = 0x04, SUB_K = 0x14, MUL_K = 0x24, DIV_K = 0x34, OR_K = 0x44, AND_K = 0x54,
                LSH_K = 0x64, RSH_K = 0x74, NEG = 0x84, MOD_K = 0x94, XOR_K = 0xa4;
        public static final int ADD_X = 0x0c, SUB_X = 0x1c, MUL_X = 0x2c, DIV_X = 0x3c, OR_X = 0x4c, AND_X = 0x5c,
                LSH_X = 0x6c, RSH_X = 0x7c, MOD_X = 0x9c, XOR_X = 0xac;
        public static final int JA = 0x05, JEQ_K = 0x15, JGT_K = 0x25, JGE_K = 0x35, JSET_K = 0x45,
                JEQ_X = 0x1d, JGT_X = 0x2d, JGE_X = 0x3d, JSET_X = 0x4d;
        public static final int RET_K = 0x06, RET_A = 0x16;
        public static final int TAX = 0x07, TXA = 0x87;

        private Codes() {
        }
    }
}
