package io.weir.cli;

import io.weir.capture.Packet;
import java.io.IOException;

/**
 * Where {@code -w} sends the packets kept: one capture file ({@link DumpFile}) or a rotating series of them
 * ({@link RotatingOutput}). {@link #close()} leaves every file complete.
 */
interface PacketOutput extends OutputGuard.Closer, AutoCloseable {
    /** Writes one packet; a failure names the file it happened on. */
    void write(Packet p) throws IOException;

    /** Flushes and closes: every file is complete. */
    @Override
    void close() throws IOException;
}
