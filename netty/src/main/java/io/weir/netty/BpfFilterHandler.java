package io.weir.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.weir.compiler.FilterSyntaxException;
import io.weir.engine.Engine;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.ebpf.Program;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a Weir filter on every inbound message and passes, drops or routes it by the verdict.
 *
 * <p>Messages: a {@link ByteBuf} is a frame of the filter's link type, read in place (its backing array or its
 * NIO view; a composite of several components is copied, up to the filter's reach, into a per-thread buffer); a
 * {@link DatagramPacket} is shown as the IPv4/IPv6 + UDP packet it arrived in (see {@link DatagramFrames}: a
 * synthetic header plus the payload bytes the filter can reach, copied into a per-thread buffer); other types go
 * through the {@link PacketAdapter}s given to the builder, and a message no adapter takes passes on unfiltered.
 *
 * <p>Ownership: a dropped message is released exactly once, here; a passed or forwarded message is handed on
 * untouched; an {@link Action#EVENT} message travels inside a {@link FilterEvent}, which owns it. When the filter
 * throws, the message is released and the exception goes to {@code exceptionCaught}.
 *
 * <p>Sharing: the handler holds no per-channel state (the counters are thread-safe sums over every channel it
 * serves, the scratch buffers are per thread), so it is {@code @Sharable}: one instance may sit in many
 * pipelines.
 *
 * <p>Reload: {@link #reload} swaps the filter with one volatile write. Each message reads the filter once, so it
 * is judged by exactly one filter, old or new, and counted exactly once; the counters belong to the handler and
 * carry on across reloads.
 *
 * <pre>{@code
 * pipeline.addLast("weir", BpfFilterHandler.builder()
 *         .linkType(LinkTypes.RAW)
 *         .expression("udp and dst port 53 and udp[10] & 0x80 = 0")   // DNS queries only
 *         .onMiss(Action.DROP)
 *         .build());
 * }</pre>
 */
@Sharable
public final class BpfFilterHandler extends ChannelInboundHandlerAdapter {
    /** Per-thread state: the packet view and the buffer datagram frames and copies are written into. */
    private static final class Scratch {
        final PacketView view = new PacketView();
        final DatagramFrames.Scratch frames = new DatagramFrames.Scratch();
    }

    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    private volatile CompiledFilter filter;
    private final Action onMatch;
    private final Action onMiss;
    private final FlowTable flows;
    private final int datagramSnaplen;
    private final Class<?>[] adapterTypes;
    private final PacketAdapter<Object>[] adapters;

    private final LongAdder matched = new LongAdder();
    private final LongAdder missed = new LongAdder();
    private final LongAdder passed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder routed = new LongAdder();
    private final LongAdder unfiltered = new LongAdder();
    private final LongAdder copied = new LongAdder();
    private final LongAdder failed = new LongAdder();

    @SuppressWarnings("unchecked")
    private BpfFilterHandler(Builder b, CompiledFilter filter) {
        this.filter = filter;
        this.onMatch = b.onMatch;
        this.onMiss = b.onMiss;
        this.flows = b.flows;
        this.datagramSnaplen = b.datagramSnaplen;
        this.adapterTypes = b.adapterTypes.toArray(new Class<?>[0]);
        this.adapters = (PacketAdapter<Object>[]) b.adapters.toArray(new PacketAdapter<?>[0]);
    }

    /** A builder: by default the filter accepts everything, matches pass and misses are dropped. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        CompiledFilter f = filter;              // read once: one message, one filter
        Scratch s = SCRATCH.get();
        PacketView view = s.view;
        view.clear();
        boolean match;
        try {
            if (!adapt(msg, f, s)) {
                unfiltered.increment();
                ctx.fireChannelRead(msg);
                return;
            }
            match = f.matches(view);
            if (flows != null) {
                flows.record(view, f.linkType(), match);
            }
        } catch (RuntimeException e) {
            failed.increment();
            ReferenceCountUtil.release(msg);
            throw e;                            // Netty passes it to exceptionCaught
        } finally {
            view.clear();                       // never keep a reference to the message's memory
        }
        if (match) {
            matched.increment();
        } else {
            missed.increment();
        }
        apply(ctx, msg, match, match ? onMatch : onMiss);
    }

    /** Points the view at the packet in {@code msg}; false when it carries none the handler knows. */
    private boolean adapt(Object msg, CompiledFilter f, Scratch s) {
        PacketView view = s.view;
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            if (!view.set(buf)) {
                int n = buf.readableBytes();
                int copy = Math.min(n, f.reach());
                byte[] out = s.frames.ensure(copy);
                buf.getBytes(buf.readerIndex(), out, 0, copy);
                copied.add(copy);
                view.set(out, 0, copy, n);
            }
            return true;
        }
        if (msg instanceof DatagramPacket) {
            DatagramFrames.frame((DatagramPacket) msg, f.linkType(), Math.min(f.reach(), datagramSnaplen), s.frames,
                    view);
            copied.add(view.capLen());
            return true;
        }
        for (int i = 0; i < adapters.length; i++) {
            if (adapterTypes[i].isInstance(msg)) {
                return adapters[i].adapt(msg, view) && view.isSet();
            }
        }
        return false;
    }

    private void apply(ChannelHandlerContext ctx, Object msg, boolean match, Action action) {
        switch (action.kind()) {
            case PASS:
                passed.increment();
                ctx.fireChannelRead(msg);
                break;
            case DROP:
                dropped.increment();
                ReferenceCountUtil.release(msg);
                break;
            case EVENT:
                routed.increment();
                ctx.fireUserEventTriggered(new FilterEvent(msg, match));
                break;
            default:
                forward(ctx, msg, action.target());
        }
    }

    /** Hands {@code msg} to the named handler, on its executor, as if the handler before it had fired it. */
    private void forward(ChannelHandlerContext ctx, Object msg, String name) {
        ChannelHandlerContext target = ctx.pipeline().context(name);
        ChannelHandler h = target == null ? null : target.handler();
        if (!(h instanceof ChannelInboundHandler)) {
            dropped.increment();
            ReferenceCountUtil.release(msg);
            ctx.fireExceptionCaught(new IllegalStateException("BpfFilterHandler: no inbound handler named '" + name
                    + "' to forward to; message dropped"));
            return;
        }
        routed.increment();
        ChannelInboundHandler inbound = (ChannelInboundHandler) h;
        if (target.executor().inEventLoop()) {
            invoke(target, inbound, msg);
        } else {
            target.executor().execute(() -> invoke(target, inbound, msg));
        }
    }

    private static void invoke(ChannelHandlerContext target, ChannelInboundHandler h, Object msg) {
        try {
            h.channelRead(target, msg);
        } catch (Throwable t) {
            target.fireExceptionCaught(t);
        }
    }

    /**
     * Replaces the filter atomically and returns the previous one (whose maps, if any, the caller may close once
     * messages in flight are done with it).
     */
    public CompiledFilter reload(CompiledFilter next) {
        CompiledFilter previous = filter;
        filter = Objects.requireNonNull(next, "next");
        return previous;
    }

    /** Compiles {@code expr} for the current link type on the fastest engine and swaps it in. */
    public CompiledFilter reload(String expr) throws FilterSyntaxException {
        return reload(CompiledFilter.expression(expr, filter.linkType()));
    }

    /** The filter in use. */
    public CompiledFilter filter() {
        return filter;
    }

    /** The flow table, or null. */
    public FlowTable flowTable() {
        return flows;
    }

    /** Messages the filter matched. */
    public long matched() {
        return matched.sum();
    }

    /** Messages the filter did not match. */
    public long missed() {
        return missed.sum();
    }

    /** Messages passed on to the next handler (matched or not, by the actions). */
    public long passed() {
        return passed.sum();
    }

    /** Messages released here (including forwards to a handler that did not exist). */
    public long dropped() {
        return dropped.sum();
    }

    /** Messages fired as {@link FilterEvent}s or forwarded to a named handler. */
    public long routed() {
        return routed.sum();
    }

    /** Messages of a type no adapter took, passed on without a verdict. */
    public long unfiltered() {
        return unfiltered.sum();
    }

    /** Messages whose filter threw (released, reported to {@code exceptionCaught}). */
    public long failed() {
        return failed.sum();
    }

    /** Bytes copied to show messages to the filter: datagram frames and multi-component buffers. */
    public long copiedBytes() {
        return copied.sum();
    }

    @Override
    public String toString() {
        return "BpfFilterHandler(" + filter + ", match " + onMatch + ", miss " + onMiss + ")";
    }

    /** Configures a {@link BpfFilterHandler}. */
    public static final class Builder {
        private CompiledFilter compiled;
        private String expression;
        private ClassicProgram classic;
        private Program ebpf;
        private Path object;
        private String section;
        private int linkType = LinkTypes.EN10MB;
        private Engine engine = Engine.AUTO;
        private Action onMatch = Action.PASS;
        private Action onMiss = Action.DROP;
        private FlowTable flows;
        private int datagramSnaplen = Integer.MAX_VALUE;
        private final List<Class<?>> adapterTypes = new ArrayList<>();
        private final List<PacketAdapter<?>> adapters = new ArrayList<>();

        private Builder() {
        }

        private void source() {
            compiled = null;
            expression = null;
            classic = null;
            ebpf = null;
            object = null;
        }

        /** Filters with a pcap-filter expression, compiled by {@link #build()} for the link type. */
        public Builder expression(String expr) {
            source();
            expression = Objects.requireNonNull(expr, "expr");
            return this;
        }

        /** Filters with a compiled classic program. */
        public Builder classic(ClassicProgram program) {
            source();
            classic = Objects.requireNonNull(program, "program");
            return this;
        }

        /** Filters with a SOCKET eBPF program (verified by {@link #build()}). */
        public Builder ebpf(Program program) {
            source();
            ebpf = Objects.requireNonNull(program, "program");
            return this;
        }

        /** Filters with a program of a clang-built object (null section: its only program). */
        public Builder object(Path file, String section) {
            source();
            object = Objects.requireNonNull(file, "file");
            this.section = section;
            return this;
        }

        /** Filters with an already compiled filter (its own link type wins). */
        public Builder filter(CompiledFilter f) {
            source();
            compiled = Objects.requireNonNull(f, "filter");
            return this;
        }

        /** The DLT number of the messages' frames (default {@link LinkTypes#EN10MB}). */
        public Builder linkType(int dlt) {
            linkType = dlt;
            return this;
        }

        /** The engine (default AUTO: the JIT when it can compile the program). */
        public Builder engine(Engine e) {
            engine = Objects.requireNonNull(e, "engine");
            return this;
        }

        /** What to do with matching messages (default PASS). */
        public Builder onMatch(Action a) {
            onMatch = Objects.requireNonNull(a, "action");
            return this;
        }

        /** What to do with messages that do not match (default DROP). */
        public Builder onMiss(Action a) {
            onMiss = Objects.requireNonNull(a, "action");
            return this;
        }

        /** Counts every filtered message per flow in {@code table}. */
        public Builder flowTable(FlowTable table) {
            flows = table;
            return this;
        }

        /**
         * Copies at most {@code bytes} of a datagram's synthetic frame (header included), even when the filter
         * could read more: a filter that reads past them rejects, as on a capture with this snap length.
         */
        public Builder datagramSnaplen(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("datagram snaplen must be positive: " + bytes);
            }
            datagramSnaplen = bytes;
            return this;
        }

        /** Shows messages of {@code type} (and its subtypes) to the filter through {@code adapter}. */
        public <T> Builder adapter(Class<T> type, PacketAdapter<? super T> adapter) {
            adapterTypes.add(Objects.requireNonNull(type, "type"));
            adapters.add(Objects.requireNonNull(adapter, "adapter"));
            return this;
        }

        /**
         * Compiles the filter and makes the handler.
         *
         * @throws IllegalArgumentException an invalid expression (the message is the located error, the cause the
         *     {@link FilterSyntaxException}) or an unsupported link type
         * @throws UncheckedIOException     the object file could not be read
         */
        public BpfFilterHandler build() {
            CompiledFilter f;
            try {
                if (compiled != null) {
                    f = compiled;
                } else if (classic != null) {
                    f = CompiledFilter.classic(classic, linkType, engine);
                } else if (ebpf != null) {
                    f = CompiledFilter.ebpf(ebpf, linkType, engine);
                } else if (object != null) {
                    f = CompiledFilter.object(object, section, linkType, engine);
                } else {
                    f = CompiledFilter.expression(expression == null ? "" : expression, linkType, engine);
                }
            } catch (FilterSyntaxException e) {
                throw new IllegalArgumentException(e.render(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new BpfFilterHandler(this, f);
        }
    }
}
