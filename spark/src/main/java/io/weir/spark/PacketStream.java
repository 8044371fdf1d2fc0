package io.weir.spark;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.CaptureInterface;
import io.weir.capture.Packet;
import io.weir.capture.split.SplitReader;
import io.weir.engine.Filter;
import io.weir.spark.hadoop.HadoopFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The packets of a task's splits that pass the scan's filter: the splits one after the other, the time range
 * pushed from SQL, then the BPF program of the packet's link type and the programs of pushed {@code weir.bpf}
 * calls (from {@link FilterCache}, looked up again only when the interface changes). Both readers, packets and flows, walk it.
 *
 * <p>Faults: a malformed record throws its {@link CaptureFormatException} (file and byte offset) in FAILFAST
 * mode; in PERMISSIVE mode it is counted and its split ends there (what follows a broken record cannot be
 * trusted to be a record). With {@code verify}, the end of each split is checked against where the next split
 * starts.
 */
final class PacketStream implements Closeable {
    private final List<SplitSpec> splits;
    private final PcapOptions options;
    private final BpfPlan plan;
    private final PushedPredicates pushed;
    private final boolean timeRange;
    private final HadoopFiles hadoop;
    private int next;
    private SplitSpec current;
    private SplitReader source;
    private CaptureInterface lastInterface;
    private Filter lastFilter;
    /** The pushed {@code weir.bpf} calls' filters for {@link #lastInterface} ({@code null}: accepts all). */
    private Filter[] lastCalls;

    long errors;
    long packets;
    long matched;

    PacketStream(List<SplitSpec> splits, PcapOptions options, BpfPlan plan, HadoopFiles hadoop) {
        this.splits = splits;
        this.hadoop = hadoop;
        this.options = options;
        this.plan = plan;
        this.pushed = plan.pushed();
        this.timeRange = pushed != null && pushed.hasTimeRange();
    }

    /** The next matching packet (a view valid until the next call), or {@code null} when all splits are read. */
    Packet next() throws IOException {
        while (true) {
            if (source == null && !open()) {
                return null;
            }
            Packet p;
            try {
                p = source.next();
            } catch (CaptureFormatException e) {
                if (options.mode != PcapOptions.Mode.PERMISSIVE) {
                    throw e;
                }
                errors++;
                closeSource();
                continue;
            }
            if (p == null) {
                endOfSplit();
                continue;
            }
            packets++;
            if (timeRange && !pushed.inRange(p.timestampNanos())) {
                continue;
            }
            if (!plan.isEmpty()) {
                CaptureInterface ci = p.captureInterface();
                if (ci != lastInterface) {
                    lastFilter = FilterCache.filter(plan.program(ci.linkType(),
                            current.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, current.file()),
                            ci.linkType());
                    lastCalls = callFilters(ci.linkType());
                    lastInterface = ci;
                }
                Filter f = lastFilter;
                if (f != null && f.run(p.buffer(), p.offset(), p.capLen(), p.wireLen()) == 0) {
                    continue;
                }
                if (lastCalls.length != 0 && !callsMatch(p)) {
                    continue;
                }
            }
            matched++;
            return p;
        }
    }

    /** The filters of the pushed {@code weir.bpf} calls for packets of {@code linkType}. */
    private Filter[] callFilters(int linkType) {
        byte[][] programs = plan.calls(linkType, current.file());
        Filter[] out = new Filter[programs.length];
        for (int i = 0; i < out.length; i++) {
            // Keyed by the link type the call was compiled for, so one JIT serves every file it runs on.
            out[i] = FilterCache.filter(programs[i], plan.pushed().calls().get(i).linkTypeFor(linkType));
        }
        return out;
    }

    /** Whether every pushed call accepts the packet, given the captured bytes as the function sees them. */
    private boolean callsMatch(Packet p) {
        for (Filter f : lastCalls) {
            if (f != null && f.run(p.buffer(), p.offset(), p.capLen(), p.capLen()) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The split being read. */
    SplitSpec current() {
        return current;
    }

    private boolean open() throws IOException {
        if (next >= splits.size()) {
            return false;
        }
        current = splits.get(next++);
        try {
            source = Splits.open(current, options.split, hadoop);
        } catch (CaptureFormatException e) {
            if (options.mode != PcapOptions.Mode.PERMISSIVE) {
                throw e;
            }
            errors++;
            source = null;
            return next < splits.size() ? open() : false;
        }
        lastInterface = null;
        return true;
    }

    /** With {@code verify}: the record after this split's end must be where the next split starts reading. */
    private void endOfSplit() throws IOException {
        long after = source.nextRecordOffsetAfterEnd();
        closeSource();
        SplitSpec following = current.next();
        if (!options.verify || following == null) {
            return;
        }
        try (SplitReader n = Splits.open(following, options.split, hadoop)) {
            long first = n.firstRecordOffset();
            if (first < 0) {
                // The next split holds no record (one record spans it): it must end where this one does.
                if (n.next() != null) {
                    throw new IOException("verify: " + following + " has no first record but returned a packet");
                }
                first = n.nextRecordOffsetAfterEnd();
            }
            if (first != after) {
                throw new IOException("verify: " + current.file() + ": split [" + current.start() + ", "
                        + current.end() + ") ends before the record at byte offset " + after + " but split ["
                        + following.start() + ", " + following.end() + ") starts reading at byte offset " + first);
            }
        }
    }

    private void closeSource() throws IOException {
        SplitReader s = source;
        source = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeSource();
    }
}
