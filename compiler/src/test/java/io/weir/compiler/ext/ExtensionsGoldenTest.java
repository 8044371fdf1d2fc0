package io.weir.compiler.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden {@code -d} listings of extension programs ({@code golden-ext/NAME.golden}, rewritten with
 * {@code -Dgolden.update=true}): they pin the shape and size of the tunnel frames, the VLAN-agnostic form and
 * the TCP-flag tests. Their verdicts are ExtensionsOracleTest's (the same expressions, against tshark).
 */
class ExtensionsGoldenTest {
    private record Case(String name, String opts, String expr) {
    }

    private static final List<Case> CASES = List.of(
            new Case("vxlan-vni", "", "vxlan 42"),
            new Case("vxlan-inner-port", "", "vxlan 42 and tcp port 443"),
            new Case("ipip-inner-tcp", "", "ipip and inner (tcp)"),
            new Case("gre-inner-host", "", "gre and inner (host 10.0.0.1)"),
            new Case("vlan-any-port", "v", "tcp port 80"),
            new Case("ip6-transport-icmp6", "6", "icmp6[0] = 128"));

    private static Path sourceDir() {
        return Path.of(System.getProperty("weir.projectDir", "."), "compiler", "src", "test", "resources",
                "golden-ext");
    }

    @TestFactory
    Stream<DynamicTest> goldenListings() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name + ": " + c.expr, () -> check(c)));
    }

    private static void check(Case c) throws Exception {
        CompileOptions o = CompileOptions.DEAD.withIp6Transport(c.opts.contains("6")).withVlanAny(c.opts.contains("v"));
        ClassicProgram p = FilterCompiler.compile(c.expr, 1, FilterCompiler.DEFAULT_SNAPLEN, o);
        String text = "# expr: " + c.expr + "\n# options: " + (c.opts.contains("6") ? "--ip6-transport " : "")
                + (c.opts.contains("v") ? "--vlan-any" : "") + "\n# linktype: EN10MB\n" + FilterCompiler.dump(p, 1)
                + "# -ddd\n" + FilterCompiler.dump(p, 3);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(sourceDir());
            Files.writeString(sourceDir().resolve(c.name + ".golden"), text);
            return;
        }
        String want;
        try (InputStream in = ExtensionsGoldenTest.class.getResourceAsStream("/golden-ext/" + c.name + ".golden")) {
            assertNotNull(in, "missing golden-ext/" + c.name + ".golden (run with -Dgolden.update=true)");
            want = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(want, text, "golden-ext/" + c.name + ".golden");
        ClassicProgram parsed = TcpdumpFormat.parse(want.substring(want.indexOf("# -ddd\n") + 7));
        assertEquals(p.insns(), parsed.insns(), "the golden -ddd form parses back to the program");
    }
}
