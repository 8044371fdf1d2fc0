package io.weir.engine.ebpf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An eBPF program: its instructions and its {@link ProgramType}. A blueprint (it is not verified and does not
 * run by itself): the interpreter and the JIT make runnable objects from it.
 *
 * <p>Instructions are indexed two ways. The <em>instruction index</em> counts {@link Insn}s; the <em>slot
 * index</em> counts 8-byte slots, where {@code lddw} takes two. Jump offsets, call targets and error messages
 * use slots (as the kernel does): {@link #slotOf(int)} and {@link #indexOfSlot(int)} convert.
 */
public final class Program {
    private final ProgramType type;
    private final List<Insn> insns;
    private final int[] slotOf;
    private final int[] indexOfSlot;

    /** A program of {@code type} made of {@code insns}. */
    public Program(ProgramType type, List<Insn> insns) {
        this.type = Objects.requireNonNull(type, "type");
        this.insns = List.copyOf(insns);
        this.slotOf = new int[this.insns.size() + 1];
        int slot = 0;
        for (int i = 0; i < this.insns.size(); i++) {
            slotOf[i] = slot;
            slot += this.insns.get(i).slots();
        }
        slotOf[this.insns.size()] = slot;
        this.indexOfSlot = new int[slot + 1];
        Arrays.fill(indexOfSlot, -1);
        for (int i = 0; i <= this.insns.size(); i++) {
            indexOfSlot[slotOf[i]] = i;
        }
    }

    /** Decodes a program from the kernel's byte format. */
    public static Program decode(ProgramType type, byte[] code) {
        return new Program(type, InsnCodec.decode(code));
    }

    /** The program type. */
    public ProgramType type() {
        return type;
    }

    /** The instructions (unmodifiable). */
    public List<Insn> insns() {
        return insns;
    }

    /** The instruction at index {@code i}. */
    public Insn insn(int i) {
        return insns.get(i);
    }

    /** The number of instructions. */
    public int size() {
        return insns.size();
    }

    /** The number of 8-byte slots. */
    public int slotCount() {
        return slotOf[insns.size()];
    }

    /** The slot index of instruction {@code index} ({@code size()} maps to {@code slotCount()}). */
    public int slotOf(int index) {
        return slotOf[index];
    }

    /**
     * The instruction index at slot {@code slot}, or -1 when the slot is the second half of a {@code lddw} or
     * outside the program ({@code slotCount()} maps to {@code size()}).
     */
    public int indexOfSlot(int slot) {
        return slot < 0 || slot >= indexOfSlot.length ? -1 : indexOfSlot[slot];
    }

    /**
     * The instruction index a branch or local call at index {@code index} goes to, or -1 when it lands outside
     * the program or inside a {@code lddw}.
     */
    public int targetOf(int index) {
        Insn i = insns.get(index);
        int rel = i.op().form() == Opcode.Form.CALL_LOCAL ? i.imm() : i.jumpOffset();
        long slot = (long) slotOf[index] + 1 + rel;
        if (slot < 0 || slot >= slotCount()) {
            return -1;
        }
        return indexOfSlot((int) slot);
    }

    /** The kernel's byte format. */
    public byte[] encode() {
        return InsnCodec.encode(insns);
    }

    /** This program with another type. */
    public Program withType(ProgramType newType) {
        return new Program(newType, insns);
    }

    /** The kernel-style disassembly, one instruction per line prefixed by its slot index. */
    @Override
    public String toString() {
        return Disassembler.kernel(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Program && ((Program) o).type == type && ((Program) o).insns.equals(insns);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + insns.hashCode();
    }

    /** A new builder for a program of {@code type}. */
    public static ProgramBuilder builder(ProgramType type) {
        return new ProgramBuilder(type);
    }
}
