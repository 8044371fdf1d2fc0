package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code -w} to a device that is always full ({@code /dev/full}: every write fails with ENOSPC): one clear line
 * naming the output and the reason, exit status 1, whatever the output format and however many packets match.
 */
class WriteFailureFaultTest {
    private static final Path PCAPS = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps");

    @ParameterizedTest(name = "{0} -w {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "mixed-ether.pcap      | /dev/full | ''",
        "mixed-ether.pcap      | /dev/full | tcp",
        "mixed-ether-ns.pcapng | /dev/full | ''",
        "mixed-ether.pcap      | /dev/full | 'udp port 1'"})
    void fullDevice(String input, String output, String expr) {
        assumeTrue(Files.isWritable(Path.of(output)), output + " is not available on this machine");
        Path in = PCAPS.resolve(input);
        assumeTrue(Files.isReadable(in), "the bundled capture " + in + " is missing");
        String[] args = expr.isEmpty() ? new String[] {"-r", in.toString(), "-w", output}
                : new String[] {"-r", in.toString(), "-w", output, expr};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = WeirCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, "exit status; stderr: " + e);
        String last = e.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("weir: ") && last.contains(output) && last.contains("No space left on device"),
                "one line names the output and the reason: " + e);
        assertTrue(e.lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
                "no stack trace or exception class name: " + e);
    }
}
