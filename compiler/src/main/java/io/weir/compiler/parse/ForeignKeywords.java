package io.weir.compiler.parse;

import java.util.Map;

/**
 * libpcap keywords for link types Weir does not compile for (raw ATM, MTP2/SS7, pflog), with the error libpcap
 * gives for them on every link type Weir supports. They stay keywords, so they are never taken for a port or
 * host name, and the error reads like tcpdump's.
 */
final class ForeignKeywords {
    private ForeignKeywords() {
    }

    private static final String ATM = " supported only on raw ATM";
    private static final String PF = " supported only on PF linktype";

    // libpcap's own wording, typos included: oamf4ec reports 'oam4ec', the MTP2_HSL variants of sio/opc/dpc/sls
    // report the short name.
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("vpi", "'vpi'" + ATM), Map.entry("vci", "'vci'" + ATM), Map.entry("lane", "'lane'" + ATM),
            Map.entry("metac", "'metac'" + ATM), Map.entry("bcc", "'bcc'" + ATM), Map.entry("sc", "'sc'" + ATM),
            Map.entry("ilmic", "'ilmic'" + ATM), Map.entry("oamf4ec", "'oam4ec'" + ATM),
            Map.entry("oamf4sc", "'oam4sc'" + ATM), Map.entry("oam", "'oam'" + ATM),
            Map.entry("oamf4", "'oamf4'" + ATM), Map.entry("connectmsg", "'connectmsg'" + ATM),
            Map.entry("metaconnect", "'metaconnect'" + ATM),
            Map.entry("fisu", "'fisu' supported only on MTP2"), Map.entry("lssu", "'lssu' supported only on MTP2"),
            Map.entry("msu", "'msu' supported only on MTP2"),
            Map.entry("hfisu", "'hfisu' supported only on MTP2_HSL"),
            Map.entry("hlssu", "'hlssu' supported only on MTP2_HSL"),
            Map.entry("hmsu", "'hmsu' supported only on MTP2_HSL"),
            Map.entry("sio", "'sio' supported only on SS7"), Map.entry("hsio", "'sio' supported only on SS7"),
            Map.entry("opc", "'opc' supported only on SS7"), Map.entry("hopc", "'opc' supported only on SS7"),
            Map.entry("dpc", "'dpc' supported only on SS7"), Map.entry("hdpc", "'dpc' supported only on SS7"),
            Map.entry("sls", "'sls' supported only on SS7"), Map.entry("hsls", "'sls' supported only on SS7"),
            Map.entry("on", "ifname" + PF), Map.entry("ifname", "ifname" + PF),
            Map.entry("rnr", "rnr" + PF), Map.entry("rulenum", "rnr" + PF),
            Map.entry("srnr", "srnr" + PF), Map.entry("subrulenum", "srnr" + PF),
            Map.entry("rset", "ruleset" + PF), Map.entry("ruleset", "ruleset" + PF),
            Map.entry("reason", "reason" + PF), Map.entry("action", "action" + PF));

    /** libpcap's error for {@code word} on Weir's link types, or null if it is not such a keyword. */
    static String message(String word) {
        return MESSAGES.get(word);
    }
}
