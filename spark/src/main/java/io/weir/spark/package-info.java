/**
 * A {@code pcap} data source for Apache Spark (4.2, Java connector API): capture files read the way Spark reads
 * Parquet, split, pruned and filtered in the reader by a compiled BPF program.
 *
 * <p>The path of a query: {@link io.weir.spark.PcapDataSource} (registered as {@code pcap}) makes a
 * {@code PcapTable}; its scan builder takes the selected columns, the SQL predicates it can turn into BPF or a
 * time range, and a limit; the scan compiles the {@code bpf} expression on the driver for each file head's link
 * type (a bad one fails the query with the located error), splits and packs the files; each task's reader walks
 * its splits, runs the program JIT-ed once per executor ({@link io.weir.spark.FilterCache}) and fills only the
 * selected columns, as columnar batches unless {@code data} is selected. With {@code output=flows} each task
 * reads every split and counts one flow-hash bucket in Weir's flow map, so each flow is whole in one row;
 * {@link io.weir.spark.PcapFlows#merge} folds rows of separate loads. Paths with a scheme other than
 * {@code file:} are read through Hadoop ({@link io.weir.spark.hadoop}).
 *
 * <p>SQL functions: {@link io.weir.spark.WeirFunctions}, a {@code FunctionCatalog}, holds
 * {@code weir.bpf(data, 'expr' [, linktype])}; in the {@code WHERE} of a pcap scan a call with a literal
 * expression is pushed into the reader as a program of its own ({@code BpfCall}).
 *
 * <p>Invariants: a record belongs to the split its header starts in; SQL predicates pushed into the reader only
 * ever let more packets through than SQL keeps, and Spark re-checks them; a pushed {@code weir.bpf} call runs
 * the very program the function would run on the same bytes, so it is exact and not re-checked;
 * {@code count()} decodes and copies nothing.
 *
 * <pre>{@code
 * Dataset<Row> web = spark.read().format("pcap").option("bpf", "tcp port 443").load("/captures/*.pcapng");
 * web.groupBy("dst_ip").count().show();
 * }</pre>
 */
package io.weir.spark;
