package io.weir.engine.ebpf;

import java.util.ArrayList;
import java.util.List;

/**
 * Encoding and decoding of the kernel's instruction format: 8 bytes per slot, little-endian (the layout is in
 * {@link Insn}'s documentation). Decoding validates every instruction against the {@link Opcode} table and
 * names the slot index and opcode of the first invalid one.
 */
public final class InsnCodec {
    private InsnCodec() {}

    /** Decodes {@code code} (a multiple of 8 bytes) into instructions. */
    public static List<Insn> decode(byte[] code) {
        return decode(code, 0, code.length);
    }

    /** Decodes {@code length} bytes of {@code code} from {@code offset}. */
    public static List<Insn> decode(byte[] code, int offset, int length) {
        if (length % 8 != 0) {
            throw new EbpfFormatException(length / 8, length / 8 * 8 < length ? code[offset + length / 8 * 8] : 0,
                    "program length " + length + " is not a multiple of 8 bytes");
        }
        int n = length / 8;
        long[] words = new long[n];
        for (int i = 0; i < n; i++) {
            long w = 0;
            for (int b = 7; b >= 0; b--) {
                w = w << 8 | (code[offset + i * 8 + b] & 0xffL);
            }
            words[i] = w;
        }
        return decode(words);
    }

    /** Decodes 64-bit words, each one slot as a little-endian load of its 8 bytes would read it. */
    public static List<Insn> decode(long[] words) {
        List<Insn> out = new ArrayList<>(words.length);
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            int opcode = (int) (w & 0xff);
            int dst = (int) (w >>> 8) & 0xf;
            int src = (int) (w >>> 12) & 0xf;
            int off = (short) (w >>> 16);
            int imm = (int) (w >>> 32);
            try {
                if (opcode == 0x18) {
                    if (i + 1 >= words.length) {
                        throw new EbpfFormatException(i, opcode, "lddw is missing its second slot");
                    }
                    long hi = words[i + 1];
                    if ((hi & 0xffff_ffffL) != 0) {
                        throw new EbpfFormatException(i + 1, (int) (hi & 0xff),
                                "second slot of lddw must have opcode, registers and offset 0");
                    }
                    out.add(Insn.of(opcode, dst, src, off, (hi & 0xffff_ffff_0000_0000L) | (imm & 0xffff_ffffL)));
                    i++;
                } else {
                    out.add(Insn.of(opcode, dst, src, off, imm));
                }
            } catch (EbpfFormatException e) {
                throw e.index() >= 0 ? e : e.at(i);
            }
        }
        return out;
    }

    /** Encodes instructions into the kernel's byte format. */
    public static byte[] encode(List<Insn> insns) {
        long[] words = encodeWords(insns);
        byte[] out = new byte[words.length * 8];
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            for (int b = 0; b < 8; b++) {
                out[i * 8 + b] = (byte) (w >>> (8 * b));
            }
        }
        return out;
    }

    /** Encodes instructions into 64-bit words, one per slot. */
    public static long[] encodeWords(List<Insn> insns) {
        int slots = 0;
        for (Insn i : insns) {
            slots += i.slots();
        }
        long[] out = new long[slots];
        int k = 0;
        for (Insn i : insns) {
            out[k++] = i.word();
            if (i.slots() == 2) {
                out[k++] = (long) i.nextImm() << 32;
            }
        }
        return out;
    }
}
