package io.weir.capture;

/**
 * A length field is impossible: a record's captured length over the link type's maximum, or a pcapng
 * block whose length is too small, not a multiple of 4, too large, or different in its header and trailer.
 */
public class CaptureLengthException extends CaptureFormatException {
    private static final long serialVersionUID = 1L;

    /** See {@link CaptureFormatException#CaptureFormatException(String, long, long, String)}. */
    public CaptureLengthException(String file, long offset, long packetsRead, String detail) {
        super(file, offset, packetsRead, detail);
    }
}
