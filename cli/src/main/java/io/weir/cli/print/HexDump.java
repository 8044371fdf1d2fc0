package io.weir.cli.print;

/**
 * tcpdump's packet dumps after the summary line: {@code -x} (hex, 16 bytes a line in 2-byte groups), {@code -X}
 * (hex and ASCII, graphic characters only), {@code -A} (ASCII; a CR before LF or at the very end dropped); doubled, they
 * start at the link header instead of the network header.
 */
final class HexDump {
    private HexDump() {}

    /** {@code -x}: "\n\t0x0000:  4500 0054 ..." */
    static void hex(Frame f, int from, int len) {
        StringBuilder sb = f.sb;
        for (int i = 0; i < len; i += 2) {
            if (i % 16 == 0) {
                offset(f, i);
            }
            sb.append(' ');
            f.hex2(f.u8(from + i));
            if (i + 1 < len) {
                f.hex2(f.u8(from + i + 1));
            }
        }
    }

    private static void offset(Frame f, int off) {
        f.sb.append("\n\t0x");
        f.hex4(off);
        f.sb.append(": ");
    }

    /** {@code -X}: hex padded to 40 columns, two spaces, then the graphic characters (others as '.'). */
    static void hexAscii(Frame f, int from, int len) {
        StringBuilder sb = f.sb;
        for (int line = 0; line < len; line += 16) {
            offset(f, line);
            int n = Math.min(16, len - line);
            int start = sb.length();
            for (int i = 0; i < n; i += 2) {
                sb.append(' ');
                f.hex2(f.u8(from + line + i));
                if (i + 1 < n) {
                    f.hex2(f.u8(from + line + i + 1));
                }
            }
            for (int i = sb.length() - start; i < 40; i++) {
                sb.append(' ');
            }
            sb.append("  ");
            for (int i = 0; i < n; i++) {
                int c = f.u8(from + line + i);
                sb.append(c > 0x20 && c < 0x7F ? (char) c : '.');
            }
        }
    }

    /** {@code -A}: a new line, then the bytes as text. */
    static void ascii(Frame f, int from, int len) {
        StringBuilder sb = f.sb;
        sb.append('\n');
        for (int i = 0; i < len; i++) {
            int c = f.u8(from + i);
            if (c == '\r') {
                // tcpdump's test: a '.' only with more than one byte after the CR, the next not a LF.
                if (len - i - 1 > 1 && f.u8(from + i + 1) != '\n') {
                    sb.append('.');
                }
            } else if ((c > 0x20 && c < 0x7F) || c == '\t' || c == ' ' || c == '\n') {
                sb.append((char) c);
            } else {
                sb.append('.');
            }
        }
    }
}
