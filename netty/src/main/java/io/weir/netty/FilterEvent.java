package io.weir.netty;

import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;

/**
 * The user event of {@link Action#EVENT}: a message the filter routed, with its verdict. The event owns the
 * message: releasing the event releases the message, so a pipeline that ignores the event still frees it (Netty's
 * tail releases unhandled reference-counted events). A handler that takes the message out with {@link #message()}
 * takes ownership of it and must not release the event as well.
 */
public final class FilterEvent implements ReferenceCounted {
    private final Object message;
    private final boolean matched;

    /** An event for {@code message}, which matched the filter or not. */
    public FilterEvent(Object message, boolean matched) {
        this.message = message;
        this.matched = matched;
    }

    /** The routed message. */
    public Object message() {
        return message;
    }

    /** Whether the message matched the filter. */
    public boolean matched() {
        return matched;
    }

    @Override
    public int refCnt() {
        return message instanceof ReferenceCounted ? ((ReferenceCounted) message).refCnt() : 1;
    }

    @Override
    public FilterEvent retain() {
        ReferenceCountUtil.retain(message);
        return this;
    }

    @Override
    public FilterEvent retain(int increment) {
        ReferenceCountUtil.retain(message, increment);
        return this;
    }

    @Override
    public FilterEvent touch() {
        ReferenceCountUtil.touch(message);
        return this;
    }

    @Override
    public FilterEvent touch(Object hint) {
        ReferenceCountUtil.touch(message, hint);
        return this;
    }

    @Override
    public boolean release() {
        return ReferenceCountUtil.release(message);
    }

    @Override
    public boolean release(int decrement) {
        return ReferenceCountUtil.release(message, decrement);
    }

    @Override
    public String toString() {
        return "FilterEvent(" + (matched ? "matched" : "missed") + ", " + message + ")";
    }
}
