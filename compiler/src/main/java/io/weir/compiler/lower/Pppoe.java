package io.weir.compiler.lower;

/**
 * {@code pppoes [id]} with libpcap's meaning ({@code gen_pppoes}): an Ethernet (or other link's) frame of type
 * 0x8864, PPPoE session stage, optionally with session id {@code id}; everything written after it in the
 * expression is then compiled as PPP found 6 bytes past the link payload (the PPPoE header: version/type,
 * code, session id, length), its 2-byte protocol field being the new link type field and the network layer
 * following it. So {@code pppoes and ip} tests PPP protocol 0x0021, {@code pppoes and ip6} 0x0057, and
 * {@code link[0]} means the PPP protocol field's first byte, as in libpcap.
 *
 * <p>The session id test is libpcap's: the 32-bit word at the start of the PPPoE header masked to its low 16
 * bits, so a frame too short for the 4 bytes is rejected even though the id itself is in bytes 2-3.
 */
final class Pppoe {
    static final int ETHERTYPE_PPPOES = 0x8864;
    private static final long MAX_SESSION = 0xffff;

    private Pppoe() {
    }

    /** The test for {@code pppoes [id]}; afterwards {@code lw} is in the PPP link layer inside the session. */
    static Pred session(Lowering lw, Long id) throws LowerException {
        if (id != null && id > MAX_SESSION) {
            throw new LowerException("PPPoE session number " + id + " greater than maximum " + MAX_SESSION);
        }
        LinkLayer ll = lw.link();
        Pred p = ll.linktype(ETHERTYPE_PPPOES);
        if (id != null) {
            p = Pred.and(p, LinkLayer.mcmp(4, ll.offNl(), 0xffff, id.intValue()));
        }
        lw.enter(ll.pppoeSession(), lw.scope());
        return p;
    }
}
