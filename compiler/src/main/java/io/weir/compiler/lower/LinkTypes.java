package io.weir.compiler.lower;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every link type libpcap 1.10 knows, as one table: its DLT number, libpcap's name ({@code tcpdump -y}) and
 * description ({@code tcpdump -L}), and how filters see it: the {@link Family} that says what {@code ip},
 * {@code arp}, {@code ether proto N}... compile to, and the offsets of the link-layer header, the type field,
 * the network-layer header and the MAC addresses. {@link LinkLayer} reads the layout, the CLI's
 * {@code --list-linktypes} and {@code -y} read the names, and {@link io.weir.compiler.UnsupportedLinkTypeException}
 * the wording of libpcap's refusal. The table was taken from libpcap itself ({@code pcap_datalink_val_to_name},
 * {@code pcap_datalink_val_to_description}, and {@code pcap_compile} on a dead handle of each type).
 */
public final class LinkTypes {
    /** How a family of link types checks the network-layer protocol (libpcap's {@code gen_linktype}). */
    public enum Family {
        /** libpcap compiles only {@code len}, {@code link[...]}: protocol tests are "not implemented". */
        NONE,
        /** Ethernet type field (or 802.3 length and LLC), MAC addresses. */
        ETHER,
        /** 802.2 LLC/SNAP at the type offset (FDDI, token ring, IP over FC, RFC 1483 ATM). */
        LLC,
        /** Linux cooked v1. */
        SLL,
        /** Linux cooked v2. */
        SLL2,
        /** Raw IP: the version nibble. */
        RAW,
        /** Raw IPv4 only. */
        RAW4,
        /** Raw IPv6 only. */
        RAW6,
        /** SLIP: the version nibble of the first byte (libpcap checks byte 0, before the 16-byte header). */
        SLIP,
        /** A 4-byte address family (NULL, LOOP, ENC). */
        LOOPBACK,
        /** PPP protocol numbers. */
        PPP,
        /** BSD/OS PPP: PPP numbers, IPv4 also as VJ compressed. */
        PPP_BSDOS,
        /** Cisco HDLC: Ethernet types. */
        CHDLC,
        /** Frame Relay: Q.933 NLPIDs. */
        FRELAY,
        /** ARCNET protocol IDs. */
        ARCNET,
        /** SunATM: LLC after the 4-byte pseudo-header, when the traffic type is LLC. */
        SUNATM,
        /** Solaris ipnet: address family byte. */
        IPNET,
        /** A 16-bit type field compared as it is. */
        PLAIN,
        /** Juniper: any protocol test is the 3-byte "MGC" magic. */
        JUNIPER,
        /** BACnet MS/TP: any protocol test is the 0x55ff preamble. */
        BACNET,
        /** LocalTalk: carries AppleTalk only. */
        LTALK,
        /** 802.11, bare or behind a radiotap, PPI, Prism or AVS header: see {@link Wlan}. */
        WLAN,
        /** OpenBSD pflog: the address family byte; the header's own length says where the network layer is. */
        PFLOG
    }

    /**
     * Offsets from here on are relative to a header whose position depends on the packet: {@code VAR_LL + n}
     * is byte n of the 802.11 header behind a radio header, {@code VAR_PL + n} byte n of the 802.11 payload
     * (its LLC header), or of pflog's network layer ({@link Pflog}). {@link VarOffsets} turns loads at such offsets into indexed loads from the lengths its
     * prologue computes, as libpcap does.
     */
    public static final int VAR_LL = 0x10000000;
    /** See {@link #VAR_LL}. */
    public static final int VAR_PL = 0x20000000;

    /**
     * One link type.
     *
     * @param dlt         the DLT number
     * @param name        libpcap's name, without {@code DLT_}; null for the one DLT it filters but does not name
     * @param description libpcap's description
     * @param errorName   how libpcap names it in "... link-layer type filtering not implemented"
     * @param family      how protocols are checked
     * @param offLinkHdr  where {@code link[0]} is
     * @param offLinkType the type field's offset (or LLC header's, for {@link Family#LLC}), -1 if none
     * @param offNl       the network-layer header's offset
     * @param offMac      the destination MAC address's offset (source 6 bytes later), -1 if none
     */
    public record LinkType(int dlt, String name, String description, String errorName, Family family,
            int offLinkHdr, int offLinkType, int offNl, int offMac) {
        /** Whether Weir compiles protocol tests for it (what {@code --list-linktypes} lists). */
        public boolean filters() {
            return family != Family.NONE;
        }
    }

