package io.weir.capture.live;

import io.weir.capture.CaptureInterface;
import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * {@link LiveSource} through pcap4j 1.8.2 ({@code pcap_create}, the options, {@code pcap_activate}; then
 * {@code pcap_next_ex}).
 *
 * <p><b>What pcap4j copies.</b> pcap4j 1.8.2 has no call that hands out libpcap's own buffer: per packet it
 * allocates two JNA pointer holders, a {@code byte[]} copy of the captured bytes and a {@code java.sql.Timestamp}.
 * This class adds no allocation of its own: the bytes are copied once more into one reusable heap buffer, which
 * backs the single {@link Packet} view. (A JNA binding of {@code pcap_next_ex} on the handle would remove those
 * allocations; it is not needed for the rates tcpdump users see, and would reach into pcap4j's private handle.)
 */
final class Pcap4jSource implements LiveSource {
    /** The longest sleep of an idle read: the latency of the first packet after a quiet spell. */
    private static final long MAX_IDLE_SLEEP_NANOS = 2_000_000L;
    /** The first sleep of an idle read; it doubles up to {@link #MAX_IDLE_SLEEP_NANOS}. */
    private static final long MIN_IDLE_SLEEP_NANOS = 50_000L;

    /** libpcap's error codes from {@code pcap_activate}. */
    private static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
    private static final int PCAP_ERROR_PERM_DENIED = -8;

    private final String device;
    private final PcapHandle handle;
    private final CaptureInterface iface;
    private final boolean nanos;
    private final long timeoutNanos;
    private final Packet packet;
    private ByteBuffer buffer;
    private long number;
    private volatile boolean breakRequested;
    private volatile boolean closed;

    private Pcap4jSource(String device, PcapHandle handle, CaptureInterface iface, boolean nanos, int snapLen,
            int timeoutMillis) {
        this.device = device;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
        this.handle = handle;
        this.iface = iface;
        this.nanos = nanos;
        this.packet = PacketAccess.newPacket(iface);
        this.buffer = ByteBuffer.allocate(Math.min(snapLen, 1 << 16));
    }

    /** The library name pcap4j loads (its own property), so that Weir's JNA binding loads the same file. */
    static String libraryName() {
        return System.getProperty("org.pcap4j.core.pcapLibName", "pcap");
    }

    static LiveSource open(LiveOptions o) throws LiveCaptureException {
        try {
            return openChecked(o);
        } catch (LinkageError e) {
            throw Natives.translate(e);
        }
    }

    private static LiveSource openChecked(LiveOptions o) throws LiveCaptureException {
        PcapHandle.Builder b = new PcapHandle.Builder(o.device())
                .snaplen(o.snapLen())
                .promiscuousMode(o.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(o.timeoutMillis())
                .immediateMode(o.immediate())
                .timestampPrecision(o.nanos() ? PcapHandle.TimestampPrecision.NANO
                        : PcapHandle.TimestampPrecision.MICRO);
        if (o.bufferBytes() > 0) {
            b.bufferSize(o.bufferBytes());
        }
        PcapHandle h;
        try {
            h = b.build();
        } catch (PcapNativeException e) {
            throw activateFailure(o.device(), e);
        }
        try {
            // Non-blocking reads with a short sleep when idle: on Linux, libpcap's blocking read (TPACKET_V3) waits
            // in poll() with no time limit until the kernel retires a non-empty block, so a quiet interface would
            // block next() forever and the loop could never see its stop flag.
            h.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            if (o.direction() != LiveOptions.Direction.INOUT) {
                h.setDirection(o.direction() == LiveOptions.Direction.IN ? PcapHandle.PcapDirection.IN
                        : PcapHandle.PcapDirection.OUT);
            }
            int dlt = h.getDlt().value();
            if (dlt == LinkType.LINUX_SLL && "any".equals(o.device())) {
                dlt = preferSll2(h, dlt);
            }
            boolean nanos = h.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
            int snap = h.getSnapshot();
            CaptureInterface ci = new CaptureInterface(linkTypeOf(dlt), snap, nanos ? 9 : 6, 0, o.device(), 0);
            return new Pcap4jSource(o.device(), h, ci, nanos, snap, o.timeoutMillis());
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            h.close();
            throw new LiveCaptureException(LiveCaptureException.Kind.OTHER, o.device() + ": " + e.getMessage(), e);
        }
    }

    /** tcpdump 4.99 captures {@code any} as LINUX_SLL2 (it names the interface of each packet) when offered. */
    private static int preferSll2(PcapHandle h, int dlt) {
        try {
            for (DataLinkType t : h.listDatalinks()) {
                if (t.value() == LinkType.LINUX_SLL2) {
                    h.setDlt(t);
                    return LinkType.LINUX_SLL2;
                }
            }
        } catch (PcapNativeException | NotOpenException e) {
            // keep LINUX_SLL: still a valid capture
        }
        return dlt;
    }

    /** DLT_* to LINKTYPE_*: equal but for the few DLT values that differ between systems. */
    static int linkTypeOf(int dlt) {
        switch (dlt) {
            case 12:   // DLT_RAW on most systems
            case 14:   // DLT_RAW on OpenBSD
                return LinkType.RAW;
            default:
                return dlt;
        }
    }

    private static LiveCaptureException activateFailure(String device, PcapNativeException e) {
        Integer rc = e.getReturnCode();
        String m = Natives.firstLine(String.valueOf(e.getMessage()));
        if ((rc != null && rc == PCAP_ERROR_PERM_DENIED) || m.contains("ermission") || m.contains("not permitted")) {
            return new LiveCaptureException(LiveCaptureException.Kind.PERMISSION, device
                    + ": You don't have permission to capture on that device (needs root or CAP_NET_RAW)", e);
        }
        if ((rc != null && rc == PCAP_ERROR_NO_SUCH_DEVICE) || m.contains("No such device")) {
            return new LiveCaptureException(LiveCaptureException.Kind.NO_DEVICE,
                    device + ": No such device exists", e);
        }
        return new LiveCaptureException(LiveCaptureException.Kind.OTHER, m.startsWith(device) ? m : device + ": " + m,
                e);
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public CaptureInterface captureInterface() {
        return iface;
    }

    @Override
    public void setKernelFilter(String expression) throws LiveCaptureException {
        try {
            handle.setFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException e) {
            throw new LiveCaptureException(LiveCaptureException.Kind.BAD_FILTER,
                    Natives.firstLine(String.valueOf(e.getMessage())), e);
        } catch (NotOpenException e) {
            throw closedFailure(e);
        }
    }

    @Override
    public boolean next() throws LiveCaptureException {
        long deadline = 0;
        long sleep = MIN_IDLE_SLEEP_NANOS;
        byte[] data = null;
        while (data == null) {
            if (breakRequested || closed) {
                return false;
            }
            data = read();
            if (data == null) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + timeoutNanos;
                } else if (now - deadline >= 0) {
                    return false;
                }
                LockSupport.parkNanos(sleep);
                sleep = Math.min(sleep * 2, MAX_IDLE_SLEEP_NANOS);
            }
        }
        deliver(data);
        return true;
    }

    /** One non-blocking read: the bytes, or {@code null} when nothing is waiting or the loop was broken. */
    private byte[] read() throws LiveCaptureException {
        try {
            return handle.getNextRawPacketEx();
        } catch (TimeoutException e) {
            return null;   // non-blocking mode: nothing waiting (pcap4j signals it as a timeout, allocating once)
        } catch (EOFException e) {
            return null;   // pcap_breakloop: the caller looks at its own stop flag
        } catch (PcapNativeException e) {
            String m = Natives.libpcapMessage(e.getMessage());
            throw new LiveCaptureException(Natives.interfaceGone(m) ? LiveCaptureException.Kind.INTERFACE_GONE
                    : LiveCaptureException.Kind.OTHER, device + ": " + m, e);
        } catch (NotOpenException e) {
            if (closed || breakRequested) {
                return null;
            }
            throw closedFailure(e);
        }
    }

    private void deliver(byte[] data) {
        int capLen = data.length;
        if (buffer.capacity() < capLen) {
            buffer = ByteBuffer.allocate(capLen);
        }
        buffer.put(0, data, 0, capLen);
        Timestamp ts = handle.getTimestamp();
        Integer len = handle.getOriginalLength();
        // Timestamp keeps the whole second in getTime() (with millis) and the fraction, down to ns, in getNanos().
        long tsNanos = ts == null ? 0 : Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
        PacketAccess.fill(packet, buffer, capLen, len == null ? capLen : len, tsNanos, ++number);
    }

    @Override
    public Packet packet() {
        return packet;
    }

    @Override
    public LiveStats stats() throws LiveCaptureException {
        try {
            PcapStat s = handle.getStats();
            return new LiveStats(s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException e) {
            throw new LiveCaptureException(LiveCaptureException.Kind.OTHER,
                    device + ": " + Natives.firstLine(String.valueOf(e.getMessage())), e);
        } catch (NotOpenException e) {
            throw closedFailure(e);
        }
    }

    @Override
    public void breakLoop() {
        breakRequested = true;
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed: nothing to wake
        }
    }

    @Override
    public void close() {
        closed = true;
        handle.close();
    }

    private LiveCaptureException closedFailure(NotOpenException e) {
        return new LiveCaptureException(LiveCaptureException.Kind.OTHER, device + ": the capture is closed", e);
    }
}
