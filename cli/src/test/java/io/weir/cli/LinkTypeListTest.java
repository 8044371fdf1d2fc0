package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code weir --list-linktypes}, and {@code -y} taking every name it lists. */
class LinkTypeListTest {
    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void listsNumberNameAndDescription() {
        String[] r = run("--list-linktypes");
        assertEquals("0", r[0], r[2]);
        String out = r[1];
        for (String line : new String[] {"    1  EN10MB (Ethernet)\n", "    9  PPP (PPP)\n",
            "  104  C_HDLC (Cisco HDLC)\n", "  113  LINUX_SLL (Linux cooked v1)\n",
            "  228  IPV4 (Raw IPv4)\n", "  276  LINUX_SLL2 (Linux cooked v2)\n"}) {
            assertTrue(out.contains(line), "missing " + line + " in\n" + out);
        }
        // libpcap cannot filter NFLOG: listed neither.
        assertTrue(!out.contains("NFLOG"), out);
    }

    @Test
    void everyListedNameCompilesWithY() {
        String out = run("--list-linktypes")[1];
        int names = 0;
        for (String line : out.split("\n")) {
            if (!line.startsWith("  ")) {
                continue;
            }
            String name = line.trim().split("\\s+")[1];
            if (name.equals("-")) {
                name = line.trim().split("\\s+")[0];   // unnamed: by number
            }
            String[] r = run("-y", name, "-d", "len > 100");
            assertEquals("0", r[0], name + ": " + r[2]);
            assertTrue(r[1].contains("ld       #pktlen"), name + ":\n" + r[1]);
            names++;
        }
        assertTrue(names >= 50, "only " + names + " link types listed");
    }

    @Test
    void libpcapsRefusalForLinkTypesItCannotFilter() {
        String[] r = run("-y", "NFLOG", "-d", "ip");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("NFLOG link-layer type filtering not implemented"), r[2]);
    }
}
