package io.weir.capture.live;

import io.weir.capture.CaptureInterface;
import io.weir.capture.Packet;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Fills a {@link Packet} view from this package: {@code Packet}'s constructor and fields are package-private to
 * {@code io.weir.capture} (the readers own it), so a live source reaches them through a private lookup, resolved
 * once; the per-packet cost is a few plain field stores once HotSpot has compiled the var handles.
 *
 * <p>This is a stopgap: a package-private-free hook in {@code Packet} (a public {@code Packet.Filler} or a
 * {@code set(...)} method limited by a capability object) would replace it; the live code would not change.
 */
final class PacketAccess {
    private static final MethodHandle NEW;
    private static final VarHandle BUFFER;
    private static final VarHandle OFFSET;
    private static final VarHandle CAP_LEN;
    private static final VarHandle WIRE_LEN;
    private static final VarHandle TIMESTAMP;
    private static final VarHandle IFACE;
    private static final VarHandle NUMBER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Packet.class, MethodHandles.lookup());
            NEW = l.findConstructor(Packet.class, MethodType.methodType(void.class));
            BUFFER = l.findVarHandle(Packet.class, "buffer", ByteBuffer.class);
            OFFSET = l.findVarHandle(Packet.class, "offset", int.class);
            CAP_LEN = l.findVarHandle(Packet.class, "capLen", int.class);
            WIRE_LEN = l.findVarHandle(Packet.class, "wireLen", int.class);
            TIMESTAMP = l.findVarHandle(Packet.class, "timestampNanos", long.class);
            IFACE = l.findVarHandle(Packet.class, "iface", CaptureInterface.class);
            NUMBER = l.findVarHandle(Packet.class, "number", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private PacketAccess() {}

    static Packet newPacket(CaptureInterface iface) {
        try {
            Packet p = (Packet) NEW.invoke();
            IFACE.set(p, iface);
            return p;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot make a Packet view", t);
        }
    }

    static void fill(Packet p, ByteBuffer buffer, int capLen, int wireLen, long timestampNanos, long number) {
        BUFFER.set(p, buffer);
        OFFSET.set(p, 0);
        CAP_LEN.set(p, capLen);
        WIRE_LEN.set(p, wireLen);
        TIMESTAMP.set(p, timestampNanos);
        NUMBER.set(p, number);
    }
}
