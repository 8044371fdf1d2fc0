package io.weir.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.capture.gen.GenerateCapture;
import io.weir.engine.Engine;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlowWorkers}: the counts are exact whatever the thread count. Each table (1, 2 and 3 workers, every
 * framing, the aggregations that spread and one that does not) equals {@link ReferenceFlows} flow by flow, and
 * with eviction the table plus the evicted records still hold every matched packet.
 */
class FlowWorkersTest {
    private static final Path PCAPS = FlowCounterTest.projectDir().resolve("pcaps");

    record Result(List<FlowRecord> table, List<FlowRecord> evicted, long matched, long notIp, long lost) {}

    static Result count(Path file, String expr, Aggregation by, int threads, int maxFlows) throws Exception {
        List<FlowRecord> evicted = Collections.synchronizedList(new ArrayList<>());
        try (PcapReader r = PcapReader.open(file);
                FlowWorkers w = FlowCounter.builder().expression(expr).linkType(r.linkType()).by(by)
                        .maxFlows(maxFlows).engine(Engine.AUTO).onEvict(evicted::add).buildWorkers(threads)) {
            while (r.next()) {
                Packet p = r.packet();
                w.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
            }
            w.finish();
            return new Result(w.table().snapshot(), evicted, w.tally(FlowCounter.Tally.MATCHED),
                    w.tally(FlowCounter.Tally.NOT_IP), w.tally(FlowCounter.Tally.LOST));
        }
    }

    @Test
    void everyThreadCountMatchesTheReference() throws Exception {
        for (String f : List.of("mixed-ether.pcap", "mixed-sll2.pcap", "mixed-raw.pcap", "mixed-null.pcap")) {
            for (Aggregation by : List.of(Aggregation.FIVE_TUPLE, Aggregation.SRC, Aggregation.PORT)) {
                FlowCounterTest.Run ref = FlowCounterTest.run(PCAPS.resolve(f), null, by, true,
                        FlowCounter.DEFAULT_MAX_FLOWS, Engine.AUTO);
                for (int threads = 1; threads <= 3; threads++) {
                    String what = f + " --by " + by + " threads " + threads;
                    Result r = count(PCAPS.resolve(f), null, by, threads, FlowCounter.DEFAULT_MAX_FLOWS);
                    FlowCounterTest.assertSameFlows(ref.reference(), r.table(), what);
                    assertEquals(ref.refNotIp(), r.notIp(), what + ": not IP");
                    assertEquals(0, r.lost(), what + ": lost");
                }
            }
        }
    }

    /** A generated capture of about 3,000 flows, 2 workers of 200 flows each: nothing is lost or counted twice. */
    @Test
    void evictionWithWorkersLosesNoPacket(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("many-flows.pcap");
        GenerateCapture.write(new GenerateCapture.Options(20_000, 11, 1, "pcap", ByteOrder.LITTLE_ENDIAN,
                file.toString(), 3_000));
        FlowCounterTest.Run ref = FlowCounterTest.run(file, "ip or ip6", Aggregation.FIVE_TUPLE, true, 1 << 20,
                Engine.AUTO);
        Result r = count(file, "ip or ip6", Aggregation.FIVE_TUPLE, 2, 400);
        assertTrue(r.table().size() <= 400, "table within --max-flows");
        assertTrue(!r.evicted().isEmpty(), "some evictions");
        long packets = 0;
        for (List<FlowRecord> part : List.of(r.table(), r.evicted())) {
            for (FlowRecord f : part) {
                packets += f.packets();
            }
        }
        assertEquals(r.matched() - r.notIp(), packets, "table + evicted = matched IP packets");
        long refPackets = 0;
        for (FlowRecord f : ref.reference()) {
            refPackets += f.packets();
        }
        assertEquals(refPackets, packets, "the reference's packets");
        assertEquals(FlowCounterTest.sums(ref.reference()), FlowCounterTest.sums(r.table(), r.evicted()), "per flow");
    }
}
