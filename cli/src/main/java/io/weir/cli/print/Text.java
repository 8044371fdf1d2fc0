package io.weir.cli.print;

/**
 * tcpdump's handling of text protocols (its txtproto_print): whether a payload starts with a request word or a
 * three-digit response code, and the first line when it is all printable ASCII.
 */
final class Text {
    private Text() {}

    /** Appends ": LINE" for the first line of printable text (CRLF or LF ended, or the rest); nothing otherwise. */
    static void firstLine(Frame f, int o, int len) {
        int i = 0;
        int lineEnd = -1;
        while (i < len) {
            int c = f.u8(o + i);
            if (c == '\n') {
                lineEnd = i;
                break;
            } else if (c == '\r') {
                if (i + 1 >= len || f.u8(o + i + 1) != '\n') {
                    return;
                }
                lineEnd = i;
                break;
            } else if (!Frame.printable(c) && c != '\t') {
                return;
            }
            i++;
        }
        if (lineEnd < 0) {
            lineEnd = len;
        }
        f.sb.append(": ");
        for (int k = 0; k < lineEnd; k++) {
            f.sb.append((char) f.u8(o + k));
        }
    }

    /** Whether the payload starts with one of {@code commands} or has a 3-digit response code as second token. */
    static boolean looksLike(Frame f, int o, int len, String[] commands) {
        int end1 = token(f, o, 0, len);
        if (end1 <= 0) {
            return false;
        }
        for (String c : commands) {
            if (equalsIgnoreCase(f, o, end1, c)) {
                return true;
            }
        }
        int s2 = skipBlanks(f, o, end1, len);
        if (s2 < 0) {
            return false;
        }
        int end2 = token(f, o, s2, len);
        return end2 - s2 == 3 && digit(f.u8(o + s2)) && digit(f.u8(o + s2 + 1)) && digit(f.u8(o + s2 + 2));
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** The end of the token starting at {@code i}, or -1 when it holds something not printable. */
    private static int token(Frame f, int o, int i, int len) {
        int start = i;
        for (; i < len; i++) {
            int c = f.u8(o + i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                break;
            }
            if (!Frame.printable(c) || i - start >= 127) {
                return -1;
            }
        }
        return i == start ? -1 : i;
    }

    private static int skipBlanks(Frame f, int o, int i, int len) {
        for (; i < len; i++) {
            int c = f.u8(o + i);
            if (c == '\r' || c == '\n' || !Frame.printable(c)) {
                return -1;
            }
            if (c != ' ' && c != '\t') {
                return i;
            }
        }
        return -1;
    }

    private static boolean equalsIgnoreCase(Frame f, int o, int end, String word) {
        if (end != word.length()) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            if (Character.toUpperCase((char) f.u8(o + i)) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The SSH version banner ("SSH-2.0-..."), printed by tcpdump as ": SSH-2.0-..." up to the line end. */
    static void sshBanner(Frame f, int o, int len) {
        if (len < 4 || f.u8(o) != 'S' || f.u8(o + 1) != 'S' || f.u8(o + 2) != 'H' || f.u8(o + 3) != '-') {
            return;
        }
        for (int i = 4; i < len; i++) {
            int c = f.u8(o + i);
            if (c == '\r' || c == '\n') {
                f.sb.append(": ");
                for (int k = 0; k < i; k++) {
                    f.sb.append((char) f.u8(o + k));
                }
                return;
            }
        }
    }
}
