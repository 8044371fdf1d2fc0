package io.weir.cli;

import io.weir.capture.Packet;
import io.weir.cli.print.LinePrinter;
import io.weir.cli.print.PrintOptions;

/**
 * The offline run's printer: tcpdump's text lines ({@link LinePrinter}) or, with {@code --json}, one JSON object
 * per packet ({@link io.weir.cli.print.JsonPrinter}). Both reuse one buffer: the result of {@link #format} is
 * valid until the next call.
 */
final class PacketPrinter {
    private final LinePrinter lines;

    PacketPrinter(PrintOptions options) {
        this.lines = new LinePrinter(options);
    }

    /** Formats one packet, without the line terminator; the builder is reused by the next call. */
    CharSequence format(Packet p) {
        return lines.format(p);
    }
}
