package io.weir.capture;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What a reader delivered, for assertions: the packets, and the exception that ended reading, if any. */
final class TestSupport {
    private TestSupport() {}

    /** One delivered packet, copied. */
    record Seen(long ts, int capLen, int wireLen, int iface, int linkType, long at, byte[] data) {}

    /** Everything a read produced. */
    record Result(List<Seen> packets, CaptureFormatException error) {}

    static Result readAll(byte[] file) throws IOException {
        return readAll(file, 1 << 20);
    }

    /** Reads {@code file} through a stream with the given buffer size, collecting packets until the end or an error. */
    static Result readAll(byte[] file, int bufferSize) throws IOException {
        List<Seen> seen = new ArrayList<>();
        try (PcapReader r = PcapReader.open(new ByteArrayInputStream(file), "test", bufferSize)) {
            while (r.next()) {
                Packet p = r.packet();
                seen.add(new Seen(p.timestampNanos(), p.capLen(), p.wireLen(), p.interfaceId(), p.linkType(),
                        p.recordOffset(), p.copyBytes()));
            }
        } catch (CaptureFormatException e) {
            return new Result(seen, e);
        }
        return new Result(seen, null);
    }
}