    private static final Family NONE = Family.NONE;
    private static final Family ETHER = Family.ETHER;
    private static final Family LLC = Family.LLC;
    private static final Family SLL = Family.SLL;
    private static final Family SLL2 = Family.SLL2;
    private static final Family RAW = Family.RAW;
    private static final Family RAW4 = Family.RAW4;
    private static final Family RAW6 = Family.RAW6;
    private static final Family SLIP = Family.SLIP;
    private static final Family LOOPBACK = Family.LOOPBACK;
    private static final Family PPP = Family.PPP;
    private static final Family PPP_BSDOS = Family.PPP_BSDOS;
    private static final Family CHDLC = Family.CHDLC;
    private static final Family FRELAY = Family.FRELAY;
    private static final Family ARCNET = Family.ARCNET;
    private static final Family SUNATM = Family.SUNATM;
    private static final Family IPNET = Family.IPNET;
    private static final Family PLAIN = Family.PLAIN;
    private static final Family JUNIPER = Family.JUNIPER;
    private static final Family BACNET = Family.BACNET;
    private static final Family LTALK = Family.LTALK;
    private static final Family WLAN = Family.WLAN;
    private static final Family PFLOG = Family.PFLOG;

    private static LinkType t(int dlt, String name, String desc, Family f, int hdr, int type, int nl, int mac) {
        return new LinkType(dlt, name, desc, desc, f, hdr, type, nl, mac);
    }

    private static LinkType none(int dlt, String name, String desc, String errorName) {
        return new LinkType(dlt, name, desc, errorName == null ? desc : errorName, NONE, 0, -1, 0, -1);
    }

