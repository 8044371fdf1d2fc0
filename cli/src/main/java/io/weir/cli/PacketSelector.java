package io.weir.cli;

import io.weir.capture.CaptureInterface;
import io.weir.capture.Packet;
import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicProgram;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides which packets of a capture match the expression: the expression is compiled once per link type (a
 * pcapng file's interfaces may differ), and the filter of the packet's interface runs on it. The interface of the
 * previous packet is remembered, so the common case (one interface) is one reference comparison and one filter
 * call per packet; with no expression, or one that accepts everything, there is no call at all.
 *
 * <p><b>Tiers, for {@code --engine auto}.</b> Packets first run on the classic interpreter, ready as soon as the
 * expression is compiled. Once a link type's filter has run on {@value #HOT} packets, a background thread
 * translates the program to eBPF, verifies it and JIT-compiles it, and the selector switches to the JIT's filter
 * at the first poll after it is ready (every {@value #POLL} packets). Both give the same verdict on every packet
 * (FilterFactoryTest), so the switch is invisible but for the time it saves. Measured on 2M generated packets
 * ({@code tcp}, CPU seconds, JVM start included): no filter 0.37, classic interpreter 0.50, JIT from the start
 * 0.63: translation, verification, class generation and HotSpot's compilation of the generated class cost more
 * than the classic interpreter spends on a few million packets, so a short run never pays for them and a long
 * one (a 10M-packet file, a live capture) runs on the JIT. A background failure
 * (a verifier rejection: a Weir bug) is kept for {@link #backgroundFailure()}; the classic interpreter, safe on
 * its own, then runs to the end.
 */
final class PacketSelector {
    /** Packets between two looks for a filter finished in the background. */
    static final int POLL = 4096;
    /** Packets a link type's filter runs on the classic interpreter before the JIT is started for it. */
    static final long HOT = 1L << 22;

    /** An expression that does not compile for a link type met in the middle of the input. */
    static final class CompileFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient FilterSyntaxException syntax;

        CompileFailure(FilterSyntaxException syntax) {
            super(syntax.getMessage(), syntax);
            this.syntax = syntax;
        }

        CompileFailure(String message) {
            super(message);
            this.syntax = null;
        }
    }

    /** The filter of one link type: what runs now, and the faster one a background thread may publish. */
    private static final class Slot {
        final Filter now;
        /** The program to upgrade in the background ({@code null}: nothing to upgrade, or already started). */
        ClassicProgram pending;
        long polls;
        volatile Filter upgraded;
        volatile RuntimeException failure;

        Slot(Filter now, ClassicProgram pending) {
            this.now = now;
            this.pending = pending;
        }
    }

    /** Translates, verifies and JIT-compiles in the background, then publishes the result in the slot. */
    private static final class Upgrade implements Runnable {
        private final Slot slot;
        private final ClassicProgram classic;

        Upgrade(Slot slot, ClassicProgram classic) {
            this.slot = slot;
            this.classic = classic;
        }

        @Override
        public void run() {
            try {
                slot.upgraded = FilterFactory.of(classic, FilterFactory.Choice.AUTO);
            } catch (RuntimeException e) {
                slot.failure = e;
            }
        }
    }

    private final String expression;
    private final ExtensionFlags flags;
    private final FilterFactory.Choice engine;
    private final Map<Integer, Slot> byLinkType = new HashMap<>();
    private CaptureInterface lastInterface;
    private Slot lastSlot;
    private Filter lastFilter;
    private int poll = POLL;
    /** The capture file's byte order (set by OfflineRun): filters compile as libpcap does for that savefile. */
    java.nio.ByteOrder fileOrder = java.nio.ByteOrder.nativeOrder();

    /** A selector for {@code expression} ({@code null}: every packet matches), compiled with {@code flags}. */
    PacketSelector(String expression, ExtensionFlags flags, FilterFactory.Choice engine) {
        this.expression = expression;
        this.flags = flags;
        this.engine = engine;
    }

    /**
     * Compiles for an interface ahead of the first packet, so that a bad expression fails before any output.
     *
     * @throws CompileFailure when the expression does not compile for its link type
     */
    void prepare(CaptureInterface ci) {
        if (ci != null && expression != null) {
            slotFor(ci);
        }
    }

    /** Whether {@code p} matches. */
    boolean matches(Packet p) {
        if (expression == null) {
            return true;
        }
        CaptureInterface ci = p.captureInterface();
        if (ci != lastInterface) {
            lastSlot = slotFor(ci);
            lastFilter = lastSlot.upgraded != null ? lastSlot.upgraded : lastSlot.now;
            lastInterface = ci;
        }
        if (--poll == 0) {
            poll();
        }
        Filter f = lastFilter;
        return f == null || f.run(p.buffer(), p.offset(), p.capLen(), p.wireLen()) != 0;
    }

    private void poll() {
        poll = POLL;
        Slot s = lastSlot;
        Filter up = s.upgraded;
        if (up != null) {
            lastFilter = up;
        } else if (s.pending != null && ++s.polls * POLL >= HOT) {
            startUpgrade(s);
        }
    }

    /** Starts the background translation, verification and JIT of a slot's program (once). */
    private static void startUpgrade(Slot s) {
        ClassicProgram classic = s.pending;
        s.pending = null;
        // A named class, not a lambda: the first lambda of a JVM costs tens of milliseconds of bootstrap.
        Thread t = new Thread(new Upgrade(s, classic), "weir-jit");
        t.setDaemon(true);
        t.start();
    }

    /** For tests: starts the JIT now for every link type compiled so far, without waiting for {@value #HOT} packets. */
    void startUpgradesNow() {
        for (Slot s : byLinkType.values()) {
            if (s.pending != null) {
                startUpgrade(s);
            }
        }
    }

    /** The filter the last packet ran on (for tests: the classic interpreter, then the JIT's). */
    Filter currentFilter() {
        return lastFilter;
    }

    /** The first failure of a background compilation, or {@code null}. */
    RuntimeException backgroundFailure() {
        for (Slot s : byLinkType.values()) {
            if (s.failure != null) {
                return s.failure;
            }
        }
        return null;
    }

    private Slot slotFor(CaptureInterface ci) {
        Integer key = ci.linkType();
        Slot slot = byLinkType.get(key);
        if (slot == null) {
            slot = compile(ci);
            byLinkType.put(key, slot);
        }
        return slot;
    }

    private Slot compile(CaptureInterface ci) {
        ClassicProgram classic;
        try {
            // libpcap compiles offline filters with the file's (adjusted) snapshot length as the accept value.
            // The eBPF-path compile: the same classic program, unless a set is too large for comparisons.
            CompiledFilter spec = EbpfCompiler.compile(expression, ci.linkType(), ci.snapLen(),
                    flags.applyTo(CompileOptions.savefile(fileOrder)));
            if (spec.usesMaps()) {
                return new Slot(FilterFactory.of(spec, engine), null);
            }
            classic = spec.classic();
        } catch (FilterSyntaxException e) {
            throw new CompileFailure(e);
        } catch (IllegalArgumentException | FilterFactory.BackendException e) {
            throw new CompileFailure(e.getMessage());
        }
        if (FilterFactory.acceptsAll(classic)) {
            return new Slot(null, null);
        }
        if (engine != FilterFactory.Choice.AUTO) {
            return new Slot(FilterFactory.of(classic, engine), null);
        }
        return new Slot(ClassicInterpreter.of(classic), classic);
    }
}
