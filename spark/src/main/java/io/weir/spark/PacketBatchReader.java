package io.weir.spark;

import io.weir.capture.Packet;
import io.weir.spark.decode.PacketDecoder;
import io.weir.spark.hadoop.HadoopFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The packet table for one task as columnar batches of up to {@value #ROWS} rows, in on-heap column vectors
 * reused from batch to batch: what {@link PcapReaderFactory} hands Spark when {@code data} is not selected.
 * Spark then walks rows of a batch in its generated code instead of calling a reader twice per row; with no
 * column selected ({@code count()}) a batch is only a row count. Values are those of
 * {@link PacketPartitionReader} (the tests compare both paths).
 */
final class PacketBatchReader implements PartitionReader<ColumnarBatch> {
    /** Rows per batch: large enough to amortize Spark's per-batch work, small enough to stay in cache. */
    static final int ROWS = 4096;

    private final PacketStream stream;
    private final PacketColumn[] columns;
    private final OnHeapColumnVector[] vectors;
    private final ColumnarBatch batch;
    private final boolean decode;
    private final PacketDecoder decoder = new PacketDecoder();
    private final long limit;
    private long returned;
    private long decoded;
    private String fileOf;
    private byte[] fileName;

    PacketBatchReader(PcapPartition partition, PcapOptions options, BpfPlan plan, StructType schema, long limit,
            HadoopFiles hadoop) {
        this.stream = new PacketStream(partition.splits(), options, plan, hadoop);
        this.columns = PacketColumn.columnsOf(schema);
        this.vectors = new OnHeapColumnVector[columns.length];
        boolean d = false;
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] == PacketColumn.DATA) {
                throw new IllegalArgumentException("data is read by rows (PacketPartitionReader)");
            }
            vectors[i] = new OnHeapColumnVector(ROWS, schema.fields()[i].dataType());
            d |= columns[i].decoded();
        }
        this.decode = d;
        this.batch = new ColumnarBatch(vectors.clone(), 0);
        this.limit = limit;
    }

    /** Whether a scan of {@code schema} can be read in batches (everything but {@code data}). */
    static boolean supports(StructType schema) {
        for (PacketColumn c : PacketColumn.columnsOf(schema)) {
            if (c == PacketColumn.DATA) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean next() throws IOException {
        if (returned >= limit) {
            return false;
        }
        for (OnHeapColumnVector v : vectors) {
            v.reset();
        }
        int max = (int) Math.min(ROWS, limit - returned);
        int n = 0;
        Packet p;
        while (n < max && (p = stream.next()) != null) {
            if (vectors.length != 0) {
                fill(n, p);
            }
            n++;
        }
        if (n == 0) {
            return false;
        }
        batch.setNumRows(n);
        returned += n;
        return true;
    }

    private void fill(int r, Packet p) {
        if (decode) {
            decoder.decode(p.buffer(), p.offset(), p.capLen(), p.linkType());
            decoded++;
        }
        for (int i = 0; i < columns.length; i++) {
            OnHeapColumnVector v = vectors[i];
            switch (columns[i]) {
                case TS -> v.putLong(r, Math.floorDiv(p.timestampNanos(), 1000L));
                case TS_NS -> v.putLong(r, p.timestampNanos());
                case CAPLEN -> v.putInt(r, p.capLen());
                case LEN -> v.putInt(r, p.wireLen());
                case LINKTYPE -> v.putInt(r, p.linkType());
                case INTERFACE_ID -> v.putInt(r, p.interfaceId());
                case FILE -> v.putByteArray(r, file());
                case OFFSET -> v.putLong(r, p.recordOffset());
                case ETH_TYPE -> intOrNull(v, r, decoder.ethType());
                case VLAN -> intOrNull(v, r, decoder.vlan());
                case IP_VERSION -> intOrNull(v, r, decoder.ipVersion());
                case SRC_IP -> textOrNull(v, r, decoder.srcIp());
                case DST_IP -> textOrNull(v, r, decoder.dstIp());
                case IP_PROTO -> intOrNull(v, r, decoder.ipProto());
                case SRC_PORT -> intOrNull(v, r, decoder.srcPort());
                case DST_PORT -> intOrNull(v, r, decoder.dstPort());
                case TCP_FLAGS -> intOrNull(v, r, decoder.tcpFlags());
                case COMMUNITY_ID -> textOrNull(v, r, decoder.communityId());
                case DATA -> throw new IllegalStateException("data is read by rows");
            }
        }
    }

    /** The current split's file name as UTF-8, converted once per file. */
    private byte[] file() {
        String f = stream.current().file();
        if (!f.equals(fileOf)) {
            fileOf = f;
            fileName = f.getBytes(StandardCharsets.UTF_8);
        }
        return fileName;
    }

    private static void intOrNull(OnHeapColumnVector v, int r, int value) {
        if (value < 0) {
            v.putNull(r);
        } else {
            v.putInt(r, value);
        }
    }

    private static void textOrNull(OnHeapColumnVector v, int r, String s) {
        if (s == null) {
            v.putNull(r);
        } else {
            v.putByteArray(r, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public ColumnarBatch get() {
        return batch;
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
        return ReaderStats.values(stream.errors, stream.packets, stream.matched);
    }

    @Override
    public void close() throws IOException {
        ReaderStats.add(stream.errors, decoded, 0, stream.packets);
        for (ColumnVector v : vectors) {
            v.close();
        }
        stream.close();
    }
}
