package io.weir.engine.maps;

/**
 * The Linux error numbers map operations return (negated, as helpers return them to programs).
 */
public final class Errno {
    private Errno() {}

    /** No such entry. */
    public static final int ENOENT = 2;
    /** Argument list too long: the map is full, or an array index is out of range. */
    public static final int E2BIG = 7;
    /** Try again: a full ring buffer. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** The entry exists ({@code BPF_NOEXIST}). */
    public static final int EEXIST = 17;
    /** Invalid argument. */
    public static final int EINVAL = 22;

    /** The C name of {@code errno} (positive or negative), for messages: {@code -7} gives {@code E2BIG}. */
    public static String name(long errno) {
        switch ((int) Math.abs(errno)) {
            case 0: return "OK";
            case ENOENT: return "ENOENT";
            case E2BIG: return "E2BIG";
            case EAGAIN: return "EAGAIN";
            case ENOMEM: return "ENOMEM";
            case EEXIST: return "EEXIST";
            case EINVAL: return "EINVAL";
            default: return "errno " + Math.abs(errno);
        }
    }
}
