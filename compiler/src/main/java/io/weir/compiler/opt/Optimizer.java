package io.weir.compiler.opt;

import io.weir.engine.cbpf.ClassicProgram;
import java.util.HashMap;
import java.util.Map;

/**
 * The optimizer's passes in order, twice: threading → pullups → threading → emission, once with path-wise
 * {@link JumpThreading} (copies blocks per set of known facts: usually the shorter program) and once with
 * {@link EdgeThreading} (libpcap's strength, no copies); the shorter program wins, path-wise on a tie. Copies pay
 * on most filters, but where a join's tail is copied for facts that decide little
 * ({@code host 1.2.3.4 and (tcp) or 5.6.7.8}: 30 instructions path-wise, 21 edge-only, libpcap 21) the edge-only
 * program is shorter, so no program of the differential table is longer than libpcap's.
 */
public final class Optimizer {
    private Optimizer() {
    }

    /**
     * The program for the graph at {@code root} (built in {@code built}), or null when the path-wise pipeline
     * proves that it rejects everything; set lookups' placeholder pcs go to {@code lookups} as
     * {@link Emitter#emit(Cfg.Node, int, Map)} says (null: the graph holds none).
     */
    public static ClassicProgram run(Cfg.Node root, Cfg built, int acceptValue, Map<Integer, Integer> lookups) {
        Map<Integer, Integer> pathLookups = lookups == null ? null : new HashMap<>();
        ClassicProgram path = Emitter.emit(pipeline(root, built, false), acceptValue, pathLookups);
        ClassicProgram chosen = path;
        Map<Integer, Integer> chosenLookups = pathLookups;
        if (path != null && path.size() > 1 && JumpThreading.pathwise(built)) {
            Map<Integer, Integer> edgeLookups = lookups == null ? null : new HashMap<>();
            ClassicProgram edge = Emitter.emit(pipeline(root, built, true), acceptValue, edgeLookups);
            if (edge != null && edge.size() < path.size()) {
                chosen = edge;
                chosenLookups = edgeLookups;
            }
        }
        if (lookups != null && chosenLookups != null) {
            lookups.putAll(chosenLookups);
        }
        return chosen;
    }

    private static Cfg.Node pipeline(Cfg.Node root, Cfg built, boolean edgesOnly) {
        Cfg threaded = new Cfg();
        Cfg.Node r = edgesOnly ? EdgeThreading.run(root, threaded) : JumpThreading.run(root, built, threaded);
        Cfg pulled = new Cfg();
        r = Pullup.run(r, threaded, pulled);
        Cfg rethreaded = new Cfg();
        return edgesOnly ? EdgeThreading.run(r, rethreaded) : JumpThreading.run(r, pulled, rethreaded);
    }
}
