package io.weir.capture;

import java.io.IOException;

/**
 * A capture file is malformed: the base of Weir's capture errors. It names the file, the byte offset of the
 * record or block at fault, and how many packets were delivered before it (all of them good).
 *
 * <p>Subclasses say what kind of fault it is: {@link TruncatedCaptureException} (the file ends inside a header
 * or a record), {@link UnsupportedCaptureException} (not a capture file, or a version Weir does not read) and
 * {@link CaptureLengthException} (a length field is impossible). Other structural faults (an unknown interface
 * id, a malformed option) use this class itself.
 */
public class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;
    private final long packetsRead;
    private final String detail;

    /**
     * @param file        the file's name as the user gave it ({@code -} for standard input)
     * @param offset      byte offset, in the (decompressed) file, of the header or block at fault
     * @param packetsRead packets delivered before the fault
     * @param detail      what is wrong, in libpcap's words where it has some
     */
    public CaptureFormatException(String file, long offset, long packetsRead, String detail) {
        super(file + ": " + detail + " at byte offset " + offset);
        this.file = file;
        this.offset = offset;
        this.packetsRead = packetsRead;
        this.detail = detail;
    }

    /** The file's name as given ({@code -} for standard input). */
    public String file() {
        return file;
    }

    /** Byte offset of the faulty header, record or block from the start of the (decompressed) file. */
    public long offset() {
        return offset;
    }

    /** How many packets were delivered before the fault. */
    public long packetsRead() {
        return packetsRead;
    }

    /** The fault alone, without file name and offset. */
    public String detail() {
        return detail;
    }
}
