package io.weir.cli.print;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * tcpdump's time stamp column, chosen by {@code -t} counts: local time of day (default), none ({@code -t}), Unix
 * seconds ({@code -tt}), delta to the previous packet ({@code -ttt}), local date and time ({@code -tttt}), delta
 * to the first packet ({@code -ttttt}). Six fraction digits, or nine with {@code --time-stamp-precision nano}
 * (tcpdump reads nanosecond files at microsecond precision unless asked, truncating). The zone's offset and the
 * date are looked up once per second and once per day, so the common case allocates nothing.
 */
final class TimeStamps {
    private final StringBuilder sb;
    private final int mode;
    private final boolean nanos;
    private final ZoneRules zone;
    private long cachedSecond = Long.MIN_VALUE;
    private int cachedOffset;
    private long cachedDay = Long.MIN_VALUE;
    private String cachedDate;
    private long first = Long.MIN_VALUE;
    private long previous = Long.MIN_VALUE;

    TimeStamps(StringBuilder sb, PrintOptions opt) {
        this.sb = sb;
        this.mode = opt.timeMode;
        this.nanos = opt.nanos;
        this.zone = (opt.zone == null ? ZoneId.systemDefault() : opt.zone).getRules();
    }

    /** Appends the column for a packet at {@code epochNanos}, with its trailing space (nothing with -t). */
    void append(long epochNanos) {
        long t = nanos ? epochNanos : Math.floorDiv(epochNanos, 1000L) * 1000L;   // tcpdump truncates to µs
        switch (mode) {
            case 1:
                return;
            case 2:
                sb.append(Math.floorDiv(t, 1_000_000_000L)).append('.');
                fraction(Math.floorMod(t, 1_000_000_000L));
                break;
            case 3:
            case 5: {
                if (first == Long.MIN_VALUE) {
                    first = t;
                    previous = t;
                }
                long d = t - (mode == 3 ? previous : first);
                previous = t;
                sb.append(d < 0 ? '-' : ' ');
                hms(Math.abs(d));
                break;
            }
            case 4: {
                long second = Math.floorDiv(t, 1_000_000_000L);
                long local = second + offset(second);
                long day = Math.floorDiv(local, 86_400L);
                if (day != cachedDay) {
                    cachedDay = day;
                    cachedDate = LocalDate.ofEpochDay(day).toString();
                }
                sb.append(cachedDate).append(' ');
                hms(Math.floorMod(local, 86_400L) * 1_000_000_000L + Math.floorMod(t, 1_000_000_000L));
                break;
            }
            default: {
                long second = Math.floorDiv(t, 1_000_000_000L);
                long local = Math.floorMod(second + offset(second), 86_400L);
                hms(local * 1_000_000_000L + Math.floorMod(t, 1_000_000_000L));
            }
        }
        sb.append(' ');
    }

    private int offset(long second) {
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedOffset = zone.getOffset(Instant.ofEpochSecond(second)).getTotalSeconds();
        }
        return cachedOffset;
    }

    /** HH:MM:SS.fraction of a non-negative duration in nanoseconds (hours are not taken modulo 24). */
    private void hms(long n) {
        long s = n / 1_000_000_000L;
        two(s / 3600);
        sb.append(':');
        two(s / 60 % 60);
        sb.append(':');
        two(s % 60);
        sb.append('.');
        fraction(n % 1_000_000_000L);
    }

    private void fraction(long nanosOfSecond) {
        long v = nanos ? nanosOfSecond : nanosOfSecond / 1000;
        for (long p = nanos ? 100_000_000L : 100_000L; p > 1 && v < p; p /= 10) {
            sb.append('0');
        }
        sb.append(v);
    }

    private void two(long v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }
}
