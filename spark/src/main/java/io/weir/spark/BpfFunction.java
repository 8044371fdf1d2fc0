package io.weir.spark;

import io.weir.capture.LinkType;
import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.OpClass;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * {@code bpf(data, expr [, linktype])}: whether the packet bytes {@code data} match the pcap-filter(7)
 * expression {@code expr}, for packets of link type {@code linktype} (an int; {@code 1}, EN10MB, when left out).
 * Works on any table with a binary column of packet bytes; on a {@code pcap} table pass the {@code linktype}
 * column ({@code weir.bpf(data, 'tcp', linktype)}) so that each packet is read with its own link type.
 *
 * <p>The program sees {@code data} only: its wire length is {@code length(data)} (a table does not carry the
 * original length with the bytes), so {@code len}, {@code greater} and {@code less} compare the captured length.
 * The expression is compiled once per distinct (expression, link type) in each JVM and JIT-ed through
 * {@link FilterCache}; a bad expression fails the task with the located error. A {@code null} argument gives
 * {@code null}.
 *
 * <p>On a {@code pcap} scan, {@code weir.bpf(data, 'literal' ...)} in a {@code WHERE} clause is pushed into the
 * reader ({@link PushedPredicates}); the {@code bpf} option is the portable form of the same filter.
 */
final class BpfFunction implements UnboundFunction {
    private static final long serialVersionUID = 1L;
    /** The function's name in {@link WeirFunctions}. */
    static final String NAME = "bpf";
    /** What {@code UserDefinedScalarFunc.canonicalName()} says when Spark pushes a call into a scan. */
    static final String CANONICAL = "io.weir.spark.bpf";
    /** Compiled filters kept per JVM before the map is emptied (each holds a JIT-ed class in FilterCache). */
    private static final int MAX_CACHED = 256;
    private static final ConcurrentHashMap<String, Compiled> COMPILED = new ConcurrentHashMap<>();

    /** A compiled expression: the filter ({@code null}: accepts all) or the error to throw for each row. */
    private record Compiled(Filter filter, RuntimeException error) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "bpf(data binary, expr string [, linktype int]): whether data matches the pcap-filter expression"
                + " (link type 1, EN10MB, by default)";
    }

    @Override
    public BoundFunction bind(StructType inputType) {
        var f = inputType.fields();
        if (f.length < 2 || f.length > 3 || !(f[0].dataType() instanceof BinaryType)
                || !(f[1].dataType() instanceof StringType)
                || (f.length == 3 && !(f[2].dataType() instanceof IntegerType))) {
            throw new UnsupportedOperationException("weir.bpf takes (binary data, string expr [, int linktype]),"
                    + " not " + inputType.simpleString());
        }
        return new Bound(f.length == 3);
    }

    /** The bound function: one instance per query plan, shipped to tasks. */
    static final class Bound implements ScalarFunction<Boolean> {
        private static final long serialVersionUID = 1L;
        private final boolean withLinkType;
        /** The last expression seen by this instance: rows of one query nearly always share it. */
        private transient volatile Last last;

        private record Last(UTF8String expr, int linkType, Compiled compiled) {}

        Bound(boolean withLinkType) {
            this.withLinkType = withLinkType;
        }

        @Override
        public DataType[] inputTypes() {
            return withLinkType
                    ? new DataType[] {DataTypes.BinaryType, DataTypes.StringType, DataTypes.IntegerType}
                    : new DataType[] {DataTypes.BinaryType, DataTypes.StringType};
        }

        @Override
        public DataType resultType() {
            return DataTypes.BooleanType;
        }

        @Override
        public boolean isResultNullable() {
            return true;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String canonicalName() {
            return CANONICAL;
        }

        @Override
        public String toString() {
            return "weir.bpf";
        }

        @Override
        public Boolean produceResult(InternalRow input) {
            if (input.isNullAt(0) || input.isNullAt(1) || (withLinkType && input.isNullAt(2))) {
                return null;
            }
            byte[] data = input.getBinary(0);
            UTF8String expr = input.getUTF8String(1);
            int linkType = withLinkType ? input.getInt(2) : LinkType.ETHERNET;
            Last l = last;
            if (l == null || l.linkType != linkType || !l.expr.equals(expr)) {
                l = new Last(expr.copy(), linkType, compiled(expr.toString(), linkType));
                last = l;
            }
            Compiled c = l.compiled;
            if (c.error != null) {
                throw c.error;
            }
            return c.filter == null || c.filter.run(data, 0, data.length, data.length) != 0;
        }
    }

    /** The filter of {@code expr} for {@code linkType}, compiled once per JVM. */
    private static Compiled compiled(String expr, int linkType) {
        String key = linkType + "\u0000" + expr;
        Compiled c = COMPILED.get(key);
        if (c == null) {
            if (COMPILED.size() >= MAX_CACHED) {
                COMPILED.clear();
            }
            c = COMPILED.computeIfAbsent(key, k -> compile(expr, linkType));
        }
        return c;
    }

    private static Compiled compile(String expr, int linkType) {
        try {
            byte[] program = BpfPlan.encode(program(expr, linkType));
            return new Compiled(FilterCache.filter(program, linkType), null);
        } catch (IllegalArgumentException e) {
            return new Compiled(null, e);
        }
    }

    /**
     * Compiles {@code expr} as the function does: as for a savefile in little-endian order (the bytes of a table
     * carry no file byte order; it matters only for the DLT_NULL and DLT_LOOP headers, written in the capturing
     * host's order, which is little-endian on nearly every host). Through the eBPF compiler, as the {@code bpf}
     * option: a set too large for a comparison chain ({@code host in @FILE}) becomes a map lookup.
     *
     * @throws IllegalArgumentException the located error, as {@code weir} renders it, naming the function
     */
    static CompiledFilter program(String expr, int linkType) {
        try {
            return EbpfCompiler.compile(expr, linkType, FilterCompiler.DEFAULT_SNAPLEN,
                    CompileOptions.savefile(ByteOrder.LITTLE_ENDIAN));
        } catch (FilterSyntaxException e) {
            throw new IllegalArgumentException(e.render() + "\n(weir.bpf, link type " + linkType + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weir.bpf: " + e.getMessage() + " (link type " + linkType + ")", e);
        }
    }

    /**
     * Whether the program reads the packet's wire length ({@code len}, {@code greater}, {@code less}): the
     * function gives it {@code length(data)}, the reader the record's original length, so such a program is
     * not pushed into the reader. With map lookups there is no classic program: the translation loads the wire
     * length from the context register ({@link ClassicToEbpf#REG_CTX}), at {@link MemoryModel#SKB_LEN}.
     */
    static boolean readsWireLength(CompiledFilter f) {
        if (f.classic() == null) {
            for (Insn insn : f.program().insns()) {
                if (insn.opClass() == OpClass.LDX && insn.src() == ClassicToEbpf.REG_CTX
                        && insn.off() == MemoryModel.SKB_LEN) {
                    return true;
                }
            }
            return false;
        }
        ClassicProgram p = f.classic();
        for (int i = 0; i < p.size(); i++) {
            ClassicInsn insn = p.get(i);
            if (insn.op() == ClassicOp.LD_LEN || insn.op() == ClassicOp.LDX_LEN) {
                return true;
            }
        }
        return false;
    }
}
