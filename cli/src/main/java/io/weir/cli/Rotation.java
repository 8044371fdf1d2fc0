package io.weir.cli;

import java.time.Instant;
import java.time.ZoneId;

/**
 * tcpdump's output rotation: {@code -C SIZE} (a new file once the current one is larger than SIZE million bytes),
 * {@code -G SECONDS} (a new file on the first packet after SECONDS have passed since the last rotation, its name
 * passed through {@code strftime}) and {@code -W COUNT} (with {@code -C}: a ring of COUNT files; with {@code -G}
 * alone: stop after COUNT files).
 *
 * <p>File names are tcpdump's: the {@code -w} name (after {@code strftime} when {@code -G} is set), then, with
 * {@code -C}, a number: none for the first file without {@code -W} ({@code FILE}, {@code FILE1},
 * {@code FILE2}...), or zero-padded to the width of {@code COUNT - 1} with {@code -W} ({@code -W 10}:
 * {@code FILE0}...{@code FILE9}; {@code -W 100}: {@code FILE00}...).
 *
 * @param sizeBytes -C in bytes (0: no size rotation)
 * @param seconds   -G (0: no time rotation)
 * @param files     -W (0: no limit)
 */
record Rotation(long sizeBytes, int seconds, int files) {
    /** tcpdump's -C unit: a million bytes, not a mebibyte. */
    static final long SIZE_UNIT = 1_000_000L;

    /** No rotation: one file. */
    static final Rotation NONE = new Rotation(0, 0, 0);

    /**
     * The plan from the option values ({@code null} when absent); throws {@link IllegalArgumentException} with
     * tcpdump's message for a bad value.
     */
    static Rotation of(String size, String seconds, String files) {
        long c = 0;
        if (size != null) {
            c = number(size);
            if (c <= 0 || c > Long.MAX_VALUE / SIZE_UNIT) {
                throw new IllegalArgumentException("invalid file size " + size);
            }
        }
        long g = seconds == null ? 0 : number(seconds);
        if (g < 0 || g > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid number of seconds " + seconds);
        }
        long w = files == null ? 0 : number(files);
        if (files != null && (w <= 0 || w > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("invalid number of output files " + files);
        }
        return new Rotation(c * SIZE_UNIT, (int) g, (int) w);
    }

    /** A decimal number, or -1. */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }

    /** Whether the output rotates at all ({@code -W} alone does nothing, as in tcpdump). */
    boolean active() {
        return sizeBytes > 0 || seconds > 0;
    }

    /** Digits of the file number with {@code -W}: those of {@code files - 1} (0 without -W, or -W 1). */
    int width() {
        int c = 0;
        for (int x = files - 1; x > 0; x /= 10) {
            c++;
        }
        return c;
    }

    /**
     * File {@code number} of the series (tcpdump's {@code MakeFilename}): {@code base} through {@code strftime} at
     * {@code epochSecond} in {@code zone} when {@code -G} is set, then the number padded to {@code width} digits,
     * except that number 0 with width 0 adds nothing.
     */
    String name(String base, int number, int width, long epochSecond, ZoneId zone) {
        String name = seconds > 0 ? Strftime.format(base, Instant.ofEpochSecond(epochSecond).atZone(zone)) : base;
        if (number == 0 && width == 0) {
            return name;
        }
        String n = Integer.toString(number);
        StringBuilder sb = new StringBuilder(name);
        for (int i = n.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(n).toString();
    }
}
