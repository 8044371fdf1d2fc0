package io.weir.capture.gen;

import io.weir.capture.LinkType;
import io.weir.capture.PcapNgWriter;
import io.weir.capture.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes generated traffic to a capture file: the tool behind {@code pcaps/generate.sh} and the benchmark's
 * large input.
 *
 * <pre>
 * java -cp weir-capture.jar io.weir.capture.gen.GenerateCapture --count 1000 --seed 1 \
 *      --link ether|sll|sll2|raw|null --format pcap|pcap-ns|pcapng --order le|be --out FILE
 * </pre>
 *
 * Packets a framing cannot carry (ARP on raw IP or loopback) are skipped, so every framing of a seed has the
 * same IP traffic; {@code --count} counts written packets.
 */
public final class GenerateCapture {
    private GenerateCapture() {}

    /**
     * What to write: {@code flows} 0 draws ports afresh per packet, N > 0 draws packets from N conversations (plus
     * background: {@link TrafficGenerator#TrafficGenerator(long, int)}).
     */
    public record Options(long count, long seed, int linkType, String format, ByteOrder order, String out, int flows) {}

    public static void main(String[] args) {
        try {
            Options o = parse(args);
            long bytes = write(o);
            System.err.println("wrote " + o.count() + " packets (" + bytes + " bytes) to " + o.out());
        } catch (IllegalArgumentException e) {
            System.err.println("generate: " + e.getMessage());
            System.err.println("usage: GenerateCapture --count N [--seed S] [--link ether|sll|sll2|raw|null]"
                    + " [--format pcap|pcap-ns|pcapng] [--order le|be] [--flows N] --out FILE|-");
            System.exit(2);
        } catch (IOException e) {
            System.err.println("generate: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Parses the command line. */
    public static Options parse(String[] args) {
        long count = -1;
        long seed = 1;
        int link = LinkType.ETHERNET;
        String format = "pcap";
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        String out = null;
        int flows = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--count": count = Long.parseLong(v); break;
                case "--seed": seed = Long.parseLong(v); break;
                case "--link": link = linkType(v); break;
                case "--format":
                    if (!v.equals("pcap") && !v.equals("pcap-ns") && !v.equals("pcapng")) {
                        throw new IllegalArgumentException("unknown format " + v);
                    }
                    format = v;
                    break;
                case "--order":
                    if (!v.equals("le") && !v.equals("be")) {
                        throw new IllegalArgumentException("unknown byte order " + v);
                    }
                    order = v.equals("le") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                    break;
                case "--out": out = v; break;
                case "--flows": flows = Integer.parseInt(v); break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (count < 0 || out == null) {
            throw new IllegalArgumentException("--count and --out are required");
        }
        return new Options(count, seed, link, format, order, out, flows);
    }

    /** LINKTYPE for a framing name. */
    public static int linkType(String name) {
        switch (name) {
            case "ether": return LinkType.ETHERNET;
            case "sll": return LinkType.LINUX_SLL;
            case "sll2": return LinkType.LINUX_SLL2;
            case "raw": return LinkType.RAW;
            case "null": return LinkType.NULL;
            default: throw new IllegalArgumentException("unknown link " + name + " (ether, sll, sll2, raw, null)");
        }
    }

    /** Writes the capture and returns its size in bytes. */
    public static long write(Options o) throws IOException {
        OutputStream os = "-".equals(o.out()) ? new FileOutputStream(FileDescriptor.out)
                : Files.newOutputStream(Path.of(o.out()));
        CountingStream counted = new CountingStream(new BufferedOutputStream(os, 1 << 16));
        TrafficGenerator g = new TrafficGenerator(o.seed(), o.flows());
        byte[] frame = new byte[Framing.MAX_FRAME];
        if (o.format().equals("pcapng")) {
            try (PcapNgWriter w = PcapNgWriter.open(counted, o.order())) {
                int id = w.addInterface(o.linkType(), LinkType.MAXIMUM_SNAPLEN, 9, "gen0");
                for (long n = 0; n < o.count(); ) {
                    GeneratedPacket p = g.next();
                    int len = Framing.encode(p, o.linkType(), frame);
                    if (len >= 0) {
                        w.write(id, frame, 0, len, len, p.timestampNanos());
                        n++;
                    }
                }
            }
        } else {
            try (PcapWriter w = PcapWriter.builder().linkType(o.linkType()).nanos(o.format().equals("pcap-ns"))
                    .order(o.order()).open(counted)) {
                for (long n = 0; n < o.count(); ) {
                    GeneratedPacket p = g.next();
                    int len = Framing.encode(p, o.linkType(), frame);
                    if (len >= 0) {
                        w.write(frame, 0, len, len, p.timestampNanos());
                        n++;
                    }
                }
            }
        }
        return counted.count;
    }

    /** Counts what passes through, so the tool can report the file size even on a pipe. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }
    }

}
