package io.weir.cli;

import io.weir.capture.CaptureInterface;
import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import io.weir.compiler.FilterSyntaxException;
import io.weir.engine.Filter;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides which packets of a capture match the expression: the expression is compiled once per link type (a
 * pcapng file's interfaces may differ), and the filter of the packet's interface runs on it. The interface of the
 * previous packet is remembered, so the common case (one interface) is one reference comparison and one filter
 * call per packet; with no expression, or one that accepts everything, there is no call at all.
 */
final class PacketSelector {
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

    private final String expression;
    private final FilterFactory.Choice engine;
    /** Per link type, the compiled filter; a present null value means "accepts all". */
    private final Map<Integer, Filter> byLinkType = new HashMap<>();
    private CaptureInterface lastInterface;
    private Filter lastFilter;

    /** A selector for {@code expression} ({@code null}: every packet matches). */
    PacketSelector(String expression, FilterFactory.Choice engine) {
        this.expression = expression;
        this.engine = engine;
    }

    /**
     * Compiles for an interface ahead of the first packet, so that a bad expression fails before any output.
     *
     * @throws CompileFailure when the expression does not compile for its link type
     */
    void prepare(CaptureInterface ci) {
        if (ci != null) {
            filterFor(ci);
        }
    }

    /** Whether {@code p} matches. */
    boolean matches(Packet p) {
        if (expression == null) {
            return true;
        }
        CaptureInterface ci = p.captureInterface();
        if (ci != lastInterface) {
            lastFilter = filterFor(ci);
            lastInterface = ci;
        }
        Filter f = lastFilter;
        return f == null || f.run(p.buffer(), p.offset(), p.capLen(), p.wireLen()) != 0;
    }

    private Filter filterFor(CaptureInterface ci) {
        if (expression == null) {
            return null;
        }
        Integer key = ci.linkType();
        if (byLinkType.containsKey(key)) {
            return byLinkType.get(key);
        }
        Filter f;
        try {
            // libpcap compiles offline filters with the file's (adjusted) snapshot length as the accept value.
            f = FilterFactory.create(expression, ci.linkType(), ci.snapLen(), engine);
        } catch (FilterSyntaxException e) {
            throw new CompileFailure(e);
        } catch (IllegalArgumentException e) {
            throw new CompileFailure("Weir does not compile filters for link type "
                    + LinkType.describe(ci.linkType()));
        }
        byLinkType.put(key, f);
        return f;
    }
}
