package io.weir.capture;

/**
 * The file ends inside a file header, a record header, a record's data or a pcapng block: the
 * writer was interrupted or the file was cut. libpcap reports these as "truncated dump file".
 */
public class TruncatedCaptureException extends CaptureFormatException {
    private static final long serialVersionUID = 1L;

    /** See {@link CaptureFormatException#CaptureFormatException(String, long, long, String)}. */
    public TruncatedCaptureException(String file, long offset, long packetsRead, String detail) {
        super(file, offset, packetsRead, detail);
    }
}
