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

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
