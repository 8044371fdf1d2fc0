package io.weir.compiler.ebpf;

import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte form of a {@link CompiledFilter}, for shipping it to another JVM (Spark executors) where the maps are
 * made again from plain data. Little-endian:
 * <pre>
 *   magic   "WBPF" 01 00 00 00      (its first 16-bit word, 0x4257, is no classic opcode: the form cannot be
 *                                   mistaken for an encoded classic program)
 *   u32     program bytes, then the program in the kernel's format (SOCKET type)
 *   u32     tables, then per table:  u16 name length, name (UTF-8), u32 key size, u32 keys, the keys
 * </pre>
 */
final class FilterCodec {
    private static final byte[] MAGIC = {'W', 'B', 'P', 'F', 1, 0, 0, 0};

    private FilterCodec() {
    }

    /** Whether {@code bytes} start with this form's magic. */
    static boolean isEncoded(byte[] bytes) {
        if (bytes.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] encode(Program program, List<SetData> sets) {
        byte[] code = program.encode();
        long size = MAGIC.length + 4L + code.length + 4;
        List<byte[]> names = new ArrayList<>(sets.size());
        for (SetData s : sets) {
            byte[] n = s.name().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 2 + n.length + 8 + s.keys().length;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("compiled filter too large to encode: " + size + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(code.length).put(code).putInt(sets.size());
        for (int i = 0; i < sets.size(); i++) {
            SetData s = sets.get(i);
            b.putShort((short) names.get(i).length).put(names.get(i)).putInt(s.keySize()).putInt(s.count())
                    .put(s.keys());
        }
        return b.array();
    }

    /**
     * Reads the form back.
     *
     * @throws IllegalArgumentException when the bytes are not this form or are cut short, naming the byte offset
     */
    static CompiledFilter decode(byte[] bytes) {
        if (!isEncoded(bytes)) {
            throw new IllegalArgumentException("not an encoded eBPF filter (no 'WBPF' magic at offset 0)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(MAGIC.length);
        try {
            byte[] code = new byte[length(b, bytes.length)];
            b.get(code);
            Program program = Program.decode(ProgramType.SOCKET, code);
            int n = length(b, bytes.length);
            List<SetData> sets = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                byte[] name = new byte[b.getShort() & 0xffff];
                b.get(name);
                int at = b.position();
                int keySize = b.getInt();
                int count = b.getInt();
                if (keySize <= 0 || count < 0 || (long) keySize * count > b.remaining()) {
                    throw new IllegalArgumentException("encoded filter: table " + i + " at offset " + at + ": "
                            + count + " keys of " + keySize + " bytes, " + b.remaining() + " bytes left");
                }
                byte[] keys = new byte[keySize * count];
                b.get(keys);
                sets.add(new SetData(new String(name, StandardCharsets.UTF_8), keySize, count, keys));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("encoded filter: " + b.remaining() + " trailing bytes at offset "
                        + b.position());
            }
            return new CompiledFilter(program, sets);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("encoded filter cut short at offset " + b.position() + " of "
                    + bytes.length, e);
        }
    }

    /** A u32 length that fits in what is left. */
    private static int length(ByteBuffer b, int total) {
        int at = b.position();
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("encoded filter: length " + Integer.toUnsignedString(n) + " at offset "
                    + at + " exceeds the " + total + " bytes");
        }
        return n;
    }
}
