/**
 * Capture files: {@link io.weir.capture.PcapReader} reads classic pcap (the four magics: µs and ns, either byte
 * order; also Kuznetzov's patched format) and pcapng (sections in either byte order, interfaces of any link type,
 * snapshot length and time stamp resolution; enhanced, simple and obsolete packet blocks), from files, pipes,
 * standard input or gzip, through one reusable {@link io.weir.capture.Packet} view that allocates nothing per
 * packet. {@link io.weir.capture.PcapWriter} and {@link io.weir.capture.PcapNgWriter} write them.
 *
 * <p>Invariants: a packet view is valid until the next {@code next()}; packet buffers are big-endian whatever
 * the file's order; offsets are {@code long} (files over 2 GiB); bad input raises a
 * {@link io.weir.capture.CaptureFormatException} (truncated, unsupported, bad length, or other structure)
 * naming the file and byte offset, after every good packet before it has been delivered; writers flush whole
 * records only.
 *
 * <pre>{@code
 * try (PcapReader r = PcapReader.open("trace.pcapng.gz");
 *      PcapWriter w = PcapWriter.builder().linkType(r.linkType()).open(Path.of("out.pcap"))) {
 *     while (r.next()) {
 *         Packet p = r.packet();
 *         if (p.capLen() > 100) {
 *             w.write(p);
 *         }
 *     }
 * }
 * }</pre>
 */
package io.weir.capture;
