package io.weir.compiler.parse;

/** Parsing of the address notations the lexer recognises: IPv4 (possibly short), IPv6 and MAC. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * The parts of a dotted IPv4 address ({@code "10.1"} gives {@code [10, 1]}), or null if a part is not a
     * decimal number up to 255.
     */
    public static int[] parseIpv4Parts(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length < 1 || parts.length > 4) {
            return null;
        }
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !Lexer.allDigits(p)) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    /** A full dotted IPv4 address as a 32-bit value, or -1 if it is not one. */
    public static long parseIpv4(String s) {
        int[] p = parseIpv4Parts(s);
        if (p == null || p.length != 4) {
            return -1;
        }
        return ((long) p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    }

    /** The 16 bytes of an IPv6 address (with {@code ::} and a trailing dotted quad allowed), or null. */
    public static byte[] parseIpv6(String s) {
        if (s.isEmpty() || s.indexOf(':') < 0) {
            return null;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) {
            return null;
        }
        int n = h.length + t.length;
        if (dbl < 0 ? n != 8 : n > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = (byte) (h[i] >> 8);
            out[2 * i + 1] = (byte) h[i];
        }
        for (int i = 0; i < t.length; i++) {
            int g = 8 - t.length + i;
            out[2 * g] = (byte) (t[i] >> 8);
            out[2 * g + 1] = (byte) t[i];
        }
        return out;
    }

    /** Colon-separated 16-bit groups; a final dotted quad counts as two groups. */
    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int extra = parts[parts.length - 1].indexOf('.') >= 0 ? 1 : 0;
        int[] out = new int[parts.length + extra];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && extra == 1) {
                long v4 = parseIpv4(p);
                if (v4 < 0) {
                    return null;
                }
                out[i] = (int) (v4 >>> 16);
                out[i + 1] = (int) (v4 & 0xFFFF);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            try {
                out[i] = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }

    /** The 6 bytes of a MAC address in any notation the lexer accepts, or null. */
    public static byte[] parseMac(String s) {
        String hex;
        if (s.indexOf(':') >= 0 || s.indexOf('-') >= 0 || (s.split("\\.").length == 6)) {
            // Any of ':', '.', '-' separates (String.split's single-character fast path, no regex engine).
            String[] parts = s.replace('-', ':').replace('.', ':').split(":");
            if (parts.length != 6) {
                return null;
            }
            StringBuilder sb = new StringBuilder();
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 2) {
                    return null;
                }
                sb.append(p.length() == 1 ? "0" + p : p);
            }
            hex = sb.toString();
        } else {
            hex = s.replace(".", "");
        }
        if (hex.length() != 12) {
            return null;
        }
        byte[] out = new byte[6];
        try {
            for (int i = 0; i < 6; i++) {
                out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return out;
    }
}
