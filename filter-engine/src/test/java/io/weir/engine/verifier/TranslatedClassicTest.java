package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.ClassicValidationException;
import io.weir.engine.cbpf.TcpdumpFormat;
import io.weir.engine.ebpf.Program;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Property: every eBPF program the classic translation makes from a libpcap program is accepted, quickly.
 * The classic programs come from {@code tcpdump -ddd -y EN10MB EXPR}, optimised and not, for a table of
 * expressions and for random combinations of primitives (seeded; the seed is in every failure message).
 */
class TranslatedClassicTest {
    static final String[] PRIMITIVES = {
        "ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "vlan", "mpls", "pppoes",
        "tcp port 80", "udp port 53", "port 443", "portrange 1000-2000", "host 10.0.0.1", "src host 192.168.1.1",
        "dst net 10.0.0.0/8", "net 172.16.0.0 mask 255.240.0.0", "ether host 00:11:22:33:44:55",
        "ether broadcast", "ether multicast", "ip broadcast", "ip multicast", "less 100", "greater 1000",
        "len > 60", "ip[0] & 0xf > 5", "ip[2:2] > 576", "tcp[tcpflags] & tcp-syn != 0",
        "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "icmp[icmptype] == icmp-echo", "ip6 host ::1",
        "ip6 net fe80::/10", "ip proto 47", "ip6 proto 58", "udp[8:2] == 0x1234", "tcp[((tcp[12] & 0xf0) >> 2):4] = 0x47455420",
        "ip[6:2] & 0x1fff != 0", "ether[12:2] = 0x88cc", "vlan 100", "src port 22", "dst portrange 8000-8080",
        "ip and not tcp", "(tcp or udp) and port 53", "ip host 1.2.3.4 and not port 22", "ip[8] < 64",
        "ip[1] & 0xfc != 0", "ip[4:2] * 2 > 100", "ip[2:2] - 20 > 1000", "ip[2:2] / 4 > 10", "ip[2:2] % 7 = 3",
        "ip[0] << 2 > 60", "ip[0] >> 4 = 4", "ip[0] ^ 0x45 = 0", "len - 14 > 1000", "tcp[13] & 2 != 0",
        "ip6 and tcp port 80", "icmp6 and ip6[40] = 128", "arp[6:2] = 2", "udp[4:2] > 100",
    };

    private static final String[] EXPRESSIONS = {
        "ip", "tcp port 80", "udp port 53 or tcp port 53", "host 10.0.0.1 and (tcp or udp)",
        "ip6 and tcp[tcpflags] & tcp-syn != 0", "vlan and ip", "not arp", "ip[2:2] / ip[0] > 3",
        "ip[0] & 0xf = len", "tcp[((tcp[12] & 0xf0) >> 2):4] = 0x47455420", "ether[0] & 1 = 0 and ip",
        "ip[2:2] << (ip[0] & 3) > 4", "ip[2:2] >> (ip[0] & 7) > 4", "ip[2:2] % ip[8] > 4",
        "ip6 protochain 6", "",
    };

    static boolean tcpdumpAvailable() {
        try {
            return run("--version") != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void assumeTcpdump() {
        if (!tcpdumpAvailable()) {
            if (Boolean.getBoolean("weir.requireLibpcap")) {
                fail("tcpdump is not installed (weir.requireLibpcap=true, so this is a failure)");
            }
            Assumptions.abort("tcpdump is not installed: no libpcap programs to translate");
        }
    }

    static String run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tcpdump"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /** The translated program of {@code expr}, or null when libpcap rejects the expression. */
    static Program translated(String expr, boolean optimize) {
        String text = optimize ? run("-ddd", "-y", "EN10MB", expr) : run("-O", "-ddd", "-y", "EN10MB", expr);
        if (text == null) {
            return null;
        }
        ClassicProgram c = TcpdumpFormat.parse(text);
        try {
            return ClassicToEbpf.translate(c);
        } catch (ClassicValidationException e) {
            // Not a program Weir runs at all (protochain's backward jump): the classic validator's business.
            return null;
        }
    }

    private static long check(String expr, boolean optimize, String why) {
        Program p = translated(expr, optimize);
        if (p == null) {
            return 0;
        }
        long t0 = System.nanoTime();
        try {
            new Verifier(Verifier.Options.DEFAULT.withBriefLog()).check(p);
        } catch (VerifierException e) {
            fail("translation of '" + expr + "' (" + (optimize ? "optimised" : "-O") + ", " + why + ") rejected: "
                    + e.getMessage() + "\n" + p);
        }
        return System.nanoTime() - t0;
    }

    @Test
    void everyTableExpressionIsAccepted() {
        assumeTcpdump();
        for (String e : EXPRESSIONS) {
            check(e, true, "table");
            check(e, false, "table");
        }
        for (String e : PRIMITIVES) {
            check(e, true, "primitive");
        }
    }

    @Test
    void randomCombinationsAreAcceptedInMilliseconds() {
        assumeTcpdump();
        long seed = Long.getLong("weir.seed", 0x7ab1e5L);
        Random r = new Random(seed);
        long worst = 0;
        String worstExpr = null;
        for (int n = 0; n < 60; n++) {
            String expr = randomExpression(r, 3);
            long ns = check(expr, r.nextBoolean(), "seed " + seed + ", case " + n);
            if (ns > worst) {
                worst = ns;
                worstExpr = expr;
            }
        }
        System.out.printf("verifier: slowest translated program %.2f ms ('%s')%n", worst / 1e6, worstExpr);
        assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(500), "too slow: " + worst / 1e6 + " ms for " + worstExpr);
    }

    static String randomExpression(Random r, int depth) {
        if (depth == 0 || r.nextInt(3) == 0) {
            return PRIMITIVES[r.nextInt(PRIMITIVES.length)];
        }
        return switch (r.nextInt(3)) {
            case 0 -> "(" + randomExpression(r, depth - 1) + ") and (" + randomExpression(r, depth - 1) + ")";
            case 1 -> "(" + randomExpression(r, depth - 1) + ") or (" + randomExpression(r, depth - 1) + ")";
            default -> "not (" + randomExpression(r, depth - 1) + ")";
        };
    }
}
