package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.ProgramType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir verify}: what each kind of input prints and the exit status. */
class VerifyCommandTest {
    private static final String GOOD = """
            # ethernet type is IPv4
            ldxw %r2, [%r1+76]
            ldxw %r3, [%r1+80]
            mov %r4, %r2
            add %r4, 14
            jgt %r4, %r3, drop
            ldxh %r0, [%r2+12]
            exit
            drop:
            mov %r0, 0
            exit
            """;
    private static final String BAD = """
            ldxw %r2, [%r1+76]
            ldxh %r0, [%r2+12]
            exit
            """;

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = VerifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path text(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptedAssemblerText() throws IOException {
        Result r = run(text("good.s", GOOD).toString());
        assertEquals(new Result(0, "accepted\n", ""), r);
    }

    @Test
    void acceptedRawBytes() throws IOException {
        byte[] code = Assembler.assemble(GOOD, ProgramType.SOCKET).encode();
        Result r = run(file("good.bin", code).toString());
        assertEquals(new Result(0, "accepted\n", ""), r);
    }

    @Test
    void rejectedPrintsTheShortMessage() throws IOException {
        Result r = run(text("bad.s", BAD).toString());
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("insn 1: r0 = *(u16 *)(r2 + 12): invalid access to packet, off=12 size=2, "
                + "R2 range=[0,0)\n"), r.err());
        assertTrue(r.err().contains("(1 lines omitted)"), r.err());
    }

    @Test
    void rejectedVerbosePrintsTheLog() throws IOException {
        Result r = run("-v", text("bad.s", BAD).toString());
        assertEquals(1, r.status());
        assertEquals("0: (61) r2 = *(u32 *)(r1 + 76) ; R1=ctx() R2=pkt(r=0)\n"
                + "insn 1: r0 = *(u16 *)(r2 + 12): invalid access to packet, off=12 size=2, R2 range=[0,0)\n",
                r.err());
    }

    @Test
    void xdpType() throws IOException {
        Path p = text("xdp.s", "ldxw %r2, [%r1+0]\nmov %r0, 2\nexit\n");
        assertEquals(0, run("--type", "xdp", p.toString()).status());
        Result socket = run("--type", "socket", p.toString());
        assertEquals(0, socket.status(), socket.err());
        Path ret = text("ret.s", "mov %r0, 7\nexit\n");
        assertEquals(1, run("--type", "xdp", ret.toString()).status());
        assertEquals(0, run(ret.toString()).status());
    }

    @Test
    void unknownType() throws IOException {
        Result r = run("--type", "tc", text("good.s", GOOD).toString());
        assertEquals(new Result(1, "", "weir verify: unknown program type 'tc' (socket, xdp)\n"), r);
    }

    @Test
    void elfObjectsAreNotSupportedYet() throws IOException {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Path p = file("prog.o", elf);
        Result r = run(p.toString());
        assertEquals(new Result(1, "", "weir verify: " + p + ": ELF objects are not supported yet\n"), r);
    }

    @Test
    void missingFile() {
        Result r = run(dir.resolve("nope.s").toString());
        assertEquals(1, r.status());
        assertEquals("weir verify: " + dir.resolve("nope.s") + ": No such file or directory\n", r.err());
    }

    @Test
    void rawBytesNotAMultipleOfEight() throws IOException {
        Path p = file("odd.bin", new byte[] {(byte) 0xb7, 0, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0});
        Result r = run(p.toString());
        assertEquals(new Result(1, "", "weir verify: " + p + ": 11 bytes of raw instructions, not a multiple of 8\n"),
                r);
    }

    @Test
    void rawBytesWithAnUnknownOpcode() throws IOException {
        Path p = file("bad.bin", new byte[] {(byte) 0xb7, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0});
        Result r = run(p.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("insn 1: (ff): unknown opcode"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void assemblerErrorIsOneLine() throws IOException {
        Path p = text("typo.s", "mov %r0, 0\nfrobnicate %r1\nexit\n");
        Result r = run(p.toString());
        assertEquals(new Result(1, "", "weir verify: " + p + ":2: Invalid mnemonic: frobnicate\n"), r);
    }

    @Test
    void missingFileArgument() {
        Result r = run();
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("weir verify: Missing required parameter: 'FILE'"), r.err());
    }
}
