package io.weir.compiler;

import io.weir.compiler.lower.LinkLayer;
import io.weir.compiler.lower.VarOffsets;
import io.weir.compiler.lower.Lowering;
import io.weir.compiler.lower.Pred;
import io.weir.compiler.lower.SetTable;
import io.weir.compiler.lower.VlanAny;
import io.weir.compiler.opt.Cfg;
import io.weir.compiler.opt.Emitter;
import io.weir.compiler.opt.EdgeThreading;
import io.weir.compiler.opt.JumpThreading;
import io.weir.compiler.opt.Optimizer;
import io.weir.compiler.opt.Pullup;
import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.Defs;
import io.weir.compiler.parse.Parser;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.Program;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.util.Map;

/**
 * Compiles pcap-filter(7) expressions to classic BPF with libpcap's verdicts.
 *
 * <p>The pipeline is a list of named passes: {@link Parser} (text to syntax tree), {@link Lowering} (semantic
 * checks and libpcap's meaning of each primitive, to a tree of self-contained tests), {@link Cfg} (short-circuit
 * graph, identical blocks merged), {@link JumpThreading} (tests decided by earlier ones bypassed), {@link Pullup} (tests on one value
 * regrouped as libpcap's optimizer does, which fixes the verdicts on truncated packets), threading again, and
 * {@link Emitter} (layout, redundant-load removal, labels resolved). {@link CompileOptions} says whether the
 * handle is a savefile (and its byte order), which changes NULL/LOOP programs as it does in libpcap.
 *
 * <p>Cold start matters (the CLI compiles once per run): the path of a first compile uses no regex, no lambda
 * or stream, no record-generated {@code equals}/{@code hashCode} and no indy string concatenation (the module
 * compiles with {@code -XDstringConcat=inline}), so it loads about 90 classes instead of about 390; the IANA
 * name tables are read on first use.
 * <pre>{@code
 * ClassicProgram p = FilterCompiler.compile("tcp port 80", FilterCompiler.linkType("EN10MB"), 262144);
 * System.out.print(FilterCompiler.dump(p, 1));    // tcpdump -d
 * }</pre>
 */
public final class FilterCompiler {
    /** tcpdump's default snapshot length, the value returned for accepted packets. */
    public static final int DEFAULT_SNAPLEN = 262144;

    private FilterCompiler() {
    }