    private static final LinkType[] TABLE = {
        t(0, "NULL", "BSD loopback", LOOPBACK, 0, -1, 4, -1),
        t(1, "EN10MB", "Ethernet", ETHER, 0, 12, 14, 0),
        t(6, "IEEE802", "Token ring", LLC, 0, 14, 22, 2),
        t(7, "ARCNET", "BSD ARCNET", ARCNET, 0, 2, 6, -1),
        t(8, "SLIP", "SLIP", SLIP, 0, -1, 16, -1),
        t(9, "PPP", "PPP", PPP, 0, 2, 4, -1),
        t(10, "FDDI", "FDDI", LLC, 0, 13, 21, 1),
        t(11, "ATM_RFC1483", "RFC 1483 LLC-encapsulated ATM", LLC, 0, 0, 8, -1),
        t(12, "RAW", "Raw IP", RAW, 0, -1, 0, -1),
        t(15, "SLIP_BSDOS", "BSD/OS SLIP", SLIP, 0, -1, 24, -1),
        t(16, "PPP_BSDOS", "BSD/OS PPP", PPP_BSDOS, 0, 5, 24, -1),
        t(19, "ATM_CLIP", "Linux Classical IP over ATM", LLC, 0, 0, 8, -1),
        t(50, "PPP_SERIAL", "PPP over serial", PPP, 0, 2, 4, -1),
        t(51, "PPP_ETHER", "PPPoE", PPP, 0, 6, 8, -1),
        t(99, "SYMANTEC_FIREWALL", "Symantec Firewall", PLAIN, 0, 6, 44, -1),
        t(104, "C_HDLC", "Cisco HDLC", CHDLC, 0, 2, 4, -1),
        t(105, "IEEE802_11", "802.11", WLAN, 0, VAR_PL, VAR_PL + 8, -1),
        t(107, "FRELAY", "Frame Relay", FRELAY, 0, 2, 0, -1),
        t(108, "LOOP", "OpenBSD loopback", LOOPBACK, 0, -1, 4, -1),
        t(109, "ENC", "OpenBSD encapsulated IP", LOOPBACK, 0, -1, 12, -1),
        // Unnamed in libpcap's table, but gencode treats DLT 112 as Cisco HDLC.
        t(112, null, "DLT 112", CHDLC, 0, 2, 4, -1),
        t(113, "LINUX_SLL", "Linux cooked v1", SLL, 0, 14, 16, -1),
        t(114, "LTALK", "Localtalk", LTALK, 0, -1, 0, -1),
        t(117, "PFLOG", "OpenBSD pflog file", PFLOG, 0, -1, VAR_PL, -1),
        t(119, "PRISM_HEADER", "802.11 plus Prism header", WLAN, VAR_LL, VAR_PL, VAR_PL + 8, -1),
        t(122, "IP_OVER_FC", "RFC 2625 IP-over-Fibre Channel", LLC, 0, 16, 24, 2),
        t(123, "SUNATM", "Sun raw ATM", SUNATM, 0, 4, 12, -1),
        t(127, "IEEE802_11_RADIO", "802.11 plus radiotap header", WLAN, VAR_LL, VAR_PL, VAR_PL + 8, -1),
        t(129, "ARCNET_LINUX", "Linux ARCNET", ARCNET, 0, 4, 8, -1),
        t(130, "JUNIPER_MLPPP", "Juniper Multi-Link PPP", JUNIPER, 0, -1, 4, -1),
        t(131, "JUNIPER_MLFR", "Juniper Multi-Link Frame Relay", JUNIPER, 0, -1, 4, -1),
        t(132, "JUNIPER_ES", "Juniper Encryption Services PIC", JUNIPER, 0, -1, -2, -1),
        t(133, "JUNIPER_GGSN", "Juniper GGSN PIC", JUNIPER, 0, -1, 12, -1),
        t(134, "JUNIPER_MFR", "Juniper FRF.16 Frame Relay", JUNIPER, 0, -1, 4, -1),
        t(135, "JUNIPER_ATM2", "Juniper ATM2 PIC", JUNIPER, 0, -1, 8, -1),
        t(136, "JUNIPER_SERVICES", "Juniper Advanced Services PIC", JUNIPER, 0, -1, -2, -1),
        t(137, "JUNIPER_ATM1", "Juniper ATM1 PIC", JUNIPER, 0, -1, 4, -1),
        t(138, "APPLE_IP_OVER_IEEE1394", "Apple IP-over-IEEE 1394", PLAIN, 0, 16, 18, -1),
        none(139, "MTP2_WITH_PHDR", "SS7 MTP2 with Pseudo-header", "MTP2"),
        none(140, "MTP2", "SS7 MTP2", "MTP2"),
        none(141, "MTP3", "SS7 MTP3", null),
        none(142, "SCCP", "SS7 SCCP", null),
        none(143, "DOCSIS", "DOCSIS", null),
        none(144, "LINUX_IRDA", "Linux IrDA", "IrDA"),
        t(163, "IEEE802_11_RADIO_AVS", "802.11 plus AVS radio information header", WLAN, VAR_LL, VAR_PL, VAR_PL + 8, -1),
        t(164, "JUNIPER_MONITOR", "Juniper Passive Monitor PIC", JUNIPER, 0, -1, 12, -1),
        t(165, "BACNET_MS_TP", "BACnet MS/TP", BACNET, 0, -1, -2, -1),
        t(166, "PPP_PPPD", "PPP for pppd, with direction flag", PPP, 0, 2, 4, -1),
        t(167, "JUNIPER_PPPOE", "Juniper PPPoE", JUNIPER, 0, -1, 32, -1),
        t(168, "JUNIPER_PPPOE_ATM", "Juniper PPPoE/ATM", JUNIPER, 0, -1, 6, -1),
        none(169, "GPRS_LLC", "GPRS LLC", null),
        none(170, "GPF_T", "GPF-T", null),
        none(171, "GPF_F", "GPF-F", null),
        none(174, "JUNIPER_PIC_PEER", "Juniper PIC Peer", null),
        none(175, "ERF_ETH", "Ethernet with Endace ERF header", null),
        none(176, "ERF_POS", "Packet-over-SONET with Endace ERF header", null),
        none(177, "LINUX_LAPD", "Linux vISDN LAPD", "LAPD"),
        t(178, "JUNIPER_ETHER", "Juniper Ethernet", JUNIPER, 0, -1, 32, -1),
        t(179, "JUNIPER_PPP", "Juniper PPP", JUNIPER, 0, -1, 4, -1),
        t(180, "JUNIPER_FRELAY", "Juniper Frame Relay", JUNIPER, 0, -1, 4, -1),
        t(181, "JUNIPER_CHDLC", "Juniper C-HDLC", JUNIPER, 0, -1, 4, -1),
        none(182, "MFR", "FRF.16 Frame Relay", "Multi-link Frame Relay"),
        t(183, "JUNIPER_VP", "Juniper Voice PIC", JUNIPER, 0, -1, -2, -1),
        none(184, "A429", "Arinc 429", null),
        none(185, "A653_ICM", "Arinc 653 Interpartition Communication", null),
        none(186, "USB_FREEBSD", "USB with FreeBSD header", "USB"),
        none(187, "BLUETOOTH_HCI_H4", "Bluetooth HCI UART transport layer", "Bluetooth"),
        none(188, "IEEE802_16_MAC_CPS", "IEEE 802.16 MAC Common Part Sublayer", null),
        none(189, "USB_LINUX", "USB with Linux header", "USB"),
        none(190, "CAN20B", "Controller Area Network (CAN) v. 2.0B", "CAN"),
        none(191, "IEEE802_15_4_LINUX", "IEEE 802.15.4 with Linux padding", "IEEE 802.15.4"),
        t(192, "PPI", "Per-Packet Information", WLAN, VAR_LL, VAR_PL, VAR_PL + 8, -1),
        none(193, "IEEE802_16_MAC_CPS_RADIO", "IEEE 802.16 MAC Common Part Sublayer plus radiotap header", "IEEE 802.16"),
        t(194, "JUNIPER_ISM", "Juniper Integrated Service Module", JUNIPER, 0, -1, -2, -1),
        none(195, "IEEE802_15_4", "IEEE 802.15.4 with FCS", "IEEE 802.15.4"),
        none(196, "SITA", "SITA pseudo-header", "SITA"),
        none(197, "ERF", "Endace ERF header", "ERF"),
        none(198, "RAIF1", "Ethernet with u10 Networks pseudo-header", "RAIF1"),
        none(199, "IPMB_KONTRON", "IPMB with Kontron pseudo-header", "IPMB"),
        t(200, "JUNIPER_ST", "Juniper Secure Tunnel", JUNIPER, 0, -1, -2, -1),
        none(201, "BLUETOOTH_HCI_H4_WITH_PHDR", "Bluetooth HCI UART transport layer plus pseudo-header", "Bluetooth"),
        none(202, "AX25_KISS", "AX.25 with KISS header", "AX.25"),
        none(209, "IPMB_LINUX", "IPMB with Linux/Pigeon Point pseudo-header", "IPMB"),
        none(215, "IEEE802_15_4_NONASK_PHY", "IEEE 802.15.4 with non-ASK PHY data", "IEEE 802.15.4"),
        none(216, "LINUX_EVDEV", "Linux evdev events", null),
        none(219, "MPLS", "MPLS with label as link-layer header", null),
        none(220, "USB_LINUX_MMAPPED", "USB with padded Linux header", "USB"),
        none(221, "DECT", "DECT", null),
        none(222, "AOS", "AOS Space Data Link protocol", null),
        none(223, "WIHART", "Wireless HART", null),
        none(224, "FC_2", "Fibre Channel FC-2", null),
        none(225, "FC_2_WITH_FRAME_DELIMS", "Fibre Channel FC-2 with frame delimiters", null),
        t(226, "IPNET", "Solaris ipnet", IPNET, 0, 1, 24, -1),
        none(227, "CAN_SOCKETCAN", "CAN-bus with SocketCAN headers", "CAN"),
        t(228, "IPV4", "Raw IPv4", RAW4, 0, -1, 0, -1),
        t(229, "IPV6", "Raw IPv6", RAW6, 0, -1, 0, -1),
        none(230, "IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS", "IEEE 802.15.4"),
        none(231, "DBUS", "D-Bus", null),
        t(232, "JUNIPER_VS", "Juniper Virtual Server", JUNIPER, 0, -1, -2, -1),
        t(233, "JUNIPER_SRX_E2E", "Juniper SRX E2E", JUNIPER, 0, -1, -2, -1),
        t(234, "JUNIPER_FIBRECHANNEL", "Juniper Fibre Channel", JUNIPER, 0, -1, -2, -1),
        none(235, "DVB_CI", "DVB-CI", null),
        none(236, "MUX27010", "MUX27010", null),
        none(237, "STANAG_5066_D_PDU", "STANAG 5066 D_PDUs", null),
        t(238, "JUNIPER_ATM_CEMIC", "Juniper ATM CEMIC", JUNIPER, 0, -1, -2, -1),
        none(239, "NFLOG", "Linux netfilter log messages", "NFLOG"),
        t(240, "NETANALYZER", "Ethernet with Hilscher netANALYZER pseudo-header", ETHER, 4, 16, 18, 4),
        t(241, "NETANALYZER_TRANSPARENT", "Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD", ETHER, 12, 24, 26, 12),
        none(242, "IPOIB", "RFC 4391 IP-over-Infiniband", null),
        none(243, "MPEG_2_TS", "MPEG-2 transport stream", null),
        none(244, "NG40", "ng40 protocol tester Iub/Iur", null),
        none(245, "NFC_LLCP", "NFC LLCP PDUs with pseudo-header", null),
        none(246, "PFSYNC", "Packet filter state syncing", "PFSYNC"),
        none(247, "INFINIBAND", "InfiniBand", null),
        none(248, "SCTP", "SCTP", null),
        none(249, "USBPCAP", "USB with USBPcap header", "USB"),
        none(250, "RTAC_SERIAL", "Schweitzer Engineering Laboratories RTAC packets", null),
        none(251, "BLUETOOTH_LE_LL", "Bluetooth Low Energy air interface", null),
        none(253, "NETLINK", "Linux netlink", null),
        none(254, "BLUETOOTH_LINUX_MONITOR", "Bluetooth Linux Monitor", null),
        none(255, "BLUETOOTH_BREDR_BB", "Bluetooth Basic Rate/Enhanced Data Rate baseband packets", null),
        none(256, "BLUETOOTH_LE_LL_WITH_PHDR", "Bluetooth Low Energy air interface with pseudo-header", null),
        none(257, "PROFIBUS_DL", "PROFIBUS data link layer", null),
        none(258, "PKTAP", "Apple DLT_PKTAP", null),
        none(259, "EPON", "Ethernet with 802.3 Clause 65 EPON preamble", null),
        none(260, "IPMI_HPM_2", "IPMI trace packets", null),
        none(261, "ZWAVE_R1_R2", "Z-Wave RF profile R1 and R2 packets", null),
        none(262, "ZWAVE_R3", "Z-Wave RF profile R3 packets", null),
        none(263, "WATTSTOPPER_DLM", "WattStopper Digital Lighting Management (DLM) and Legrand Nitoo Open protocol", null),
        none(264, "ISO_14443", "ISO 14443 messages", null),
        none(265, "RDS", "IEC 62106 Radio Data System groups", null),
        none(266, "USB_DARWIN", "USB with Darwin header", null),
        none(267, "OPENFLOW", "OpenBSD DLT_OPENFLOW", null),
        none(268, "SDLC", "IBM SDLC frames", null),
        none(269, "TI_LLN_SNIFFER", "TI LLN sniffer frames", null),
        none(271, "VSOCK", "Linux vsock", null),
        none(272, "NORDIC_BLE", "Nordic Semiconductor Bluetooth LE sniffer frames", null),
        none(273, "DOCSIS31_XRA31", "Excentis XRA-31 DOCSIS 3.1 RF sniffer frames", null),
        none(274, "ETHERNET_MPACKET", "802.3br mPackets", null),
        none(275, "DISPLAYPORT_AUX", "DisplayPort AUX channel monitoring data", null),
        t(276, "LINUX_SLL2", "Linux cooked v2", SLL2, 0, 0, 20, -1),
        none(278, "OPENVIZSLA", "OpenVizsla USB", null),
        none(279, "EBHSCR", "Elektrobit High Speed Capture and Replay (EBHSCR)", null),
        none(280, "VPP_DISPATCH", "VPP graph dispatch tracer", null),
        none(281, "DSA_TAG_BRCM", "Broadcom tag", null),
        none(282, "DSA_TAG_BRCM_PREPEND", "Broadcom tag (prepended)", null),
        none(283, "IEEE802_15_4_TAP", "IEEE 802.15.4 with pseudo-header", "IEEE 802.15.4"),
        none(284, "DSA_TAG_DSA", "Marvell DSA", null),
        none(285, "DSA_TAG_EDSA", "Marvell EDSA", null),
        none(286, "ELEE", "ELEE lawful intercept packets", null),
        none(287, "Z_WAVE_SERIAL", "Z-Wave serial frames between host and chip", null),
        none(288, "USB_2_0", "USB 2.0/1.1/1.0 as transmitted over the cable", null),
        none(289, "ATSC_ALP", "ATSC Link-Layer Protocol packets", null),

    };

