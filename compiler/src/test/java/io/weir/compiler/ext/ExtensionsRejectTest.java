package io.weir.compiler.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Errors of Weir's extensions, each with its message and the text it points at (the RejectTest pattern), and
 * the expressions whose meaning must stay libpcap's: the extension words are keywords only where libpcap
 * would reject the expression anyway.
 */
class ExtensionsRejectTest {
    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("tcp flags SYNN", "unknown TCP flag 'SYNN'", "SYNN"),
                Arguments.of("tcp flags SYN and bogus", "unknown TCP flag 'bogus'", "bogus"),
                Arguments.of("tcp src flags SYN", "'flags' takes no direction", "src"),
                Arguments.of("tcp flags 2", "unknown TCP flag '2'", "2"),
                Arguments.of("vxlan 16777216", "VXLAN VNI 16777216 greater than maximum 16777215", "vxlan 16777216"),
                Arguments.of("inner (port 70000)", "illegal port number 70000 > 65535", "70000"),
                Arguments.of("inner (tcp port 80", "syntax error: unexpected end of expression", ""),
                Arguments.of("inner (inner (inner (tcp)))", "tunnel scopes nest at most 2 deep", "inner (tcp)"),
                Arguments.of("inner (inner (host 10.3.3.3))", "program too long", "inner (inner (host 10.3.3.3))"),
                Arguments.of("udp port 80 or vxlan", "unknown port 'vxlan'", "vxlan"),
                Arguments.of("host 10.0.0.1 or gre", "Weir does not resolve host names: 'gre' (use a numeric address)",
                        "gre"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectedWithLocation(String expr, String message, String at) {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> FilterCompiler.compile(expr, 1, 65535), expr);
        assertTrue(e.getMessage().startsWith(message), expr + ": " + e.getMessage());
        assertEquals(at, expr.substring(e.start(), e.end()), expr + ": " + e.render());
    }

    static Stream<Arguments> defsRejected() {
        return Stream.of(
                Arguments.of("define web tcp port 80\ndefine web udp", "f:2: 'web' is already defined at line 1",
                        "web"),
                Arguments.of("defin web tcp", "f:1: expected 'define NAME EXPRESSION'", "defin web tcp"),
                Arguments.of("define a $b\ndefine b $a", "f:1: definition cycle: $a -> $b -> $a", "$b"),
                Arguments.of("# c\ndefine a tcp port", "f:2: syntax error: unexpected end of expression", ""),
                Arguments.of("define a $nothere", "f:1: undefined name '$nothere'", "$nothere"),
                Arguments.of("define a-b tcp", "f:1: a name is letters, digits and '_'", "a-"));
    }

    @ParameterizedTest
    @MethodSource("defsRejected")
    void defsFileErrorsNameTheLine(String text, String message, String at) {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> io.weir.compiler.parse.Defs.load(text, "f"));
        assertEquals(message, e.getMessage());
        assertEquals(at, e.expression().substring(e.start(), e.end()), e.render());
    }

    @org.junit.jupiter.api.Test
    void defsExpandParenthesizedAndLocateUndefinedNames() throws Exception {
        Map<String, String> defs = io.weir.compiler.parse.Defs.load(
                "# web servers\ndefine web tcp port 80 or tcp port 443\n\ndefine webhost $web and host 10.0.0.1\n",
                "defs");
        CompileOptions o = CompileOptions.DEAD.withDefs(defs);
        assertEquals(FilterCompiler.dump(FilterCompiler.compile("(tcp port 80 or tcp port 443) and host 10.0.0.1",
                1, 65535), 1), FilterCompiler.dump(FilterCompiler.compile("$webhost", 1, 65535, o), 1));
        assertEquals(FilterCompiler.dump(FilterCompiler.compile("not (tcp port 80 or tcp port 443)", 1, 65535), 1),
                FilterCompiler.dump(FilterCompiler.compile("not $web", 1, 65535, o), 1));
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> FilterCompiler.compile("ip and $webs", 1, 65535, o));
        assertEquals("undefined name '$webs'", e.getMessage());
        assertEquals("$webs", e.expression().substring(e.start(), e.end()));
        // Without --defs, '$' stays the illegal character it is for libpcap.
        assertThrows(FilterSyntaxException.class, () -> FilterCompiler.compile("$web", 1, 65535));
    }

    static Stream<String> libpcapMeaning() {
        return Stream.of("ip proto 47 or gre", "ip proto 4 or ipip", "tcp port 80 or 22", "ip6 and tcp[13] = 2 or udp",
                "icmp6[0] = 128", "tcp[13] & 2 != 0", "vlan and tcp port 80", "tcp port 80", "port 53 and udp");
    }

    /** With every option off, the program is libpcap's (DifferentialTest); --vlan-any leaves vlan expressions be. */
    @ParameterizedTest
    @MethodSource("libpcapMeaning")
    void optionsOffOrNotApplicableKeepThePlainProgram(String expr) throws Exception {
        String plain = FilterCompiler.dump(FilterCompiler.compile(expr, 1, 65535), 1);
        assertEquals(plain, FilterCompiler.dump(FilterCompiler.compile(expr, 1, 65535, new CompileOptions(null, 0)), 1));
        for (int lt : expr.startsWith("vlan") ? new int[0] : new int[] {12, 113, 276}) {
            assertEquals(FilterCompiler.dump(FilterCompiler.compile(expr, lt, 65535), 1), FilterCompiler.dump(
                    FilterCompiler.compile(expr, lt, 65535, CompileOptions.DEAD.withVlanAny(true)), 1), expr + " " + lt);
        }
        if (expr.startsWith("vlan")) {
            assertEquals(plain, FilterCompiler.dump(FilterCompiler.compile(expr, 1, 65535,
                    CompileOptions.DEAD.withVlanAny(true)), 1));
        }
    }
}