    /**
     * The DLT number of a link-type name as tcpdump's {@code -y} takes it (libpcap's names: {@code EN10MB},
     * {@code LINUX_SLL2}, {@code IEEE802_11_RADIO}..., see {@link io.weir.compiler.lower.LinkTypes}; also with
     * {@code DLT_} or {@code LINKTYPE_} in front, case-insensitive) or a decimal number; -1 if unknown.
     */
    public static int linkType(String name) {
        int v = io.weir.compiler.lower.LinkTypes.byName(name);
        if (v >= 0) {
            return v;
        }
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether Weir compiles filters for this DLT or LINKTYPE number. */
    public static boolean supportsLinkType(int linkType) {
        return LinkLayer.of(linkType) != null;
    }

    /** Compiles for a live or dead handle with netmask 0 and the optimizer on ({@code tcpdump -y TYPE -d}). */
    public static ClassicProgram compile(String expr, int linkType, int snaplen) throws FilterSyntaxException {
        return compile(expr, linkType, snaplen, CompileOptions.DEAD);
    }

    /** Compiles for a live or dead handle with {@code netmask} (see {@link CompileOptions#netmask()}). */
    public static ClassicProgram compile(String expr, int linkType, int snaplen, long netmask)
            throws FilterSyntaxException {
        return compile(expr, linkType, snaplen, CompileOptions.DEAD.withNetmask(netmask));
    }

    /**
     * Compiles {@code expr} for {@code linkType} as libpcap compiles for the handle {@code options} describes
     * (a savefile and its byte order, or a live/dead handle); accepted packets return {@code snaplen}.
     *
     * @throws FilterSyntaxException a located error, libpcap's reason (including "expression rejects all
     *     packets", as libpcap's optimizer reports)
     * @throws UnsupportedLinkTypeException if the link type is not one Weir compiles for
     */
    public static ClassicProgram compile(String expr, int linkType, int snaplen, CompileOptions options)
            throws FilterSyntaxException {
        return compile(expr, linkType, snaplen, options, SetTable.classic(), null);
    }

    /**
     * The pipeline, with sets compiled as {@code sets} says; when it makes lookup tables, the pcs of their
     * placeholder jumps go to {@code lookups} (see {@link Emitter#emit(Cfg.Node, int, Map)} and
     * {@link io.weir.compiler.ebpf.EbpfCompiler}).
     */
    public static ClassicProgram compile(String expr, int linkType, int snaplen, CompileOptions options,
            SetTable sets, Map<Integer, Integer> lookups) throws FilterSyntaxException {
        LinkLayer ll = LinkLayer.of(linkType, options.fileOrder());
        if (ll == null) {
            throw new UnsupportedLinkTypeException(linkType);
        }
        long netmask = options.netmask();
        if (!options.defs().isEmpty()) {
            expr = Defs.expand(expr, options.defs());
        }
        Ast.Expr ast = Parser.parse(expr);
        Pred pred = options.vlanAny()
                ? VlanAny.lower(ast, expr, linkType, options.fileOrder(), netmask, sets, options.ip6Transport())
                : Lowering.lower(ast, expr, ll, netmask, sets, options.ip6Transport());
        VarOffsets varOffsets = new VarOffsets(ll);
        pred = varOffsets.resolve(pred);
        Cfg built = new Cfg();
        Cfg.Node root = built.build(pred);
        Cfg.Node first = root;
        // libpcap turns its optimizer off for the whole program once 'geneve' is compiled (its offset code has
        // a bare jump): its program then performs every load the expression names, which decides the verdict
        // on truncated packets, and it never reports "rejects all packets". The unthreaded graph does the same.
        boolean unoptimized = mentionsGeneve(ast);
        ClassicProgram p = unoptimized ? Emitter.emit(root, snaplen, lookups) : Optimizer.run(root, built, snaplen,
                lookups);
        if (p != null) {
            ClassicProgram kept = keepRootStatements(first, p);
            if (lookups != null && kept != p && !lookups.isEmpty()) {
                shift(lookups, kept.size() - p.size());
            }
            p = kept;
            if (p.size() > io.weir.engine.cbpf.ClassicOp.MAX_INSNS) {
                // Only Weir's extensions get here (tunnel scopes, the IPv6 walk): libpcap's primitives stay short.
                throw new FilterSyntaxException("program too long: " + p.size() + " instructions, classic BPF allows "
                        + io.weir.engine.cbpf.ClassicOp.MAX_INSNS, expr, 0, expr.length());
            }
        }
        if (p == null) {
            // libpcap reports this only when its (edge-only) threading proves it; otherwise it compiles a
            // program that never accepts, which ret #0 matches on every packet.
            if (!unoptimized && !mentionsProtochain(ast) && !varOffsets.prologueBranches()
                    && EdgeThreading.rejectsAll(built.build(pred))) {
                throw new FilterSyntaxException("expression rejects all packets", expr, 0, expr.length());
            }
            p = ClassicProgram.of(io.weir.engine.cbpf.ClassicInsn.ret(0));
        }
        int unprefixed = p.size();
        p = varOffsets.prepend(p);
        if (lookups != null && !lookups.isEmpty() && p.size() != unprefixed) {
            shift(lookups, p.size() - unprefixed);
        }
        return p;
    }

    /** Whether {@code e} names {@code geneve} anywhere (libpcap then compiles without its optimizer). */
    private static boolean mentionsGeneve(Ast.Expr e) {
        return mentions(e, x -> x instanceof Ast.Other o && "geneve".equals(o.kind()));
    }

    /**
     * Whether {@code e} has a {@code protochain} primitive. libpcap's header walk is a loop (a backward jump),
     * and its optimizer never reduces a program holding one to "reject": it compiles {@code ip6 protochain 6
     * and ip} to a program that returns 0 instead of reporting that it rejects all packets.
     */
    private static boolean mentionsProtochain(Ast.Expr e) {
        return mentions(e, x -> x instanceof Ast.Prim p && p.q().type() == Ast.Type.PROTOCHAIN);
    }

    private static boolean mentions(Ast.Expr e, java.util.function.Predicate<Ast.Expr> primitive) {
        if (e instanceof Ast.And a) {
            return mentions(a.l(), primitive) || mentions(a.r(), primitive);
        }
        if (e instanceof Ast.Or o) {
            return mentions(o.l(), primitive) || mentions(o.r(), primitive);
        }
        if (e instanceof Ast.Not n) {
            return mentions(n.e(), primitive);
        }
        if (e instanceof Ast.Scope sc) {
            return mentions(sc.e(), primitive);
        }
        return primitive.test(e);
    }

    /**
     * libpcap's optimizer never removes the first block of the program: when threading leaves both of its
     * branches going to the same place, {@code opt_root} keeps its statements in front of the next block (and
     * drops them only if that is a return). Its loads then still run first, and reject a packet too short for
     * them. Weir drops a decided test whole, so it puts the first test's statements back in front when its
     * program does not start with them: {@code icmp6 and dst host 127.0.0.1 or ether multicast} keeps libpcap's
     * {@code ldh [12]} before {@code ldb [0]}, and a 10-byte packet is rejected by both.
     */
    private static ClassicProgram keepRootStatements(Cfg.Node first, ClassicProgram p) {
        if (first.isLeaf() || p.size() < 2) {
            return p;
        }
        java.util.List<io.weir.engine.cbpf.ClassicInsn> stmts = first.test().stmts();
        if (stmts.isEmpty() || p.size() >= stmts.size() && p.insns().subList(0, stmts.size()).equals(stmts)) {
            return p;
        }
        java.util.List<io.weir.engine.cbpf.ClassicInsn> all = new java.util.ArrayList<>(stmts);
        all.addAll(p.insns());
        return ClassicProgram.of(all);
    }

    private static void shift(Map<Integer, Integer> lookups, int by) {
        Map<Integer, Integer> moved = new java.util.HashMap<>();
        for (Map.Entry<Integer, Integer> e : lookups.entrySet()) {
            moved.put(e.getKey() + by, e.getValue());
        }
        lookups.clear();
        lookups.putAll(moved);
    }

    /**
     * The eBPF form of the classic program, through the engine's classic-to-eBPF translation; it returns what the
     * classic program returns on every packet, so sets of more than 64 entries are errors here. Consumers that
     * run filters on the eBPF engine use {@link io.weir.compiler.ebpf.EbpfCompiler} instead, whose output carries
     * the sets' maps.
     */
    public static Program compileEbpf(String expr, int linkType, int snaplen) throws FilterSyntaxException {
        return ClassicToEbpf.translate(compile(expr, linkType, snaplen));
    }

    /**
     * The program in one of tcpdump's dump formats: 1 for {@code -d} (listing), 2 for {@code -dd} (C array),
     * 3 for {@code -ddd} (decimal).
     */
    public static String dump(ClassicProgram p, int level) {
        switch (level) {
            case 1: return TcpdumpFormat.listing(p);
            case 2: return TcpdumpFormat.cArray(p);
            default: return TcpdumpFormat.decimal(p);
        }
    }
}
