package io.weir.cli;

import io.weir.capture.CaptureInterface;
import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import io.weir.capture.PcapNgWriter;
import io.weir.capture.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@code -w} capture file, pcap or pcapng, that knows its own size as tcpdump's {@code pcap_dump_ftell} does
 * (buffered bytes included): what {@code -C} rotation compares with its limit.
 *
 * <p>A pcap file holds one link type: a packet of another is refused with a message that says to write pcapng.
 * A pcapng file declares each capture interface (link type, snapshot length, time stamp resolution, name) before
 * its first packet, so every file of a rotation stands alone.
 */
final class DumpFile implements PacketOutput {
    /** The output's container and header values. */
    record Format(boolean pcapng, int linkType, int snapLen, boolean nanos, ByteOrder order) {}

    /** An output failure whose message is complete and names the file (printed as it stands after "weir: "). */
    static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String name;
    private final Format format;
    private final Counting channel;
    private final PcapWriter pcap;
    private final PcapNgWriter ng;
    private final Map<CaptureInterface, Integer> ids = new HashMap<>();
    /** Bytes in the file, buffered ones included. */
    private long size;

    private DumpFile(String name, Format format, Counting channel) throws IOException {
        this.name = name;
        this.format = format;
        this.channel = channel;
        if (format.pcapng()) {
            pcap = null;
            ng = PcapNgWriter.open(channel, format.order());
        } else {
            ng = null;
            pcap = PcapWriter.builder().linkType(format.linkType()).snapLen(format.snapLen()).nanos(format.nanos())
                    .order(format.order()).open(channel);
        }
        settle();
    }

    /**
     * Creates (or truncates) {@code name}, or writes to {@code stdout} when the name is {@code -}, and writes the
     * file header. A failure names the file.
     */
    static DumpFile open(String name, Format format, OutputStream stdout) throws IOException {
        WritableByteChannel ch = null;
        try {
            ch = "-".equals(name) ? Channels.newChannel(stdout) : FileChannel.open(Path.of(name),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return new DumpFile(name, format, new Counting(ch));
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new Failure(OfflineRun.ioMessage(name, e), e);
        }
    }

    /** The file's name ({@code -} for standard output). */
    String name() {
        return name;
    }

    /** Bytes written to the file so far, the buffered ones included. */
    long size() {
        return size;
    }

    @Override
    public void write(Packet p) throws IOException {
        try {
            if (ng == null) {
                if (p.linkType() != format.linkType()) {
                    throw new IOException("packet " + p.number() + " has link type " + LinkType.describe(p.linkType())
                            + ", but a pcap file holds one link type (" + LinkType.describe(format.linkType())
                            + "): write a .pcapng file to keep several");
                }
                pcap.write(p);
                size += 16 + p.capLen();
                return;
            }
            CaptureInterface ci = p.captureInterface();
            Integer id = ids.get(ci);
            if (id == null) {
                id = ng.addInterface(ci.linkType(), ci.fileSnapLen(), ci.tsResolCode(), ci.name());
                ids.put(ci, id);
                settle();
            }
            ng.write(id, p);
            size += 32 + ((p.capLen() + 3) & ~3);   // an Enhanced Packet Block without options
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (ng != null) {
                ng.close();
            } else {
                pcap.close();
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Flushes the headers written so far and takes the size from what reached the file. */
    private void settle() throws IOException {
        if (ng != null) {
            ng.flush();
        } else {
            pcap.flush();
        }
        size = channel.count;
    }

    private IOException failure(IOException e) {
        return e instanceof Failure ? e : new Failure(OfflineRun.ioMessage(name, e), e);
    }

    /** Counts the bytes that reach the file. */
    private static final class Counting implements WritableByteChannel {
        private final WritableByteChannel out;
        long count;

        Counting(WritableByteChannel out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = out.write(src);
            count += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