    /** LINKTYPE numbers of pcap files that differ from the DLT they stand for (libpcap's linktype_to_dlt). */
    private static final int[][] LINKTYPE_TO_DLT = {{100, 11}, {101, 12}, {102, 15}, {103, 16}, {106, 19},
        {14, 12}};

    /** Other names {@code -y} accepts: the LINKTYPE_ names that differ from the DLT_ ones. */
    private static final String[][] ALIASES = {{"IEEE802_11_RADIOTAP", "127"}, {"PPP_HDLC", "50"},
        {"IEEE802_11_AVS", "163"}, {"PRISM", "119"}, {"LINUX_SLL1", "113"}};

    private static final Map<Integer, LinkType> BY_DLT = new HashMap<>();
    private static final Map<String, Integer> BY_NAME = new HashMap<>();

    static {
        for (LinkType t : TABLE) {
            BY_DLT.put(t.dlt(), t);
            if (t.name() != null) {
                BY_NAME.put(t.name(), t.dlt());
            }
        }
        for (String[] a : ALIASES) {
            BY_NAME.put(a[0], Integer.parseInt(a[1]));
        }
    }

    /** libpcap accepts dead handles of any DLT in this range, named or not. */
    private static final int MATCHING_MIN = 104;
    private static final int MATCHING_MAX = 289;

