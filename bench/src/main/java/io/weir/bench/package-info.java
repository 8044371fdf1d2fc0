/**
 * JMH benchmarks, one class per question, and the helpers of the scripts in {@code bench/} that time Weir
 * against tcpdump, libpcap and tshark in one run.
 */
package io.weir.bench;
