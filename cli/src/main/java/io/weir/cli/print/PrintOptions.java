package io.weir.cli.print;

import java.time.ZoneId;

/**
 * How packets are printed: tcpdump's printing flags. A plain mutable holder filled by the command line before the
 * run starts, then only read.
 */
public final class PrintOptions {
    /** {@code -t} count: 0 the local time of day, 1 none, 2 Unix seconds, 3 delta to the previous packet, 4 date
     * and time, 5 delta to the first packet. */
    public int timeMode;
    /** {@code --time-stamp-precision nano}: nine fraction digits instead of six. */
    public boolean nanos;
    /** {@code -v} count. */
    public int verbose;
    /** {@code -q}: the short form of the transport line. */
    public boolean quick;
    /** {@code -e}: the link-level header. */
    public boolean linkHeader;
    /** {@code -S}: absolute TCP sequence numbers. */
    public boolean absoluteSeq;
    /** {@code -x} count (2: including the link header), as tcpdump's {@code -x}/{@code -xx}. */
    public int hex;
    /** {@code -X} count: hex and ASCII ({@code -XX} including the link header). */
    public int hexAscii;
    /** {@code -A} count: ASCII only ({@code -AA} would be the same with the link header). */
    public int ascii;
    /** {@code --json}: one JSON object per packet instead of tcpdump's lines. */
    public boolean json;
    /** {@code -l} or {@code -U}: flush standard output after every packet. */
    public boolean flushEach;
    /**
     * Whether Linux cooked v2 interface indexes are named with this machine's interfaces, as tcpdump does (else
     * "?", as tcpdump prints an unknown index): false makes output independent of the machine, for golden files.
     * Default: true, unless the system property {@code weir.print.localIfNames} is "false".
     */
    public boolean localInterfaceNames = !"false".equals(System.getProperty("weir.print.localIfNames"));
    /** The zone of printed times; null for the system's. */
    public ZoneId zone;

    /** The options of plain {@code tcpdump -nn}. */
    public PrintOptions() {}
}
