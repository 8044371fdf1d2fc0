package io.weir.engine.verifier;

import java.util.List;

/**
 * A helper's prototype: the argument kinds r1..r5 must hold and what r0 holds after the call (the kernel's
 * {@code bpf_func_proto}). The verifier knows the map helpers now, ahead of the maps issue, so that programs
 * using them are checked the way they will run.
 *
 * @param id     the helper id ({@code call id})
 * @param name   the kernel's name
 * @param args   the argument kinds, r1 first
 * @param result what r0 holds afterwards
 */
public record HelperProto(int id, String name, List<Arg> args, Ret result) {

    /** What an argument register must hold. */
    public enum Arg {
        /** Any initialised value. */
        ANYTHING,
        /** A map, as {@code lddw map_by_fd} loads it. */
        CONST_MAP_PTR,
        /** A pointer to the map's key size of initialised bytes (stack or map value). */
        MAP_KEY,
        /** A pointer to the map's value size of initialised bytes (stack or map value). */
        MAP_VALUE
    }

    /** What r0 holds after the call. */
    public enum Ret {
        /** A number. */
        INTEGER,
        /** A pointer to a value of the map argument, or null. */
        MAP_VALUE_OR_NULL
    }

    /** {@code void *bpf_map_lookup_elem(map, key)}. */
    public static final HelperProto MAP_LOOKUP_ELEM = new HelperProto(1, "map_lookup_elem",
            List.of(Arg.CONST_MAP_PTR, Arg.MAP_KEY), Ret.MAP_VALUE_OR_NULL);
    /** {@code long bpf_map_update_elem(map, key, value, flags)}. */
    public static final HelperProto MAP_UPDATE_ELEM = new HelperProto(2, "map_update_elem",
            List.of(Arg.CONST_MAP_PTR, Arg.MAP_KEY, Arg.MAP_VALUE, Arg.ANYTHING), Ret.INTEGER);
    /** {@code long bpf_map_delete_elem(map, key)}. */
    public static final HelperProto MAP_DELETE_ELEM = new HelperProto(3, "map_delete_elem",
            List.of(Arg.CONST_MAP_PTR, Arg.MAP_KEY), Ret.INTEGER);

    /** The prototypes packet programs may call, by id; null when unknown. */
    public static HelperProto forId(long id) {
        if (id == 1) {
            return MAP_LOOKUP_ELEM;
        }
        if (id == 2) {
            return MAP_UPDATE_ELEM;
        }
        if (id == 3) {
            return MAP_DELETE_ELEM;
        }
        return null;
    }
}
