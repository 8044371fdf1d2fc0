/**
 * Splittable capture reading: {@link io.weir.capture.split.SplitPlanner} cuts a pcap or pcapng file into
 * {@link io.weir.capture.split.FileSplit} byte ranges, {@link io.weir.capture.split.SplitReader} reads exactly
 * the records whose header starts in one range, and {@link io.weir.capture.split.CaptureIndex} is the
 * {@code weir index} sidecar that lets splits start at recorded offsets. The Spark source runs one reader per
 * task; the union of all splits is always the sequential {@link io.weir.capture.PcapReader} walk, or a split
 * fails naming the file and byte range. Never a different result.
 *
 * <h2>The resync rule (heuristic splits)</h2>
 * A split starting at byte {@code S} reads the file's head (pcap file header; pcapng first section header and
 * the interfaces before the first packet), then a window of {@code M + D} bytes before {@code S}, where
 * {@code M} is the longest record the reader accepts (pcap: header + the link type's maximum captured length,
 * libpcap's {@code max_snaplen_for_dlt}, 262,144 for most links, not the file's snaplen; pcapng: the maximum
 * block length, 16 MiB) and {@code D} a validation distance ({@code M} for pcap, 1 MiB for pcapng). Every
 * offset {@code x} of the window (every byte for pcap, every multiple of 4 for pcapng) starts a would-be chain of
 * records, each one checked exactly as the sequential reader checks it (pcap: captured length within the link
 * type's maximum, after the swap of pre-2.3 files; pcapng: length at least 12, a multiple of 4, within the
 * maximum, repeated in the trailer), each ending inside the file. {@code f(x)} is the chain's first point at or
 * after {@code S}. The split starts at the common {@code f(x)} of every surviving chain that starts in the
 * window's first {@code M} bytes; if they disagree, or none survives, the split fails with the file and range.
 * Near the file's start the window is clipped to the first record (pcapng: byte 0), whose chain alone counts.
 *
 * <p>Proof sketch. The true records before {@code S} are accepted by the reader (else an earlier split, see
 * below, fails) and each is at most {@code M} long, so the true chain has a point in the window's first
 * {@code M} bytes and survives to {@code S}; its first point at or after {@code S} is the answer. Any other
 * surviving chain that disagrees makes the split fail; one that agrees gives the same answer. Hence a split
 * either starts at the true boundary or fails: a record embedded in a payload (even a whole fake capture in a
 * 256 KiB packet, or crafted across several packets) can only cause a failure, never a shifted start. This is
 * stronger than the forward rule "the first offset whose chain covers more than snaplen + 16 bytes", which a
 * chain crafted across consecutive packets defeats; here the chain must also agree with every chain starting
 * up to {@code M + D} bytes earlier, and the true one is among them. The time stamp fraction and
 * {@code caplen <= len} are deliberately not checked: the reader accepts such records, and a check the reader
 * does not make could kill the true chain. What the window assumes is made good by the splits themselves: the
 * earliest fault (a record the reader rejects, a second pcapng section, an interface allowing blocks longer
 * than {@code M}) lies in some split whose own window precedes it, so that split starts correctly, reads the
 * fault and fails; so the job fails instead of returning a different result. A record straddling {@code S}
 * belongs to the split where its header starts; a split may read past its end to finish it; a record running
 * past the end of the file fails as in the sequential reader.
 *
 * <h2>pcapng context</h2>
 * Each split reads the first section's head. A split positioned mid-section that meets an Interface
 * Description Block, or a packet on an interface it does not know, falls back to reading sequentially from the
 * section's start (correct, slower). A second section (multi-section files, e.g. concatenated captures) cannot
 * be found without reading everything before it, so a heuristic split that meets one fails, naming it;
 * {@code weir index} records sections, and index splits start in the right one.
 *
 * <pre>{@code
 * for (FileSplit s : SplitPlanner.plan(Path.of("big.pcap"), SplitMode.HEURISTIC, 256L << 20)) {
 *     try (SplitReader r = SplitReader.open(s, SplitMode.HEURISTIC)) {
 *         for (Packet p; (p = r.next()) != null; ) {
 *             count++;
 *         }
 *     }
 * }
 * }</pre>
 */
package io.weir.capture.split;
