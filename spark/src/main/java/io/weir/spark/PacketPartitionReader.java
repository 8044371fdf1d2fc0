package io.weir.spark;

import io.weir.capture.Packet;
import io.weir.spark.decode.PacketDecoder;
import io.weir.spark.hadoop.HadoopFiles;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Rows of the packet table for one task: only the columns the query selected are filled, the decoder runs only
 * when a decoded column is among them, and {@code data} is the only copy of packet bytes. With no column
 * selected ({@code count()}), each row is the same empty row: nothing is decoded or copied.
 */
final class PacketPartitionReader implements PartitionReader<InternalRow> {
    private static final InternalRow EMPTY = new GenericInternalRow(new Object[0]);

    private final PacketStream stream;
    private final PacketColumn[] columns;
    private final boolean decode;
    private final PacketDecoder decoder = new PacketDecoder();
    private final Object[] values;
    private final GenericInternalRow row;
    private final long limit;
    private long returned;
    private long decoded;
    private long copied;
    private UTF8String fileName;
    private String fileOf;

    PacketPartitionReader(PcapPartition partition, PcapOptions options, BpfPlan plan, PacketColumn[] columns,
            long limit, HadoopFiles hadoop) {
        this.stream = new PacketStream(partition.splits(), options, plan, hadoop);
        this.columns = columns;
        boolean d = false;
        for (PacketColumn c : columns) {
            d |= c.decoded();
        }
        this.decode = d;
        this.values = new Object[columns.length];
        this.row = columns.length == 0 ? null : new GenericInternalRow(values);
        this.limit = limit;
    }

    @Override
    public boolean next() throws IOException {
        if (returned >= limit) {
            return false;
        }
        Packet p = stream.next();
        if (p == null) {
            return false;
        }
        returned++;
        if (row != null) {
            fill(p);
        }
        return true;
    }

    private void fill(Packet p) {
        if (decode) {
            decoder.decode(p.buffer(), p.offset(), p.capLen(), p.linkType());
            decoded++;
        }
        Object[] v = values;
        PacketColumn[] cols = columns;
        for (int i = 0; i < cols.length; i++) {
            v[i] = switch (cols[i]) {
                case TS -> Math.floorDiv(p.timestampNanos(), 1000L);
                case TS_NS -> p.timestampNanos();
                case CAPLEN -> p.capLen();
                case LEN -> p.wireLen();
                case LINKTYPE -> p.linkType();
                case INTERFACE_ID -> p.interfaceId();
                case FILE -> file();
                case OFFSET -> p.recordOffset();
                case DATA -> {
                    copied += p.capLen();
                    yield p.copyBytes();
                }
                case ETH_TYPE -> orNull(decoder.ethType());
                case VLAN -> orNull(decoder.vlan());
                case IP_VERSION -> orNull(decoder.ipVersion());
                case SRC_IP -> utf8(decoder.srcIp());
                case DST_IP -> utf8(decoder.dstIp());
                case IP_PROTO -> orNull(decoder.ipProto());
                case SRC_PORT -> orNull(decoder.srcPort());
                case DST_PORT -> orNull(decoder.dstPort());
                case TCP_FLAGS -> orNull(decoder.tcpFlags());
                case COMMUNITY_ID -> utf8(decoder.communityId());
            };
        }
    }

    /** The current split's file name, converted once per file. */
    private UTF8String file() {
        String f = stream.current().file();
        if (!f.equals(fileOf)) {
            fileOf = f;
            fileName = UTF8String.fromString(f);
        }
        return fileName;
    }

    private static Integer orNull(int v) {
        return v < 0 ? null : v;
    }

    private static UTF8String utf8(String s) {
        return s == null ? null : UTF8String.fromString(s);
    }

    @Override
    public InternalRow get() {
        return row == null ? EMPTY : row;
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
        return ReaderStats.values(stream.errors, stream.packets, stream.matched);
    }

    @Override
    public void close() throws IOException {
        ReaderStats.add(stream.errors, decoded, copied, stream.packets);
        stream.close();
    }
}
