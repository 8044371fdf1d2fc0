/**
 * Capture files: {@code PcapReader} reads pcap and pcapng (every byte order and timestamp resolution,
 * streams and gzip, files over 2 GiB) through one reusable packet view that allocates nothing per packet;
 * {@code PcapWriter} and {@code PcapNgWriter} write them. Bad input raises a typed exception naming the file and
 * the byte offset, after every good packet before it has been delivered.
 */
package io.weir.capture;
