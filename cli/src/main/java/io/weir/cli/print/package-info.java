/**
 * Packet printing as tcpdump does it, one decoder per protocol family: {@link io.weir.cli.print.LinePrinter} is
 * the entry; {@code LinkDecoder} (Ethernet, VLAN, ARP, Linux cooked, loopback, raw), {@code IpDecoder} (IPv4,
 * IPv6 and its extension headers), {@code TcpDecoder}, {@code UdpDecoder}, {@code DnsDecoder}, {@code IcmpDecoder},
 * {@code BootpDecoder} (BOOTP/DHCP with {@code -v}), {@code TimeStamps} and {@code HexDump} fill one shared line
 * buffer ({@code Frame}); {@code Checksums} gives {@code -v}'s checksum verdicts in tcpdump's words.
 *
 * <p>Invariants: the output equals {@code tcpdump -nn}'s (and {@code -nn -v}'s) for the protocols decoded (a golden
 * test measures both over real captures); bytes past the captured length are never read (a cut header ends the line with
 * {@code [|proto]}); printing allocates nothing per packet in the common case (no regex, no String.format).
 *
 * <pre>{@code
 * PrintOptions o = new PrintOptions();
 * o.verbose = 1;
 * LinePrinter p = new LinePrinter(o);
 * CharSequence line = p.format(packet);
 * }</pre>
 */
package io.weir.cli.print;
