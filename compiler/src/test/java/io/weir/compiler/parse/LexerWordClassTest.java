package io.weir.compiler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The lexer's hand-written word classes (no regex on the cold path) against the regular expressions they
 * replace, on a table of edge cases and on random words over the relevant alphabet.
 */
class LexerWordClassTest {
    private static final String B = "[0-9a-fA-F]{1,2}";
    private static final Pattern NUM = Pattern.compile("0[xX][0-9a-fA-F]+|[0-9]+");
    private static final Pattern HID = Pattern.compile("[0-9]+(\\.[0-9]+){1,3}");
    private static final Pattern EID = Pattern.compile(
            B + "(:" + B + "){5}|" + B + "(-" + B + "){5}|" + B + "(\\." + B + "){5}"
                    + "|[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}|[0-9a-fA-F]{12}");
    private static final Pattern HID6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private static final List<String> TABLE = List.of("", "0", "0x", "0x1f", "0X1F", "0xg", "12", "012", "1.2",
            "1.2.3.4", "1.2.3.4.5", "1..2", ".1", "1.", "a:b:c:d:e:f", "01:02:03:04:05:06", "1-2-3-4-5-6",
            "1:2-3:4:5:6", "001:2:3:4:5:6", "a.b.c.d.e.f", "0123.4567.89ab", "0123.4567.89a", "0123456789ab",
            "0123456789abc", "::", "::1", "fe80::1", "::ffff:1.2.3.4", "1.2::3", ":", "g::1", "1:2:3:4:5:6:",
            "tcp", "tcp-syn", "10-20");

    private static void same(String name, Pattern p, Predicate<String> hand, List<String> words) {
        for (String w : words) {
            assertEquals(p.matcher(w).matches(), hand.test(w), name + " on '" + w + "'");
        }
    }

    private static List<String> words() {
        List<String> out = new ArrayList<>(TABLE);
        Random r = new Random(7);
        String alphabet = "0123456789abcdefABCDEFxXg:.-";
        for (int i = 0; i < 20000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(16);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
        // Well-formed shapes, so that the positive cases are not left to chance.
        for (int i = 0; i < 2000; i++) {
            char sep = ":-.".charAt(r.nextInt(3));
            StringBuilder sb = new StringBuilder();
            for (int g = 0; g < 5 + r.nextInt(3); g++) {
                if (g > 0) {
                    sb.append(r.nextInt(20) == 0 ? ":-.".charAt(r.nextInt(3)) : sep);
                }
                sb.append(Integer.toHexString(r.nextInt(r.nextBoolean() ? 16 : 300)));
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void handMatchersEqualTheRegexes() {
        List<String> words = words();
        same("NUM", NUM, Lexer::isNum, words);
        same("HID", HID, Lexer::isHid, words);
        same("EID", EID, Lexer::isEid, words);
        same("HID6", HID6, Lexer::isHid6, words);
        same("digits", DIGITS, Lexer::allDigits, words);
    }
}
