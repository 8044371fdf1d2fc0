package io.weir.engine;

import java.nio.ByteBuffer;

/**
 * A packet program ready to run: implemented by the classic interpreter, the eBPF interpreter and the JIT.
 *
 * <p>A packet is a slice of a buffer: {@code capLen} bytes starting at {@code offset}, captured from a packet
 * that was {@code wireLen} bytes long on the wire. The result is the program's return value: for a filter
 * compiled from an expression, the number of bytes to keep (0 drops the packet), as libpcap's
 * {@code bpf_filter} returns it.
 *
 * <p>Implementations are thread-safe (one filter may be called from several threads at once) and allocate
 * nothing per call.
 */
public interface Filter {

    /** Runs the program on {@code packet[offset, offset + capLen)}. */
    long run(byte[] packet, int offset, int capLen, int wireLen);

    /**
     * Runs the program on {@code capLen} bytes of {@code packet} from absolute index {@code offset}, a heap or
     * direct buffer; the buffer's position and limit are neither read nor changed.
     */
    long run(ByteBuffer packet, int offset, int capLen, int wireLen);

    /**
     * Fails unless {@code [offset, offset + capLen)} lies within {@code packet}: the check every engine makes
     * before it runs, with one message.
     *
     * @throws IllegalArgumentException the slice is outside the array
     */
    static void checkSlice(byte[] packet, int offset, int capLen) {
        checkSlice(packet.length, offset, capLen);
    }

    /** {@link #checkSlice(byte[], int, int)} on a buffer's capacity (absolute indices, position ignored). */
    static void checkSlice(ByteBuffer packet, int offset, int capLen) {
        checkSlice(packet.capacity(), offset, capLen);
    }

    private static void checkSlice(int size, int offset, int capLen) {
        if (offset < 0 || capLen < 0 || offset > size - capLen) {
            throw new IllegalArgumentException("packet slice [" + offset + ", " + offset + "+" + capLen
                    + ") outside a buffer of " + size + " bytes");
        }
    }

    /** Whether the packet matches: the program returned a non-zero value. */
    default boolean matches(byte[] packet, int offset, int capLen, int wireLen) {
        return run(packet, offset, capLen, wireLen) != 0;
    }
}
