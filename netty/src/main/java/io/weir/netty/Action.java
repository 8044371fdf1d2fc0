package io.weir.netty;

import java.util.Objects;

/**
 * What the handler does with a message after the verdict: pass it on, drop it (released exactly once), or route
 * it (as a {@link FilterEvent} user event, or straight into a named handler of the same pipeline).
 *
 * <pre>{@code
 * builder.onMatch(Action.PASS).onMiss(Action.forwardTo("quarantine"));
 * }</pre>
 */
public final class Action {
    /** The kinds of action. */
    public enum Kind {
        /** {@code ctx.fireChannelRead(msg)}: the next handler gets the message. */
        PASS,
        /** The message is released and goes no further. */
        DROP,
        /** {@code ctx.fireUserEventTriggered(new FilterEvent(msg, matched))}: the event owns the message. */
        EVENT,
        /** The named handler's {@code channelRead} gets the message, as if its previous handler had fired it. */
        FORWARD
    }

    /** Pass the message on. */
    public static final Action PASS = new Action(Kind.PASS, null);
    /** Release the message. */
    public static final Action DROP = new Action(Kind.DROP, null);
    /** Fire a {@link FilterEvent} carrying the message. */
    public static final Action EVENT = new Action(Kind.EVENT, null);

    private final Kind kind;
    private final String target;

    private Action(Kind kind, String target) {
        this.kind = kind;
        this.target = target;
    }

    /**
     * Forward to the inbound handler named {@code handlerName} in the same pipeline. When no such handler exists at
     * the time of the message, the message is released and {@code exceptionCaught} reports it.
     */
    public static Action forwardTo(String handlerName) {
        return new Action(Kind.FORWARD, Objects.requireNonNull(handlerName, "handlerName"));
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** The handler name of a {@link Kind#FORWARD} action, null otherwise. */
    public String target() {
        return target;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Action && ((Action) o).kind == kind && Objects.equals(((Action) o).target, target);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Objects.hashCode(target);
    }

    @Override
    public String toString() {
        return target == null ? kind.name() : kind.name() + "(" + target + ")";
    }
}
