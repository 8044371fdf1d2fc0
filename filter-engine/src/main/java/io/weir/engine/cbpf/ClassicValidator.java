package io.weir.engine.cbpf;

/**
 * Checks a classic program before it runs, with the union of libpcap's {@code bpf_validate} and the Linux
 * kernel's {@code bpf_check_classic} rules, so a program Weir accepts runs the same way under both:
 * <ul>
 *   <li>1 to {@value ClassicOp#MAX_INSNS} instructions;
 *   <li>every opcode is in {@link ClassicOp} (so no {@code ret x} nor {@code neg x}, which libpcap's interpreter
 *       aborts on);
 *   <li>jumps go forward and land inside the program, {@code ja} included;
 *   <li>scratch indices are below {@value ClassicOp#MEMWORDS};
 *   <li>no division or modulo by the constant 0, no shift by a constant of 32 or more (the kernel's rule; libpcap
 *       would shift by k mod 32 on x86);
 *   <li>ancillary loads are ones Weir runs (see {@link Ancillary}); other offsets of the ancillary range are
 *       loads past the packet that return 0, as in libpcap (the kernel would reject them);
 *   <li>the last instruction is a return;
 *   <li>every scratch word is written on every path before it is read (the kernel's
 *       {@code check_load_and_stores}): Weir's interpreters keep no zeroed scratch memory per packet, so this
 *       check is what makes reading M[] deterministic.
 * </ul>
 * Errors name the instruction and show it: {@code insn 3: div #0: division by constant zero}.
 */
public final class ClassicValidator {
    private ClassicValidator() {
    }

    /**
     * Validates {@code p}.
     *
     * @return {@code p}, for chaining
     * @throws ClassicValidationException at the first rule broken
     */
    public static ClassicProgram validate(ClassicProgram p) {
        int n = p.size();
        if (n == 0) {
            throw new ClassicValidationException(-1, "empty program: a classic program needs at least a return");
        }
        if (n > ClassicOp.MAX_INSNS) {
            throw new ClassicValidationException(-1, "program of " + n + " instructions is longer than the limit of "
                    + ClassicOp.MAX_INSNS);
        }
        for (int pc = 0; pc < n; pc++) {
            checkInsn(p, pc);
        }
        if (!p.get(n - 1).op().isReturn()) {
            throw error(p, n - 1, "the last instruction must be a return");
        }
        int pc = ClassicFlow.firstScratchReadBeforeWrite(p);
        if (pc >= 0) {
            throw error(p, pc, "M[" + p.get(pc).k() + "] may be read before it is written");
        }
        return p;
    }

    private static void checkInsn(ClassicProgram p, int pc) {
        ClassicInsn insn = p.get(pc);
        ClassicOp op = insn.op();
        int n = p.size();
        if (op == null) {
            throw error(p, pc, "unknown opcode 0x" + Integer.toHexString(insn.code()));
        }
        if (op.readsScratch() || op.writesScratch()) {
            if (Integer.compareUnsigned(insn.k(), ClassicOp.MEMWORDS) >= 0) {
                throw error(p, pc, "scratch index " + insn.kUnsigned() + " is outside M[0.."
                        + (ClassicOp.MEMWORDS - 1) + "]");
            }
        }
        if (op.dividesByK() && insn.k() == 0) {
            throw error(p, pc, "division by constant zero");
        }
        if (op.shiftsByK() && Integer.compareUnsigned(insn.k(), 32) >= 0) {
            throw error(p, pc, "shift by " + insn.kUnsigned() + " is not below 32");
        }
        if (op.isAbsoluteLoad()) {
            // Other offsets of the ancillary range are plain loads past any packet (libpcap emits ldb [-2] for
            // link types without a fixed header length); they return 0 as in libpcap, where the kernel rejects.
            Ancillary a = Ancillary.fromK(insn.k());
            if (a != null && !a.supported()) {
                throw error(p, pc, "ancillary load [" + a.pcapName() + "] (SKF_AD_" + a.name()
                        + ") needs a kernel socket buffer; only [xor_x] and [random] run in userspace");
            }
        }
        if (op == ClassicOp.JA) {
            if (Long.compareUnsigned(insn.kUnsigned(), n - 1L - pc) >= 0) {
                throw error(p, pc, "jump to " + (pc + 1 + insn.kUnsigned()) + " is outside the program (length "
                        + n + ")");
            }
        } else if (op.isConditionalJump()) {
            if (pc + 1 + insn.jt() >= n) {
                throw error(p, pc, "true branch to " + (pc + 1 + insn.jt()) + " is outside the program (length "
                        + n + ")");
            }
            if (pc + 1 + insn.jf() >= n) {
                throw error(p, pc, "false branch to " + (pc + 1 + insn.jf()) + " is outside the program (length "
                        + n + ")");
            }
        }
    }

    private static ClassicValidationException error(ClassicProgram p, int pc, String what) {
        // The -d image without its "(nnn) " prefix, spaces collapsed: "insn 3: div #0: division by constant zero".
        String image = TcpdumpFormat.image(p.get(pc), pc);
        String shown = image.substring(image.indexOf(") ") + 2).replaceAll("\\s+", " ").strip();
        return new ClassicValidationException(pc, "insn " + pc + ": " + shown + ": " + what);
    }
}
