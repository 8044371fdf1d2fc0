package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.compiler.lower.SetTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad sets are rejected with a located message, on the classic path and on the eBPF path alike; entries of a
 * file are named by {@code FILE:LINE}. A set larger than {@link SetTable#CLASSIC_MAX} is an error on the classic
 * path only, saying that it needs the eBPF path.
 */
class SetsRejectTest {
    record Case(String expr, String message, int column) {
    }

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        Files.write(dir.resolve("bad.txt"), List.of("# hosts", "10.0.0.1", "", "10.0.0.300"));
        Files.write(dir.resolve("masked.txt"), List.of("10.0.0.1", "10.0.0.0/8 # a network"));
        Files.write(dir.resolve("empty.txt"), List.of("# nothing", ""));
        Files.write(dir.resolve("names.txt"), List.of("10.0.0.1", "example.com"));
        Files.write(dir.resolve("junk.txt"), List.of("10.0.0.1 10.0.0.2"));
        Files.write(dir.resolve("ports.txt"), List.of("22", "70000"));
        List<String> big = new ArrayList<>();
        for (int i = 0; i <= SetTable.CLASSIC_MAX; i++) {
            big.add("10.1." + (i / 256) + "." + (i % 256));
        }
        Files.write(dir.resolve("big.txt"), big);
    }

    static final List<Case> CASES = List.of(
            new Case("host in {10.0.0.1, 300.1.1.1}", "invalid IPv4 address '300.1.1.1'", 20),
            new Case("host in {10.0.0.0/8}", "Mask syntax for networks only", 10),
            new Case("net in {10.1.2.3/8}", "non-network bits set in \"10.1.2.3/8\"", 9),
            new Case("net in {10.0.0.0/33}", "mask length must be <= 32", 9),
            new Case("net in {::1/129}", "mask length must be <= 128", 9),
            new Case("host in {localhost}", "Weir does not resolve host names", 10),
            new Case("host in {1:2:3:4:5:6}", "ethernet address used in non-ether expression", 10),
            new Case("tcp host in {10.0.0.1}", "'tcp' modifier applied to host", 1),
            new Case("ip host in {::1}", "'ip' modifier applied to ip6 host", 1),
            new Case("port in {70000}", "illegal port number 70000 > 65535", 10),
            new Case("udp port in {bgp}", "port 'bgp' is tcp", 14),
            new Case("ip port in {22}", "'port' is not a valid qualifier for 'ip'", 4),
            new Case("port in {nosuchservice}", "unknown port 'nosuchservice'", 10),
            new Case("proto in {6}", "'proto in' is not supported", 1),
            new Case("portrange in {1-2}", "'portrange in' is not supported", 1),
            new Case("host in {}", "the set {...} is empty", 9),
            new Case("host in {10.0.0.1,", "syntax error: unexpected end of expression", 19),
            new Case("host in {10.0.0.1 10.0.0.2}", "syntax error at '10.0.0.2'", 19),
            new Case("host in @", "'@' needs a file name", 9),
            new Case("host in @nosuchfile.txt", "cannot read set file 'nosuchfile.txt': no such file", 9),
            new Case("host in @bad.txt", "bad.txt:4: invalid IPv4 address '10.0.0.300'", 9),
            new Case("tcp and host in @masked.txt", "masked.txt:2: Mask syntax for networks only", 17),
            new Case("host in @empty.txt", "the set @empty.txt is empty", 9),
            new Case("src host in @names.txt", "names.txt:2: Weir does not resolve host names", 13),
            new Case("host in @junk.txt", "junk.txt:1: not an address, network or port: '10.0.0.1 10.0.0.2'", 9),
            new Case("port in @ports.txt", "ports.txt:2: illegal port number 70000 > 65535", 9));

    @TestFactory
    Stream<DynamicTest> rejectedOnBothPaths() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.expr, () -> {
            FilterSyntaxException e = assertThrows(FilterSyntaxException.class, () -> FilterCompiler.compile(c.expr,
                    1, 262144, CompileOptions.DEAD, SetTable.classic(dir), null));
            assertTrue(e.getMessage().startsWith(c.message), "classic: " + e.getMessage());
            assertEquals(c.column, e.column(), "classic column of: " + e.render());
            FilterSyntaxException m = assertThrows(FilterSyntaxException.class,
                    () -> EbpfCompiler.compile(c.expr, 1, 262144, CompileOptions.DEAD, dir, 0));
            assertTrue(m.getMessage().startsWith(c.message), "lookups: " + m.getMessage());
            assertEquals(c.column, m.column(), "lookups column of: " + m.render());
        }));
    }

    @Test
    void largeSetsNeedTheEbpfPath() throws Exception {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class, () -> FilterCompiler.compile(
                "tcp and src host in @big.txt", 1, 262144, CompileOptions.DEAD, SetTable.classic(dir), null));
        assertEquals("the set @big.txt has 65 entries: classic BPF holds sets of up to 64 (as comparisons); larger "
                + "sets need the eBPF path (map lookups)", e.getMessage());
        assertEquals(21, e.column());
        assertTrue(EbpfCompiler.compile("tcp and src host in @big.txt", 1, 262144, CompileOptions.DEAD, dir,
                SetTable.CLASSIC_MAX).usesMaps());
    }

    @Test
    void relativePathsStartAtTheWorkingDirectoryByDefault() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> FilterCompiler.compile("host in @" + dir.resolve("bad.txt"), 1, 262144));
        assertTrue(e.getMessage().contains("bad.txt:4:"), e.getMessage());
    }
}
