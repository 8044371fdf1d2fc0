package io.weir.engine.maps;

/**
 * A map that cannot be created (a bad {@link MapSpec}) or a bad call of the Java map API: the message says what,
 * in the kernel's terms, and {@link #errno()} gives the error number Linux would return.
 */
public final class MapException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /** An error with this (positive) errno and message. */
    public MapException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** The positive Linux error number. */
    public int errno() {
        return errno;
    }
}