    private LinkTypes() {
    }

    /** The DLT a DLT or LINKTYPE number stands for. */
    public static int toDlt(int linkType) {
        for (int[] m : LINKTYPE_TO_DLT) {
            if (m[0] == linkType) {
                return m[1];
            }
        }
        return linkType;
    }

    /**
     * The link type of a DLT or LINKTYPE number, or null if libpcap does not know it. Unnamed numbers of
     * libpcap's matching range (USER0..15 and the like) are known, with no protocol filtering.
     */
    public static LinkType of(int linkType) {
        int dlt = toDlt(linkType);
        LinkType t = BY_DLT.get(dlt);
        if (t == null && dlt >= MATCHING_MIN && dlt <= MATCHING_MAX) {
            String d = "DLT " + dlt;
            t = new LinkType(dlt, null, d, d, NONE, 0, -1, 0, -1);
        }
        return t;
    }

    /** The DLT number of a libpcap link-type name ({@code EN10MB}, {@code DLT_PPP}, case-insensitive), or -1. */
    public static int byName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("DLT_") || n.startsWith("LINKTYPE_")) {
            n = n.substring(n.indexOf('_') + 1);
        }
        Integer v = BY_NAME.get(n);
        return v == null ? -1 : v;
    }

    /** Every link type of the table, by DLT number ({@link LinkType#name()} null where libpcap has none). */
    public static java.util.List<LinkType> all() {
        return java.util.List.of(TABLE);
    }
}
