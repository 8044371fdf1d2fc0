package io.weir.capture;

/**
 * The input is not a capture file Weir reads: an unknown magic number, an unsupported pcap or pcapng
 * version, or a link-type field with reserved bits set.
 */
public class UnsupportedCaptureException extends CaptureFormatException {
    private static final long serialVersionUID = 1L;

    /** See {@link CaptureFormatException#CaptureFormatException(String, long, long, String)}. */
    public UnsupportedCaptureException(String file, long offset, long packetsRead, String detail) {
        super(file, offset, packetsRead, detail);
    }
}
