package io.weir.capture.live;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pcap_findalldevs} through a small JNA binding of Weir's own: pcap4j 1.8.2's {@code PcapNetworkInterface}
 * keeps only the up, running and loopback bits, and {@code tcpdump -D} also prints the wireless bit and the
 * connection status, so the raw {@code flags} are read here.
 *
 * <p>{@code struct pcap_if} is five pointer-sized slots: {@code next}, {@code name}, {@code description},
 * {@code addresses}, then {@code bpf_u_int32 flags} (read as an int at the fifth slot's offset).
 */
final class LibpcapDevices {
    /** The two functions used; JNA maps them by name. */
    interface Lib extends Library {
        int pcap_findalldevs(PointerByReference alldevs, byte[] errbuf);

        void pcap_freealldevs(Pointer alldevs);
    }

    private static final int PCAP_ERRBUF_SIZE = 256;

    private LibpcapDevices() {}

    static List<LiveInterface> list() throws LiveCaptureException {
        Lib lib;
        try {
            lib = Holder.LIB;
        } catch (LinkageError e) {
            throw Natives.translate(e);
        }
        PointerByReference all = new PointerByReference();
        byte[] errbuf = new byte[PCAP_ERRBUF_SIZE];
        if (lib.pcap_findalldevs(all, errbuf) != 0) {
            throw new LiveCaptureException(LiveCaptureException.Kind.OTHER, cString(errbuf));
        }
        List<LiveInterface> out = new ArrayList<>();
        Pointer head = all.getValue();
        try {
            int p = Native.POINTER_SIZE;
            for (Pointer dev = head; dev != null; dev = dev.getPointer(0)) {
                Pointer name = dev.getPointer(p);
                Pointer desc = dev.getPointer(2L * p);
                int flags = dev.getInt(4L * p);
                out.add(new LiveInterface(out.size() + 1, name == null ? "" : name.getString(0),
                        desc == null ? null : desc.getString(0), flags));
            }
        } finally {
            if (head != null) {
                lib.pcap_freealldevs(head);
            }
        }
        return out;
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** Loads libpcap on first use (an {@link UnsatisfiedLinkError} here means it is not installed). */
    private static final class Holder {
        static final Lib LIB = Native.load(Pcap4jSource.libraryName(), Lib.class);
    }
}
