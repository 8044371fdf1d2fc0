package io.weir.engine.ebpf;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The helpers a program type may call, by id; immutable. {@link #conformance()} is the bpf_conformance suite's
 * table (helper 5 returns r1); later issues add the map helpers for packet programs.
 */
public final class HelperTable {
    private static final HelperTable EMPTY = new HelperTable(new Helper[0], new String[0]);
    private static final HelperTable CONFORMANCE = EMPTY.with(5, "unwind", new ReturnFirstArgument());

    /** The conformance suite's helper 5. A class, not a lambda: lambdas cost start-up time in the plugin. */
    private static final class ReturnFirstArgument implements Helper {
        @Override
        public long call(long r1, long r2, long r3, long r4, long r5, EbpfMemory memory) {
            return r1;
        }
    }

    private final Helper[] helpers;
    private final String[] names;

    private HelperTable(Helper[] helpers, String[] names) {
        this.helpers = helpers;
        this.names = names;
    }

    /** The table with no helper. */
    public static HelperTable empty() {
        return EMPTY;
    }

    /** The conformance suite's table: helper 5 returns its first argument. */
    public static HelperTable conformance() {
        return CONFORMANCE;
    }

    /** The default table of a program type (RAW: the conformance table; packet programs: none yet). */
    public static HelperTable forType(ProgramType type) {
        return type == ProgramType.RAW ? CONFORMANCE : EMPTY;
    }

    /** A copy of this table with {@code helper} at {@code id}. */
    public HelperTable with(int id, String name, Helper helper) {
        if (id < 0 || id > 0xffff) {
            throw new IllegalArgumentException("helper id out of range: " + id);
        }
        int n = Math.max(helpers.length, id + 1);
        Helper[] h = Arrays.copyOf(helpers, n);
        String[] s = Arrays.copyOf(names, n);
        h[id] = helper;
        s[id] = name;
        return new HelperTable(h, s);
    }

    /** The helper with this id, or null. */
    public Helper get(long id) {
        return id >= 0 && id < helpers.length ? helpers[(int) id] : null;
    }

    /** The name of helper {@code id}, or null. */
    public String name(long id) {
        return id >= 0 && id < names.length ? names[(int) id] : null;
    }

    /** Every helper id with its name. */
    public Map<Integer, String> names() {
        Map<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            if (helpers[i] != null) {
                m.put(i, names[i]);
            }
        }
        return m;
    }
}
