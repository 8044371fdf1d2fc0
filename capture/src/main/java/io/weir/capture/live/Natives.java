package io.weir.capture.live;

/**
 * Turns the {@link LinkageError}s of native loading (JNA's own library, libpcap, or a missing jar) into
 * {@link LiveCaptureException}s that say what to install. Only classes of this package that touch pcap4j or JNA
 * call it, always in a {@code catch (LinkageError e)} around their first native call.
 */
final class Natives {
    /** The message when libpcap cannot be loaded: the Debian package that provides it. */
    static final String NO_LIBPCAP = "libpcap is not installed: apt-get install libpcap0.8";

    private Natives() {}

    static LiveCaptureException translate(LinkageError e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof NoClassDefFoundError && !m.startsWith("Could not initialize class")) {
            // A jar is missing (the class path was cut down): say which class, not "install libpcap".
            return new LiveCaptureException(LiveCaptureException.Kind.NO_LIBPCAP,
                    "live capture needs pcap4j-core and JNA on the class path (missing " + m.replace('/', '.')
                            + ")", e);
        }
        if (m.contains("jnidispatch")) {
            return new LiveCaptureException(LiveCaptureException.Kind.NO_LIBPCAP,
                    "JNA cannot load its native library: " + firstLine(m), e);
        }
        return new LiveCaptureException(LiveCaptureException.Kind.NO_LIBPCAP, NO_LIBPCAP, e);
    }

    /**
     * A pcap4j exception's message as libpcap wrote it: its first line, without pcap4j's
     * {@code "Error occurred in pcap_next_ex(): "} prefix ({@code "The interface disappeared"}).
     */
    static String libpcapMessage(String s) {
        String m = firstLine(String.valueOf(s));
        if (m.startsWith("Error occurred in pcap_")) {
            int colon = m.indexOf("): ");
            if (colon > 0) {
                m = m.substring(colon + 3);
            }
        }
        return m;
    }

    /** Whether libpcap's message says the interface went away or down during the capture. */
    static boolean interfaceGone(String libpcapMessage) {
        return libpcapMessage.contains("interface disappeared") || libpcapMessage.contains("interface went down")
                || libpcapMessage.contains("No such device");
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
