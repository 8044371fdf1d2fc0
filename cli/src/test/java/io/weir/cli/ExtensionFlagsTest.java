package io.weir.cli;

import static io.weir.cli.WeirCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.cli.WeirCommandTest.Run;
import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extension switches on the command line: {@code weir -d} and {@code weir compile} compile with them. */
class ExtensionFlagsTest {
    private static String listing(String expr, CompileOptions o) throws Exception {
        return FilterCompiler.dump(FilterCompiler.compile(expr, 1, FilterCompiler.DEFAULT_SNAPLEN, o), 1);
    }

    @Test
    void switchesReachTheCompiler() throws Exception {
        Run r = run("-d", "-y", "EN10MB", "--vlan-any", "--ip6-transport", "tcp[13] = 2");
        assertEquals(0, r.status(), r.err());
        assertEquals(listing("tcp[13] = 2", CompileOptions.DEAD.withVlanAny(true).withIp6Transport(true)), r.out());
        Run c = run("compile", "--vlan-any", "-y", "EN10MB", "tcp port 80");
        assertEquals(0, c.status(), c.err());
        assertEquals(listing("tcp port 80", CompileOptions.DEAD.withVlanAny(true)), c.out());
        // The next command without the switches is libpcap's again.
        Run plain = run("-d", "-y", "EN10MB", "tcp[13] = 2");
        assertEquals(listing("tcp[13] = 2", CompileOptions.DEAD), plain.out());
    }

    /**
     * The {@code -r} path ({@link PacketSelector}) gets the switches too: {@code --vlan-any udp} counts the UDP
     * frames with 0, 1 and 2 tags (three libpcap expressions, run apart since {@code vlan}'s offset shift would
     * carry over an {@code or}), and the next command without the switch is libpcap's {@code udp} again.
     */
    @Test
    void readPathCompilesWithTheSwitches() {
        String file = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps/mixed-ether.pcap").toString();
        int plain = count(run("-r", file, "--count", "udp"));
        int tagged = count(run("-r", file, "--count", "vlan and udp"));
        int twice = count(run("-r", file, "--count", "vlan and vlan and udp"));
        assertTrue(tagged > 0 && twice > 0, "the capture has UDP behind one and two tags");
        assertEquals(plain + tagged + twice, count(run("-r", file, "--count", "--vlan-any", "udp")));
        assertEquals(plain, count(run("-r", file, "--count", "udp")));
    }

    private static int count(Run r) {
        assertEquals(0, r.status(), r.err());
        return Integer.parseInt(r.out().substring(0, r.out().indexOf(' ')));
    }

    @Test
    void defsFileNamesFilters(@TempDir Path dir) throws Exception {
        Path defs = dir.resolve("net.defs");
        Files.writeString(defs, "# servers\ndefine web tcp port 80 or tcp port 443\ndefine syn tcp flags SYN\n");
        Run r = run("-d", "-y", "EN10MB", "--defs", defs.toString(), "$web and not $syn");
        assertEquals(0, r.status(), r.err());
        assertEquals(listing("(tcp port 80 or tcp port 443) and not (tcp flags SYN)", CompileOptions.DEAD), r.out());
        Run c = run("compile", "--defs", defs.toString(), "-y", "EN10MB", "$syn");
        assertEquals(0, c.status(), c.err());
        Files.writeString(defs, "define a tcp\ndefine b $a and $c\n");
        Run bad = run("-d", "-y", "EN10MB", "--defs", defs.toString(), "$b");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains(defs + ":2: undefined name '$c'"), bad.err());
        Run missing = run("-d", "-y", "EN10MB", "--defs", dir.resolve("none").toString(), "tcp");
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("weir: "), missing.err());
    }
}
