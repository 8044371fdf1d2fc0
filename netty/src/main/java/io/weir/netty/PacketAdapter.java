package io.weir.netty;

/**
 * The hook for message types the handler does not know: shows a message to the filter as a packet of the
 * handler's link type.
 *
 * <pre>{@code
 * BpfFilterHandler.builder().expression("udp port 53")
 *         .adapter(TunnelFrame.class, (frame, view) -> view.set(frame.payload()))
 *         .build();
 * }</pre>
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface PacketAdapter<T> {
    /**
     * Fills {@code view} with the packet inside {@code message}, without copying where possible. Returns false
     * when this message carries no packet: it then passes through unfiltered (and is counted as such).
     * Called on the thread that reads the message; must not retain {@code view}.
     */
    boolean adapt(T message, PacketView view);
}
