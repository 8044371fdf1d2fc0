package io.weir.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * The one piece of JSON the reader meets: {@code DataFrameReader.load(String...)} passes several paths as the
 * option {@code paths}, a JSON array of strings. A tiny parser keeps Jackson (Spark's, in whatever version) out
 * of Weir's code.
 */
final class JsonStrings {
    private JsonStrings() {}

    /** The strings of a JSON array of strings, such as {@code ["a.pcap","dir/*.pcapng"]}. */
    static List<String> parseArray(String json) {
        List<String> out = new ArrayList<>();
        int i = skip(json, 0);
        if (i >= json.length() || json.charAt(i) != '[') {
            throw bad(json, i);
        }
        i = skip(json, i + 1);
        if (i < json.length() && json.charAt(i) == ']') {
            return out;
        }
        while (true) {
            if (i >= json.length() || json.charAt(i) != '"') {
                throw bad(json, i);
            }
            StringBuilder s = new StringBuilder();
            i++;
            while (true) {
                if (i >= json.length()) {
                    throw bad(json, i);
                }
                char c = json.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (i >= json.length()) {
                        throw bad(json, i);
                    }
                    char e = json.charAt(i++);
                    switch (e) {
                        case 'n' -> s.append('\n');
                        case 't' -> s.append('\t');
                        case 'r' -> s.append('\r');
                        case 'b' -> s.append('\b');
                        case 'f' -> s.append('\f');
                        case 'u' -> {
                            if (i + 4 > json.length()) {
                                throw bad(json, i);
                            }
                            s.append((char) Integer.parseInt(json.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> s.append(e);
                    }
                } else {
                    s.append(c);
                }
            }
            out.add(s.toString());
            i = skip(json, i);
            if (i < json.length() && json.charAt(i) == ',') {
                i = skip(json, i + 1);
            } else if (i < json.length() && json.charAt(i) == ']') {
                return out;
            } else {
                throw bad(json, i);
            }
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException bad(String json, int at) {
        return new IllegalArgumentException("option paths: not a JSON array of strings at character " + at
                + ": " + json);
    }
}
