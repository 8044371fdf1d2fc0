package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;

/**
 * The formatting of {@code bpf_trace_printk}: a NUL-terminated format of at most {@code size} bytes read from
 * program memory, with up to three conversions among {@code %d %i %u %x %X %c %p %%} and their {@code l}/{@code ll}
 * forms (an int conversion without {@code l} uses the low 32 bits) and {@code %s} (a NUL-terminated string read
 * from program memory, at most 64 bytes). A trailing newline is dropped.
 */
final class TracePrintk {
    private TracePrintk() {}

    static String format(EbpfMemory m, long fmt, long size, long[] args) {
        if (size <= 0 || size > 1024) {
            throw new EbpfMemory.Fault("trace_printk: bad format size " + size);
        }
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < size; i++) {
            int c = (int) m.load(fmt + i, 1);
            if (c == 0) {
                break;
            }
            f.append((char) c);
        }
        StringBuilder out = new StringBuilder();
        int arg = 0;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%' || i + 1 >= f.length()) {
                out.append(c);
                continue;
            }
            int j = i + 1;
            if (f.charAt(j) == '%') {
                out.append('%');
                i = j;
                continue;
            }
            int longs = 0;
            while (j < f.length() && f.charAt(j) == 'l') {
                longs++;
                j++;
            }
            if (j >= f.length() || arg >= args.length) {
                out.append(f, i, Math.min(j + 1, f.length()));
                i = j;
                continue;
            }
            long v = args[arg++];
            char conv = f.charAt(j);
            switch (conv) {
                case 'd', 'i' -> out.append(longs > 0 ? v : (long) (int) v);
                case 'u' -> out.append(longs > 0 ? Long.toUnsignedString(v) : Long.toString(v & 0xffff_ffffL));
                case 'x' -> out.append(Long.toHexString(longs > 0 ? v : v & 0xffff_ffffL));
                case 'X' -> out.append(Long.toHexString(longs > 0 ? v : v & 0xffff_ffffL).toUpperCase());
                case 'c' -> out.append((char) (v & 0xff));
                case 'p' -> out.append("0x").append(Long.toHexString(v));
                case 's' -> {
                    for (int k = 0; k < 64; k++) {
                        int ch = (int) m.load(v + k, 1);
                        if (ch == 0) {
                            break;
                        }
                        out.append((char) ch);
                    }
                }
                default -> out.append(f, i, j + 1);
            }
            i = j;
        }
        int n = out.length();
        if (n > 0 && out.charAt(n - 1) == '\n') {
            out.setLength(n - 1);
        }
        return out.toString();
    }
}
