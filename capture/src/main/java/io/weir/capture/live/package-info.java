/**
 * Live capture: packets read from a network interface through libpcap, behind Weir's own {@link
 * io.weir.capture.live.LiveSource} interface.
 *
 * <p>Invariants: no pcap4j or JNA type appears in this package's public API; nothing here is loaded unless a live
 * capture or an interface listing is asked for (the offline {@code -r} path never touches pcap4j or JNA); every
 * native-loading {@link java.lang.LinkageError} becomes a {@link io.weir.capture.live.LiveCaptureException} with a
 * message saying what to install.
 *
 * <pre>{@code
 * try (LiveSource s = LiveSource.open(LiveOptions.builder("lo").immediate(true).build())) {
 *     s.setKernelFilter("udp and dst port 5353");   // libpcap's own compile, run by the kernel
 *     while (running) {
 *         if (s.next()) handle(s.packet());          // one reusable Packet view
 *     }
 *     LiveStats st = s.stats();
 * }
 * }</pre>
 */
package io.weir.capture.live;
