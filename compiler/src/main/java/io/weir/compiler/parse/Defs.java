package io.weir.compiler.parse;

import io.weir.compiler.FilterSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named filters, Weir's extension: a {@code --defs} file holds lines {@code define NAME EXPRESSION}, and an
 * expression (or a later or earlier definition) uses one as {@code $NAME}. Expansion is textual and
 * parenthesized, so {@code $a or $b} keeps each body whole: {@code define web tcp port 80 or tcp port 443}
 * then {@code $web and host 10.0.0.1} is {@code (tcp port 80 or tcp port 443) and host 10.0.0.1}.
 *
 * <p>Blank lines and lines starting with {@code #} are skipped. Errors (a malformed line, a name defined twice,
 * an undefined {@code $NAME}, a cycle, a body that does not parse) name the file and line and point at the
 * offending text. {@code -F FILE} is unrelated: it stays tcpdump's whole-file expression, in which
 * {@code define} would be a syntax error, so the two never share a syntax.
 */
public final class Defs {
    private Defs() {
    }

    /**
     * The definitions in {@code text} (the contents of {@code fileName}), in file order, each body checked to
     * parse with every {@code $NAME} expanded.
     */
    public static Map<String, String> load(String text, String fileName) throws FilterSyntaxException {
        Map<String, String> defs = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        Map<String, String> lineText = new LinkedHashMap<>();
        Map<String, Integer> bodyStart = new LinkedHashMap<>();
        String[] all = text.split("\r?\n", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String where = fileName + ":" + (i + 1) + ": ";
            int p = skipBlanks(line, 0);
            if (!line.startsWith("define", p) || p + 6 >= line.length() || !Character.isWhitespace(line.charAt(p + 6))) {
                throw new FilterSyntaxException(where + "expected 'define NAME EXPRESSION'", line, p, line.length());
            }
            int n = skipBlanks(line, p + 6);
            int e = nameEnd(line, n);
            if (e == n) {
                throw new FilterSyntaxException(where + "expected a name after 'define'", line, n, n + 1);
            }
            if (e < line.length() && !Character.isWhitespace(line.charAt(e))) {
                throw new FilterSyntaxException(where + "a name is letters, digits and '_'", line, n, e + 1);
            }
            String name = line.substring(n, e);
            if (defs.containsKey(name)) {
                throw new FilterSyntaxException(where + "'" + name + "' is already defined at line "
                        + lines.get(name), line, n, e);
            }
            int b = skipBlanks(line, e);
            defs.put(name, line.substring(b).strip());
            lines.put(name, i + 1);
            lineText.put(name, line);
            bodyStart.put(name, b);
        }
        // Every body must expand (no undefined name, no cycle) and parse; errors point into its line.
        for (Map.Entry<String, String> d : defs.entrySet()) {
            String name = d.getKey();
            String where = fileName + ":" + lines.get(name) + ": ";
            String line = lineText.get(name);
            int shift = bodyStart.get(name);
            try {
                List<String> stack = new ArrayList<>();
                stack.add(name);
                Parser.parse(expand(d.getValue(), defs, stack));
            } catch (FilterSyntaxException x) {
                boolean inBody = x.expression().equals(d.getValue());
                int s = inBody ? x.start() + shift : shift;
                int en = inBody ? x.end() + shift : line.length();
                throw new FilterSyntaxException(where + x.getMessage(), line, s, en);
            }
        }
        return defs;
    }

    /**
     * {@code expr} with every {@code $NAME} replaced by its parenthesized, expanded definition; an expression
     * without {@code $} is returned as it is.
     *
     * @throws FilterSyntaxException an undefined name or a cycle, located at the {@code $NAME} in {@code expr}
     */
    public static String expand(String expr, Map<String, String> defs) throws FilterSyntaxException {
        return expand(expr, defs, new ArrayList<>());
    }

    private static String expand(String expr, Map<String, String> defs, List<String> stack)
            throws FilterSyntaxException {
        int dollar = expr.indexOf('$');
        if (dollar < 0) {
            return expr;
        }
        StringBuilder out = new StringBuilder(expr.length() + 32);
        int from = 0;
        while (dollar >= 0) {
            out.append(expr, from, dollar);
            int e = nameEnd(expr, dollar + 1);
            if (e == dollar + 1) {
                throw new FilterSyntaxException("'$' must be followed by a defined name", expr, dollar, dollar + 1);
            }
            String name = expr.substring(dollar + 1, e);
            String body = defs.get(name);
            if (body == null) {
                throw new FilterSyntaxException("undefined name '$" + name + "'", expr, dollar, e);
            }
            if (stack.contains(name)) {
                StringBuilder cycle = new StringBuilder();
                for (String s : stack.subList(stack.indexOf(name), stack.size())) {
                    cycle.append('$').append(s).append(" -> ");
                }
                throw new FilterSyntaxException("definition cycle: " + cycle + "$" + name, expr, dollar, e);
            }
            stack.add(name);
            String inner;
            try {
                inner = expand(body, defs, stack);
            } catch (FilterSyntaxException x) {
                // Located where this expression uses the name whose body failed.
                throw new FilterSyntaxException(x.getMessage(), expr, dollar, e);
            }
            stack.remove(stack.size() - 1);
            out.append('(').append(inner).append(')');
            from = e;
            dollar = expr.indexOf('$', from);
        }
        out.append(expr, from, expr.length());
        return out.toString();
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The end of the name starting at {@code i}: letters, digits and '_'. */
    private static int nameEnd(String s, int i) {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')
                && s.charAt(i) < 128) {
            i++;
        }
        return i;
    }
}
