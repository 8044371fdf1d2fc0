/**
 * Capture files on Hadoop file systems for the pcap data source: {@link io.weir.spark.hadoop.HadoopFiles} lists
 * them with Hadoop's globbing and hands out {@link java.nio.file.Path}s of a small read-only NIO file system over
 * Hadoop's {@code FileSystem}, so capture's readers, split resync and index sidecars work on {@code hdfs://},
 * {@code s3a://} and the rest without a line of their own.
 *
 * <p>Invariants: nothing here writes; a path is opened as a {@link java.nio.channels.FileChannel} whose
 * sequential reads stream (one {@code seek} per split start) and whose positioned reads use Hadoop's
 * {@code readFully(position, ...)}; the Hadoop configuration travels with the scan (serialized as Hadoop's
 * {@code Writable}). Plain local paths never come here: they keep the JDK's {@code FileChannel}.
 *
 * <pre>{@code
 * spark.read().format("pcap").option("bpf", "tcp").load("hdfs://nn/captures/2026/*.pcap")
 * }</pre>
 */
package io.weir.spark.hadoop;
