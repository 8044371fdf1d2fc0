package io.weir.engine.cbpf;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the classic tests need from the system's libpcap and tcpdump, and the skip-or-fail rule: when they are
 * missing a test is skipped with the reason, unless {@code -Dweir.requireLibpcap=true} (CI), where it fails.
 */
final class LibpcapSupport {
    private static Boolean tcpdumpPresent;
    private static Function bpfFilter;
    private static String libpcapProblem;

    private LibpcapSupport() {
    }

    static boolean required() {
        return Boolean.getBoolean("weir.requireLibpcap");
    }

    /** Skips (or fails, when required) unless {@code available}. */
    static void assume(boolean available, String why) {
        if (!available) {
            if (required()) {
                fail(why + " (weir.requireLibpcap=true, so this is a failure; install libpcap0.8 and tcpdump)");
            }
            Assumptions.abort(why);
        }
    }

    /** The shared directory (captures, conformance suite), or {@code null} when the property is not set. */
    static Path sharedDir() {
        String dir = System.getProperty("weir.sharedDir");
        return dir == null ? null : Paths.get(dir);
    }

    static synchronized boolean tcpdumpAvailable() {
        if (tcpdumpPresent == null) {
            try {
                tcpdumpPresent = run(List.of("tcpdump", "--version")) != null;
            } catch (RuntimeException e) {
                tcpdumpPresent = false;
            }
        }
        return tcpdumpPresent;
    }

    static void assumeTcpdump() {
        assume(tcpdumpAvailable(), "tcpdump is not installed: cannot compare with its output");
    }

    /** Runs tcpdump with these arguments and returns its standard output; fails on a non-zero exit. */
    static String tcpdump(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("tcpdump");
        cmd.addAll(List.of(args));
        String out = run(cmd);
        if (out == null) {
            fail("could not run " + cmd);
        }
        return out;
    }

    /** The program tcpdump compiles for {@code expr} ({@code -ddd}), or fails with tcpdump's message. */
    static ClassicProgram tcpdumpProgram(String linkType, int snaplen, boolean optimize, String expr) {
        List<String> args = new ArrayList<>(List.of("-ddd", "-y", linkType, "-s", Integer.toString(snaplen)));
        if (!optimize) {
            args.add("-O");
        }
        args.add("--");
        args.add(expr);
        return TcpdumpFormat.parse(tcpdump(args.toArray(new String[0])));
    }

    private static String run(List<String> cmd) {
        try {
            Path err = Files.createTempFile("weir-tcpdump", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                String out;
                try (InputStream in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail(cmd + " timed out");
                }
                if (p.exitValue() != 0) {
                    fail(cmd + " exited " + p.exitValue() + ": " + Files.readString(err).strip());
                }
                return out;
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** libpcap's own {@code bpf_filter}, through JNA, or {@code null} with {@link #libpcapProblem()} set. */
    static synchronized Function bpfFilter() {
        if (bpfFilter == null && libpcapProblem == null) {
            try {
                bpfFilter = NativeLibrary.getInstance("pcap").getFunction("bpf_filter");
            } catch (UnsatisfiedLinkError e) {
                libpcapProblem = "libpcap cannot be loaded: " + e.getMessage();
            }
        }
        return bpfFilter;
    }

    static synchronized String libpcapProblem() {
        return libpcapProblem;
    }

    static void assumeLibpcap() {
        assume(bpfFilter() != null, String.valueOf(libpcapProblem()));
    }

    /** The packets of a capture as libpcap reads them, with its link type and snapshot length. */
    record Capture(int linkType, int snaplen, List<byte[]> packets, List<Integer> wireLengths) { }

    /**
     * Reads a capture with libpcap's {@code pcap_open_offline}/{@code pcap_next_ex} through JNA, stopping where
     * libpcap stops (end or error), or returns {@code null} if libpcap refuses the file. (pcap4j 1.8.2's
     * {@code getNextRawPacket} throws on some captures' timestamps and loses the packet, hence JNA.)
     */
    static Capture readCapture(Path file) {
        NativeLibrary pcap = NativeLibrary.getInstance("pcap");
        Memory errbuf = new Memory(512);
        Pointer handle = (Pointer) pcap.getFunction("pcap_open_offline")
                .invoke(Pointer.class, new Object[] {file.toString(), errbuf});
        if (handle == null) {
            return null;
        }
        try {
            int linkType = pcap.getFunction("pcap_datalink").invokeInt(new Object[] {handle});
            int snaplen = pcap.getFunction("pcap_snapshot").invokeInt(new Object[] {handle});
            Function next = pcap.getFunction("pcap_next_ex");
            PointerByReference header = new PointerByReference();
            PointerByReference data = new PointerByReference();
            List<byte[]> packets = new ArrayList<>();
            List<Integer> wire = new ArrayList<>();
            while (next.invokeInt(new Object[] {handle, header, data}) == 1) {
                // struct pcap_pkthdr on LP64: struct timeval (16 bytes), caplen, len
                int caplen = header.getValue().getInt(16);
                wire.add(header.getValue().getInt(20));
                packets.add(caplen == 0 ? new byte[0] : data.getValue().getByteArray(0, caplen));
            }
            return new Capture(linkType, snaplen, packets, wire);
        } finally {
            pcap.getFunction("pcap_close").invokeVoid(new Object[] {handle});
        }
    }

    /** The program in native memory, for {@link #runLibpcap}: 8 bytes per instruction, host (little) endian. */
    static Memory nativeProgram(ClassicProgram p) {
        byte[] bytes = p.encode();
        Memory m = new Memory(Math.max(8, bytes.length));
        m.write(0, bytes, 0, bytes.length);
        return m;
    }

    /** libpcap's {@code bpf_filter(insns, packet, wirelen, buflen)} as an unsigned value. */
    static long runLibpcap(Memory insns, Memory packet, int wireLen, int capLen) {
        int r = bpfFilter().invokeInt(new Object[] {insns, packet, wireLen, capLen});
        return r & 0xffffffffL;
    }
}
