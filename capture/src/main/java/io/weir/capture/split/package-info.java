/**
 * Splittable capture reading: {@link io.weir.capture.split.SplitPlanner} cuts a pcap or pcapng file into
 * {@link io.weir.capture.split.FileSplit} byte ranges, {@link io.weir.capture.split.SplitReader} reads exactly
 * the records whose header (pcapng: block) starts in one range, and {@link io.weir.capture.split.CaptureIndex}
 * is the {@code weir index} sidecar that lets splits start at recorded offsets. The Spark source runs one reader
 * per task. Invariant: the union of all splits is the sequential {@link io.weir.capture.PcapReader} walk (its
 * packets, and its error if it has one), or some split fails naming the file and byte range. Never a different
 * result.
 *
 * <h2>The resync rule (heuristic splits)</h2>
 * A split starting at byte {@code S} reads the file's head (pcap file header; pcapng first section header and
 * the interfaces before the first packet). Let {@code M} be the longest record the reader accepts (pcap: header
 * + the link type's maximum captured length, libpcap's {@code max_snaplen_for_dlt}, 262,144 for most links, not
 * the file's snaplen; pcapng: the maximum block length, 16 MiB) and {@code D} a validation distance ({@code M}
 * for pcap, 1 MiB for pcapng): the window is {@code W = M + D} bytes (512 KiB and 17 MiB).
 * <ul>
 * <li>If {@code S - W} is at or before the first record (pcapng: byte 0), the split walks the record chain
 *     from there, checked only as the reader checks it: nothing is inferred. A file no longer than {@code W}
 *     is split entirely this way, and its splits rely on nothing below.</li>
 * <li>Otherwise every offset {@code x} in {@code [S - W, S)} (every byte for pcap, every multiple of 4 for
 *     pcapng) starts a would-be chain of records; {@code f(x)} is the chain's first point at or after
 *     {@code S}, or dead when a record on the way fails the test below or runs past the end of the file.
 *     Computed from the highest offset down, each {@code f(x)} costs one test and one look-up. The split starts
 *     at the common {@code f(x)} of all surviving chains that start in the window's first {@code M} bytes; if
 *     they disagree, or none survives, the split fails with the file and the byte range.</li>
 * </ul>
 * The record test: pcap, the reader's own (captured length within the link type's maximum, after the swap of
 * pre-2.3 files) plus the (time stamp fraction below one second, {@code caplen <= len}), an original
 * length of at most 256 KiB (or the link's larger maximum), and not {@code (seconds < one second of fraction
 * units && fraction == caplen)}: that last test kills the shadow chain 4 bytes after the true one, which
 * wherever {@code caplen == len} runs in step with the truth for ever (its seconds are the true fractions, its
 * fraction the true caplen, its caplen the true len). pcapng: a registered block type, a length of at least 12
 * (and the type's minimum), a multiple of 4, within the maximum, repeated in the trailer, and for packet blocks
 * a captured length inside the block. The type test is what lets ordinary files split: in a little-endian file
 * every IPv4 packet's {@code 08 00 45 00} (EtherType, version) reads as a length of 0x450008, 4-aligned, so any
 * two such packets 0x450000 bytes apart fake a 4.5 MB block with a matching trailer that jumps over the start
 * (dozens in every 17 MiB window); its type field is the tail of a source MAC address, not a registered type.
 * The pcap test runs inside {@link io.weir.capture.PcapReader} for split readers, where each header is parsed
 * anyway ({@code checkRecordsForSplits}), so a split reads as fast as the sequential reader.
 *
 * <p>Proof sketch. Suppose no true record in {@code [S - W, S)} fails the test. Each is at most {@code M} long,
 * so the true chain has a point in the window's first {@code M} bytes, survives, and its first point at or after
 * {@code S} is the answer: any other survivor either agrees (same answer) or disagrees (the split fails). So a
 * split either starts at the true boundary or fails; a record embedded in a payload (even a whole fake capture
 * in a 256 KiB packet, or a chain crafted across consecutive packets) can cause a failure, never a shifted
 * start. This is stronger than the forward rule "the first offset whose chain covers more than snaplen + 16
 * bytes", which a chain crafted across packets defeats, and which takes the shadow chain whenever {@code S}
 * falls in the 4 bytes after a record's start. The supposition is made good by the splits themselves: each
 * split of a file longer than {@code W} fails at any record it reads that fails the test, at a second pcapng
 * section, at an unregistered block type and at an interface allowing blocks longer than {@code M}. Take the
 * earliest such fault: the split holding it has its window before it, so it starts correctly, reads the fault
 * and fails; the job fails instead of returning a different result. Faults are rare in real files (the shared
 * corpus of 434 captures, split at four sizes each, gives none); they make a file unsplittable, not wrong.
 *
 * <h2>pcapng context</h2>
 * A split positioned mid-section that meets an Interface Description Block, or a packet on an interface it does
 * not know, falls back to reading sequentially from the section start (correct, slower). A second section
 * cannot be found without reading everything before it, so in a file longer than {@code W} a heuristic split
 * that meets one fails, naming it; {@code weir index} records the sections, and index splits start in the right
 * one.
 *
 * <h2>Boundaries</h2>
 * A record belongs to the split where its header starts; a split reads past its end to finish it. For
 * {@code option("verify")}, {@link io.weir.capture.split.SplitReader#firstRecordOffset()} and
 * {@link io.weir.capture.split.SplitReader#nextRecordOffsetAfterEnd()} chain from split to split. Compressed
 * (gzip) files are one split; their offsets are in the decompressed data.
 *
 * <pre>{@code
 * for (FileSplit s : SplitPlanner.plan(Path.of("big.pcap"), SplitMode.AUTO, 256L << 20)) {
 *     try (SplitReader r = SplitReader.open(s, SplitMode.AUTO)) {
 *         for (Packet p; (p = r.next()) != null; ) {
 *             count++;
 *         }
 *     }
 * }
 * }</pre>
 */
package io.weir.capture.split;
