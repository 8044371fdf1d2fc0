package io.weir.engine.cbpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable classic BPF program: a list of {@link ClassicInsn}. Making one checks nothing; call
 * {@link ClassicValidator#validate(ClassicProgram)} (the interpreters do) before running it.
 *
 * <p>The binary form is the kernel's and libpcap's array of 8-byte {@code struct sock_filter}/{@code struct
 * bpf_insn} in little-endian byte order: {@code u16 code, u8 jt, u8 jf, u32 k}.
 */
public final class ClassicProgram {
    /** Bytes per encoded instruction. */
    public static final int INSN_BYTES = 8;

    private final ClassicInsn[] insns;

    private ClassicProgram(ClassicInsn[] insns) {
        this.insns = insns;
    }

    /** A program of these instructions. */
    public static ClassicProgram of(List<ClassicInsn> insns) {
        ClassicInsn[] a = insns.toArray(new ClassicInsn[0]);
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null) {
                throw new IllegalArgumentException("insn " + i + " is null");
            }
        }
        return new ClassicProgram(a);
    }

    /** A program of these instructions. */
    public static ClassicProgram of(ClassicInsn... insns) {
        return of(Arrays.asList(insns));
    }

    /** The instructions, unmodifiable. */
    public List<ClassicInsn> insns() {
        return Collections.unmodifiableList(Arrays.asList(insns));
    }

    /** The instruction at {@code index}. */
    public ClassicInsn get(int index) {
        return insns[index];
    }

    /** The number of instructions. */
    public int size() {
        return insns.length;
    }

    /** The kernel's binary form, 8 little-endian bytes per instruction. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(insns.length * INSN_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (ClassicInsn insn : insns) {
            b.putShort((short) insn.code()).put((byte) insn.jt()).put((byte) insn.jf()).putInt(insn.k());
        }
        return b.array();
    }

    /**
     * Reads the binary form.
     *
     * @throws IllegalArgumentException if the length is not a multiple of 8, naming the trailing byte offset
     */
    public static ClassicProgram decode(byte[] bytes) {
        if (bytes.length % INSN_BYTES != 0) {
            throw new IllegalArgumentException("classic program of " + bytes.length
                    + " bytes is not a whole number of 8-byte instructions (" + (bytes.length % INSN_BYTES)
                    + " trailing bytes at offset " + (bytes.length / INSN_BYTES * INSN_BYTES) + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<ClassicInsn> out = new ArrayList<>(bytes.length / INSN_BYTES);
        while (b.hasRemaining()) {
            int code = b.getShort() & 0xffff;
            int jt = b.get() & 0xff;
            int jf = b.get() & 0xff;
            out.add(ClassicInsn.of(code, jt, jf, b.getInt()));
        }
        return of(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassicProgram && Arrays.equals(insns, ((ClassicProgram) o).insns);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(insns);
    }

    /** tcpdump's {@code -d} listing. */
    @Override
    public String toString() {
        return TcpdumpFormat.listing(this);
    }
}
