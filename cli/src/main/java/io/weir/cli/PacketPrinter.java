package io.weir.cli;

import io.weir.capture.Packet;
import io.weir.cli.print.LinePrinter;
import io.weir.cli.print.PrintOptions;
import java.time.ZoneId;

/**
 * The offline run's printer: tcpdump's text lines ({@link LinePrinter}) or, with {@code --json}, one JSON object
 * per packet ({@link io.weir.cli.print.JsonPrinter}). Both reuse one buffer: the result of {@link #format} is
 * valid until the next call.
 */
final class PacketPrinter {
    private final LinePrinter lines;

    /** Plain {@code tcpdump -nn} lines with time stamps in {@code zone}. */
    PacketPrinter(ZoneId zone) {
        this(plain(zone));
    }

    private static PrintOptions plain(ZoneId zone) {
        PrintOptions o = new PrintOptions();
        o.zone = zone;
        return o;
    }

    PacketPrinter(PrintOptions options) {
        this.lines = new LinePrinter(options);
    }

    /** Formats one packet, without the line terminator; the builder is reused by the next call. */
    CharSequence format(Packet p) {
        return lines.format(p);
    }
}
