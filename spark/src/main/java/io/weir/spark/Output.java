package io.weir.spark;

import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Row;

/** How {@code ./weir-spark} prints a result: an aligned text table, or CSV (RFC 4180 quoting). */
final class Output {
    private Output() {}

    static void table(PrintStream out, String[] names, List<Row> rows) {
        int[] width = new int[names.length];
        String[][] cells = new String[rows.size()][names.length];
        for (int c = 0; c < names.length; c++) {
            width[c] = names[c].length();
        }
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < names.length; c++) {
                cells[r][c] = text(rows.get(r).get(c));
                width[c] = Math.max(width[c], cells[r][c].length());
            }
        }
        out.println(line(names, width));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < names.length; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        out.println(rule);
        for (String[] row : cells) {
            out.println(line(row, width));
        }
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            s.append(c == 0 ? "" : "  ").append(cells[c]);
            if (c + 1 < cells.length) {
                s.append(" ".repeat(width[c] - cells[c].length()));
            }
        }
        return s.toString();
    }

    static void csv(PrintStream out, String[] names, List<Row> rows) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < names.length; c++) {
            s.append(c == 0 ? "" : ",").append(quote(names[c]));
        }
        out.println(s);
        for (Row r : rows) {
            s.setLength(0);
            for (int c = 0; c < names.length; c++) {
                Object v = r.get(c);
                s.append(c == 0 ? "" : ",").append(v == null ? "" : quote(text(v)));
            }
            out.println(s);
        }
    }

    private static String quote(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    /** A value as text: binary as hex, null as NULL. */
    private static String text(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        return v.toString();
    }
}
