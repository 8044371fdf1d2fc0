package io.weir.cli;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * C's {@code strftime} in the C locale, for the file names of {@code -G} rotation ({@code -w 'dump-%Y%m%d-%H%M%S'}),
 * which tcpdump passes through {@code strftime} with the local time of the rotation.
 *
 * <p>Every conversion of C99 and POSIX is supported, with the {@code E} and {@code O} modifiers accepted and
 * ignored (as the C locale does); an unknown conversion is copied as it stands, as glibc does.
 */
final class Strftime {
    /** The zone's abbreviation, daylight saving time included ({@code CEST} in summer). */
    private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("zzz", Locale.US);

    private Strftime() {}

    /** {@code pattern} formatted at time {@code t}. */
    static String format(String pattern, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                sb.append(c);
                continue;
            }
            int start = i;
            char k = pattern.charAt(++i);
            if ((k == 'E' || k == 'O') && i + 1 < pattern.length()) {
                k = pattern.charAt(++i);
            }
            if (!conversion(sb, k, t)) {
                sb.append(pattern, start, i + 1);
            }
        }
        return sb.toString();
    }

    /** Appends conversion {@code k}; false when it is not one. */
    private static boolean conversion(StringBuilder sb, char k, ZonedDateTime t) {
        switch (k) {
            case 'a': sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US)); return true;
            case 'A': sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US)); return true;
            case 'b':
            case 'h': sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US)); return true;
            case 'B': sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.US)); return true;
            case 'c':
                conversion(sb, 'a', t);
                sb.append(' ');
                conversion(sb, 'b', t);
                sb.append(' ');
                pad(sb, t.getDayOfMonth(), 2, ' ');
                sb.append(' ');
                conversion(sb, 'T', t);
                sb.append(' ').append(t.getYear());
                return true;
            case 'C': pad(sb, Math.floorDiv(t.getYear(), 100), 2, '0'); return true;
            case 'd': pad(sb, t.getDayOfMonth(), 2, '0'); return true;
            case 'D': return conversions(sb, t, 'm', '/', 'd', '/', 'y');
            case 'e': pad(sb, t.getDayOfMonth(), 2, ' '); return true;
            case 'F':
                sb.append(t.getYear()).append('-');
                return conversions(sb, t, 'm', '-', 'd');
            case 'g': pad(sb, Math.floorMod(t.get(IsoFields.WEEK_BASED_YEAR), 100), 2, '0'); return true;
            case 'G': sb.append(t.get(IsoFields.WEEK_BASED_YEAR)); return true;
            case 'H': pad(sb, t.getHour(), 2, '0'); return true;
            case 'I': pad(sb, hour12(t), 2, '0'); return true;
            case 'j': pad(sb, t.getDayOfYear(), 3, '0'); return true;
            case 'k': pad(sb, t.getHour(), 2, ' '); return true;
            case 'l': pad(sb, hour12(t), 2, ' '); return true;
            case 'm': pad(sb, t.getMonthValue(), 2, '0'); return true;
            case 'M': pad(sb, t.getMinute(), 2, '0'); return true;
            case 'n': sb.append('\n'); return true;
            case 'p': sb.append(t.getHour() < 12 ? "AM" : "PM"); return true;
            case 'P': sb.append(t.getHour() < 12 ? "am" : "pm"); return true;
            case 'r':
                conversions(sb, t, 'I', ':', 'M', ':', 'S');
                sb.append(' ');
                return conversion(sb, 'p', t);
            case 'R': return conversions(sb, t, 'H', ':', 'M');
            case 's': sb.append(t.toEpochSecond()); return true;
            case 'S': pad(sb, t.getSecond(), 2, '0'); return true;
            case 't': sb.append('\t'); return true;
            case 'T': return conversions(sb, t, 'H', ':', 'M', ':', 'S');
            case 'u': sb.append(t.getDayOfWeek().getValue()); return true;
            case 'U': pad(sb, (t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7, 2, '0'); return true;
            case 'V': pad(sb, t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0'); return true;
            case 'w': sb.append(t.getDayOfWeek().getValue() % 7); return true;
            case 'W': pad(sb, (t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7, 2, '0'); return true;
            case 'x': return conversion(sb, 'D', t);
            case 'X': return conversion(sb, 'T', t);
            case 'y': pad(sb, Math.floorMod(t.getYear(), 100), 2, '0'); return true;
            case 'Y': sb.append(t.getYear()); return true;
            case 'z': {
                int s = t.getOffset().getTotalSeconds();
                sb.append(s < 0 ? '-' : '+');
                s = Math.abs(s) / 60;
                pad(sb, s / 60, 2, '0');
                pad(sb, s % 60, 2, '0');
                return true;
            }
            case 'Z': sb.append(ZONE.format(t)); return true;
            case '%': sb.append('%'); return true;
            default: return false;
        }
    }

    /** Conversions and literal separators in turn: {@code 'H', ':', 'M'} (letters convert, others are copied). */
    private static boolean conversions(StringBuilder sb, ZonedDateTime t, char... parts) {
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 0) {
                conversion(sb, parts[i], t);
            } else {
                sb.append(parts[i]);
            }
        }
        return true;
    }

    private static int hour12(ZonedDateTime t) {
        return t.get(ChronoField.CLOCK_HOUR_OF_AMPM);
    }

    private static void pad(StringBuilder sb, long v, int width, char fill) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append(fill);
        }
        sb.append(s);
    }
}
