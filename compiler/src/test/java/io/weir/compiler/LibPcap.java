package io.weir.compiler;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicProgram;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The test oracle: libpcap itself, through JNA, in this JVM. Compiles expressions with {@code pcap_compile}
 * (optimizer on, netmask 0, as tcpdump reading a file), runs programs with {@code bpf_filter}, and reads
 * captures with {@code pcap_next_ex}. {@link #require()} skips the calling test when libpcap is missing, or
 * fails it when the system property {@code weir.requireLibpcap} is true (CI).
 */
final class LibPcap {
    /** libpcap's C API, the few calls the tests need. */
    interface Api extends Library {
        Pointer pcap_open_dead(int linktype, int snaplen);

        Pointer pcap_open_offline(String fname, byte[] errbuf);

        int pcap_datalink(Pointer p);

        int pcap_compile(Pointer p, Pointer fp, String str, int optimize, int netmask);

        String pcap_geterr(Pointer p);

        void pcap_freecode(Pointer fp);

        int pcap_next_ex(Pointer p, PointerByReference hdr, PointerByReference data);

        void pcap_close(Pointer p);

        int bpf_filter(Pointer insns, Pointer pkt, int wirelen, int buflen);
    }

    private static final Api API;
    private static final Throwable LOAD_ERROR;

    static {
        Api api = null;
        Throwable err = null;
        try {
            api = Native.load("pcap", Api.class);
        } catch (Throwable t) {
            err = t;
        }
        API = api;
        LOAD_ERROR = err;
    }

    private LibPcap() {
    }

    /** Whether libpcap could be loaded. */
    static boolean available() {
        return API != null;
    }

    /** Skips (or, with weir.requireLibpcap=true, fails) the test when libpcap is missing. */
    static void require() {
        if (API == null) {
            String why = "libpcap not loadable (apt-get install libpcap0.8): " + LOAD_ERROR;
            if (Boolean.getBoolean("weir.requireLibpcap")) {
                Assertions.fail(why);
            }
            Assumptions.assumeTrue(false, why);
        }
    }

    /** libpcap's optimized program for {@code expr}, or its error message as a {@link RuntimeException}. */
    static ClassicProgram compile(String expr, int linkType, int snaplen) {
        return compile(API.pcap_open_dead(linkType, snaplen), expr);
    }

    /**
     * libpcap's optimized program for {@code expr} compiled against a savefile ({@code pcap_open_offline}, as
     * {@code tcpdump -r} does) of {@code linkType} written in {@code order}: an empty pcap file made for it.
     */
    static ClassicProgram compileSavefile(String expr, int linkType, int snaplen, ByteOrder order) {
        File f = savefile(linkType, snaplen, order);
        byte[] err = new byte[512];
        Pointer pcap = API.pcap_open_offline(f.getPath(), err);
        if (pcap == null) {
            throw new IllegalStateException("pcap_open_offline " + f + ": " + Native.toString(err));
        }
        return compile(pcap, expr);
    }

    private static final Map<String, File> SAVEFILES = new HashMap<>();

    /** An empty classic pcap file (header only) of the link type, snapshot length and byte order. */
    private static synchronized File savefile(int linkType, int snaplen, ByteOrder order) {
        String key = linkType + "/" + snaplen + "/" + order;
        File f = SAVEFILES.get(key);
        if (f == null) {
            ByteBuffer b = ByteBuffer.allocate(24).order(order);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen)
                    .putInt(linkType);
            try {
                f = File.createTempFile("weir-savefile-" + linkType + "-", ".pcap");
                f.deleteOnExit();
                Files.write(f.toPath(), b.array());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SAVEFILES.put(key, f);
        }
        return f;
    }

    private static ClassicProgram compile(Pointer pcap, String expr) {
        Memory prog = new Memory(16);
        prog.clear();
        try {
            if (API.pcap_compile(pcap, prog, expr, 1, 0) != 0) {
                throw new Rejected(API.pcap_geterr(pcap));
            }
            int n = prog.getInt(0);
            Pointer insns = prog.getPointer(8);
            List<ClassicInsn> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long base = 8L * i;
                out.add(ClassicInsn.of(insns.getShort(base) & 0xffff, insns.getByte(base + 2) & 0xff,
                        insns.getByte(base + 3) & 0xff, insns.getInt(base + 4)));
            }
            API.pcap_freecode(prog);
            return ClassicProgram.of(out);
        } finally {
            API.pcap_close(pcap);
        }
    }

    /** libpcap rejected an expression. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String msg) {
            super(msg);
        }
    }

    /** A program loaded into native memory for {@link #run}. */
    static Memory load(ClassicProgram p) {
        Memory m = new Memory(8L * p.size());
        for (int i = 0; i < p.size(); i++) {
            ClassicInsn in = p.get(i);
            m.setShort(8L * i, (short) in.code());
            m.setByte(8L * i + 2, (byte) in.jt());
            m.setByte(8L * i + 3, (byte) in.jf());
            m.setInt(8L * i + 4, in.k());
        }
        return m;
    }

    /** libpcap's {@code bpf_filter} on a packet already in native memory. */
    static long run(Memory prog, Memory pkt, int capLen, int wireLen) {
        return API.bpf_filter(prog, pkt, wireLen, capLen) & 0xFFFFFFFFL;
    }

    /** A captured packet: bytes (capLen of them) and the wire length. */
    record Packet(byte[] data, int wireLen, String origin) {
    }

    /** The link type and packets of a capture as libpcap reads them (up to {@code max}); null if refused. */
    static List<Packet> read(String file, int[] linkTypeOut, int max) {
        byte[] err = new byte[512];
        Pointer p = API.pcap_open_offline(file, err);
        if (p == null) {
            return null;
        }
        try {
            linkTypeOut[0] = API.pcap_datalink(p);
            List<Packet> out = new ArrayList<>();
            PointerByReference hdr = new PointerByReference();
            PointerByReference data = new PointerByReference();
            int i = 0;
            while (out.size() < max && API.pcap_next_ex(p, hdr, data) == 1) {
                Pointer h = hdr.getValue();
                int caplen = h.getInt(16);
                int len = h.getInt(20);
                out.add(new Packet(data.getValue().getByteArray(0, caplen), len, file + "#" + (i++)));
            }
            return out;
        } finally {
            API.pcap_close(p);
        }
    }
}
