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

    /** Whether the packet matches: the program returned a non-zero value. */
    default boolean matches(byte[] packet, int offset, int capLen, int wireLen) {
        return run(packet, offset, capLen, wireLen) != 0;
    }
}
