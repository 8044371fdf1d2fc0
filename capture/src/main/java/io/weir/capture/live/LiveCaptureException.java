package io.weir.capture.live;

/**
 * A live capture failed: the message is one line, worded like tcpdump's ({@code eth0: You don't have permission to
 * capture on that device (needs root or CAP_NET_RAW)}), without the {@code weir: } prefix.
 */
public final class LiveCaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers that react differently (a test skips when libpcap is missing). */
    public enum Kind {
        /** libpcap (or JNA's native part) cannot be loaded. */
        NO_LIBPCAP,
        /** Not allowed to capture: needs root or CAP_NET_RAW. */
        PERMISSION,
        /** No such interface. */
        NO_DEVICE,
        /** The interface was removed or went down during the capture (what was captured is kept). */
        INTERFACE_GONE,
        /** libpcap rejected the filter expression. */
        BAD_FILTER,
        /** Anything else libpcap reported. */
        OTHER
    }

    private final Kind kind;

    public LiveCaptureException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LiveCaptureException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** The kind of failure. */
    public Kind kind() {
        return kind;
    }
}
