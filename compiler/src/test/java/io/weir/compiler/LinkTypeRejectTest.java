package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What libpcap refuses on particular link types is refused by Weir with libpcap's words (checked against
 * libpcap's own message when it is there) and, for expression errors, the column of the primitive: protocol
 * tests on link types libpcap cannot filter, 802.11 primitives elsewhere, MAC-address primitives without MAC
 * addresses, vlan/mpls where there are none, inbound/outbound/ifindex on savefiles.
 */
class LinkTypeRejectTest {
    /** {@code column} 0: an {@link UnsupportedLinkTypeException} (no position); {@code savefile}: tcpdump -r. */
    record Case(String expr, int linkType, boolean savefile, String message, int column) {
    }

    static final List<Case> CASES = List.of(
            new Case("ip", 239, false, "NFLOG link-layer type filtering not implemented", 0),
            new Case("len > 10 and tcp port 80", 195, false,
                    "IEEE 802.15.4 link-layer type filtering not implemented", 0),
            new Case("host 1.2.3.4", 140, false, "MTP2 link-layer type filtering not implemented", 0),
            new Case("arp", 147, false, "DLT 147 link-layer type filtering not implemented", 0),
            new Case("type mgt", 1, false, "802.11 link-layer types supported only on 802.11", 1),
            new Case("ip and subtype beacon", 113, false, "802.11 link-layer types supported only on 802.11", 8),
            new Case("type data", 192, false, "802.11 link-layer types supported only on 802.11", 1),
            new Case("dir fromds", 1, false, "frame direction supported only with 802.11 headers", 1),
            new Case("type 2", 105, false, "invalid 802.11 type value 0x02", 6),
            new Case("type foo", 127, false, "unknown 802.11 type name \"foo\"", 6),
            new Case("subtype foo", 105, false, "unknown 802.11 type name", 9),
            new Case("type ctl subtype beacon", 105, false, "unknown 802.11 subtype name \"beacon\"", 18),
            new Case("type data subtype 8", 119, false, "invalid 802.11 subtype value 0x08", 19),
            new Case("dir foo", 163, false, "unknown 802.11 direction", 5),
            new Case("vlan", 192, false, "no VLAN support for Per-Packet Information", 1),
            new Case("vlan", 9, false, "no VLAN support for PPP", 1),
            new Case("mpls", 105, false, "no MPLS support for 802.11", 1),
            new Case("mpls", 107, false, "no MPLS support for Frame Relay", 1),
            new Case("ether host 1:2:3:4:5:6", 9, false,
                    "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel", 12),
            new Case("ether broadcast", 104, false, "not a broadcast link", 1),
            new Case("ether multicast", 8, false, "link-layer multicast filters supported only on ethernet/FDDI/"
                    + "token ring/ARCNET/802.11/ATM LANE/Fibre Channel", 1),
            new Case("arp", 8, false, "expression rejects all packets", 1),
            new Case("ip6", 228, false, "expression rejects all packets", 1),
            new Case("ra port 80", 1, false, "'ra' is not a valid qualifier for ports", 1),
            new Case("addr2 port 80", 105, false, "'addr2' and 'address2' are not valid qualifiers for ports", 1),
            new Case("addr3 net 10.0.0.0/8", 1, false,
                    "'addr3' and 'address3' are not valid qualifiers for addresses other than 802.11 MAC addresses", 1),
            new Case("ether address1 1:2:3:4:5:6", 1, false,
                    "'addr1' and 'address1' are only supported on 802.11 with 802.11 headers", 1),
            new Case("wlan ra 1:2:3:4:5:6", 9, false,
                    "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel", 9),
            new Case("inbound", 1, true, "inbound/outbound not supported on Ethernet when reading savefiles", 1),
            new Case("ifindex 3", 113, true, "ifindex not supported on Linux cooked v1 when reading savefiles", 1),
            new Case("outbound", 9, true, "inbound/outbound not supported on PPP when reading savefiles", 1));

    @TestFactory
    Stream<DynamicTest> rejectedLikeLibpcap() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.expr + " [" + c.linkType + "]", () -> {
            CompileOptions o = c.savefile ? CompileOptions.savefile(ByteOrder.LITTLE_ENDIAN) : CompileOptions.DEAD;
            String message;
            if (c.column == 0) {
                message = assertThrows(UnsupportedLinkTypeException.class,
                        () -> FilterCompiler.compile(c.expr, c.linkType, 262144, o)).getMessage();
            } else {
                FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                        () -> FilterCompiler.compile(c.expr, c.linkType, 262144, o));
                message = e.getMessage();
                assertEquals(c.column, e.column(), "column of: " + message);
            }
            assertEquals(c.message, message);
            if (LibPcap.available()) {
                LibPcap.Rejected r = assertThrows(LibPcap.Rejected.class, () -> {
                    if (c.savefile) {
                        LibPcap.compileSavefile(c.expr, c.linkType, 262144, ByteOrder.LITTLE_ENDIAN);
                    } else {
                        LibPcap.compile(c.expr, c.linkType, 262144);
                    }
                }, "libpcap accepts " + c.expr);
                assertEquals(r.getMessage(), message, "libpcap's message");
            }
        }));
    }
}
