package io.weir.spark;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.UnsupportedLinkTypeException;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp;
import io.weir.engine.cbpf.ClassicProgram;
import java.io.Serializable;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The filter a scan runs, as plain data: the user's {@code bpf} expression, the BPF form of the SQL predicates
 * pushed into the reader, and the programs compiled on the driver for each (link type, byte order) the files
 * start with: classic, or eBPF with the keys of sets too large for comparisons ({@code host in @FILE} is read
 * on the driver and its keys shipped). Tasks receive it serialized; {@link FilterCache} turns a program into a JIT-ed filter once
 * per executor JVM. A link type met only inside a file (a later pcapng interface) is compiled on the executor
 * from the same expression.
 */
final class BpfPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The value accepted packets return: only non-zero matters to the reader. */
    private static final int SNAPLEN = FilterCompiler.DEFAULT_SNAPLEN;

    private final String userExpr;
    private final PushedPredicates pushed;
    private final boolean ip6Transport;
    private final boolean vlanAny;
    /** Program bytes by {@link #key}; an empty array means "accepts every packet". */
    private final HashMap<String, byte[]> programs = new HashMap<>();
    /** The pushed {@code weir.bpf} calls' programs by packet link type (see {@link BpfCall}). */
    private final HashMap<Integer, byte[][]> callPrograms = new HashMap<>();

    BpfPlan(String userExpr, PushedPredicates pushed, boolean ip6Transport, boolean vlanAny) {
        this.userExpr = userExpr;
        this.pushed = pushed;
        this.ip6Transport = ip6Transport;
        this.vlanAny = vlanAny;
    }

    /** Whether no packet is ever filtered (no expression, nothing pushed). */
    boolean isEmpty() {
        return userExpr == null && (pushed == null || pushed.isEmpty());
    }

    /** The user's expression, or {@code null}. */
    String userExpression() {
        return userExpr;
    }

    /** The predicates pushed into the reader, or {@code null}. */
    PushedPredicates pushed() {
        return pushed;
    }

    private static String key(int linkType, ByteOrder order) {
        return linkType + (order == ByteOrder.BIG_ENDIAN ? "/be" : "/le");
    }

    /**
     * Compiles for a (link type, byte order) on the driver, so that a bad expression fails the query before any
     * task: the located error, as {@code weir} prints it.
     *
     * @throws IllegalArgumentException the expression does not compile for this link type (message: the
     *     rendered error and the file)
     */
    void prepare(int linkType, ByteOrder order, String file) {
        String k = key(linkType, order);
        if (!programs.containsKey(k)) {
            programs.put(k, compileFor(linkType, order, file));
        }
        calls(linkType, file);
    }

    /**
     * The programs of the pushed {@code weir.bpf} calls for packets of this link type, each compiled as the
     * function compiles it (for the call's link type, which is not always the packet's); run after
     * {@link #program}. Empty when no call was pushed.
     *
     * @throws IllegalArgumentException a call's expression does not compile for its link type (located error)
     */
    synchronized byte[][] calls(int linkType, String file) {
        byte[][] p = callPrograms.get(linkType);
        if (p == null) {
            var calls = pushed == null ? java.util.List.<BpfCall>of() : pushed.calls();
            p = new byte[calls.size()][];
            for (int i = 0; i < p.length; i++) {
                try {
                    p[i] = encode(BpfFunction.program(calls.get(i).expr(),
                            calls.get(i).linkTypeFor(linkType)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + " (pushed into the scan of " + file + ")", e);
                }
            }
            callPrograms.put(linkType, p);
        }
        return p;
    }

    /**
     * The program for packets of this link type in a file of this byte order (empty: accepts all); compiled here
     * (on the executor) and kept when the driver did not meet the link type in a file head.
     */
    synchronized byte[] program(int linkType, ByteOrder order, String file) {
        String k = key(linkType, order);
        byte[] p = programs.get(k);
        if (p == null) {
            p = compileFor(linkType, order, file);
            programs.put(k, p);
        }
        return p;
    }

    /** The programs prepared so far (for explain and tests). */
    Map<String, byte[]> programs() {
        return programs;
    }

    private byte[] compileFor(int linkType, ByteOrder order, String file) {
        byte[] user = new byte[0];
        if (userExpr != null) {
            try {
                user = encode(compile(userExpr, linkType, order));
            } catch (FilterSyntaxException e) {
                throw new IllegalArgumentException(e.render() + "\n(option bpf, for link type " + linkType
                        + " of " + file + ")", e);
            } catch (UnsupportedLinkTypeException e) {
                throw new IllegalArgumentException("option bpf: " + e.getMessage() + " (" + file + ")", e);
            }
        }
        String extra = pushed == null ? null : pushed.bpfFor(linkType);
        if (extra == null) {
            return user;
        }
        String both = userExpr == null ? extra : "(" + userExpr + ") and (" + extra + ")";
        try {
            return encode(compile(both, linkType, order));
        } catch (FilterSyntaxException | RuntimeException e) {
            return user;   // the pushdown is an optimisation: Spark re-checks every predicate anyway
        }
    }

    /** The eBPF compiler's output: its classic program when it needs no maps, else the program and its sets. */
    private CompiledFilter compile(String expr, int linkType, ByteOrder order) throws FilterSyntaxException {
        return EbpfCompiler.compile(expr, linkType, SNAPLEN, options(order));
    }

    /** A savefile of this byte order, with the CLI's {@code --ip6-transport} and {@code --vlan-any} choices. */
    private CompileOptions options(ByteOrder order) {
        return CompileOptions.savefile(order).withIp6Transport(ip6Transport).withVlanAny(vlanAny);
    }

    /**
     * Program bytes as {@link FilterCache} takes them: classic bytes (empty when the program accepts every
     * packet), or {@link CompiledFilter#encode()}'s form with its sets (which {@link FilterCache} tells apart).
     */
    static byte[] encode(CompiledFilter f) {
        if (f.usesMaps()) {
            return f.encode();
        }
        ClassicProgram p = f.classic();
        return acceptsAll(p) ? new byte[0] : p.encode();
    }

    /** Whether the program is a lone {@code ret #k} with k != 0. */
    static boolean acceptsAll(ClassicProgram p) {
        if (p.size() != 1) {
            return false;
        }
        ClassicInsn only = p.get(0);
        return only.op() == ClassicOp.RET_K && only.k() != 0;
    }

    /** What {@code explain()} shows. */
    String describe() {
        StringBuilder s = new StringBuilder();
        if (userExpr != null) {
            s.append("bpf: ").append(userExpr);
        }
        if (pushed != null && !pushed.isEmpty()) {
            s.append(s.length() > 0 ? ", " : "").append("pushed: ").append(pushed.describe());
        }
        return s.toString();
    }
}
