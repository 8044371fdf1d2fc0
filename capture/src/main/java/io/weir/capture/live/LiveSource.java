package io.weir.capture.live;

import io.weir.capture.CaptureInterface;
import io.weir.capture.Packet;
import java.util.List;

/**
 * A live capture on one interface: packets as they arrive, one at a time, in a single reusable {@link Packet} view
 * (valid until the next call to {@link #next()}), like {@link io.weir.capture.PcapReader}'s.
 *
 * <p>The implementation goes through pcap4j and libpcap, and is kept behind this interface: no pcap4j or JNA type
 * appears here, and this interface's class loads neither (they load on {@link #open} or {@link #interfaces()}).
 * One thread reads ({@link #next()}); any thread may call {@link #breakLoop()}.
 */
public interface LiveSource extends AutoCloseable {

    /**
     * Opens and activates a capture. Fails with a {@link LiveCaptureException} of kind {@code PERMISSION} ("eth0:
     * You don't have permission to capture on that device (needs root or CAP_NET_RAW)"), {@code NO_DEVICE},
     * {@code NO_LIBPCAP} ("libpcap is not installed: apt-get install libpcap0.8") or {@code OTHER}.
     */
    static LiveSource open(LiveOptions options) throws LiveCaptureException {
        return Pcap4jSource.open(options);
    }

    /** The capture interfaces, in libpcap's order (the order of {@code tcpdump -D}). */
    static List<LiveInterface> interfaces() throws LiveCaptureException {
        return LibpcapDevices.list();
    }

    /** The interface name the capture runs on. */
    String device();

    /**
     * The packets' interface: LINKTYPE_* value (for {@code any}, LINUX_SLL2 when libpcap offers it, as tcpdump
     * chooses), snapshot length and time stamp resolution (micro or nano, as granted).
     */
    CaptureInterface captureInterface();

    /**
     * Installs libpcap's own optimized compile of {@code expression} as the kernel filter, so that packets it
     * rejects never reach the JVM. Fails with kind {@code BAD_FILTER} and libpcap's message when libpcap cannot
     * compile it (Weir's extensions); the capture then stays unfiltered.
     */
    void setKernelFilter(String expression) throws LiveCaptureException;

    /**
     * Waits for the next packet, at most the read timeout: {@code true} with {@link #packet()} refilled, or
     * {@code false} when the timeout passed or {@link #breakLoop()} was called with no packet.
     */
    boolean next() throws LiveCaptureException;

    /** The packet {@link #next()} delivered last; the same object every time. */
    Packet packet();

    /** libpcap's counters so far. */
    LiveStats stats() throws LiveCaptureException;

    /** Makes a blocked or later {@link #next()} return {@code false} soon; safe from any thread (a signal handler). */
    void breakLoop();

    /** Closes the handle; idempotent. */
    @Override
    void close();
}
