package io.weir.engine.maps;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The prototype of a helper as data, for the verifier and the JIT: its Linux id and name, what it returns, the
 * type of each argument r1..r5 it reads, and which map types its map argument accepts. The types follow the
 * kernel's {@code enum bpf_arg_type} and {@code bpf_return_type} ({@code include/linux/bpf.h}); arguments after
 * the listed ones are not read (the verifier treats r1-r5 as clobbered by every call regardless).
 *
 * @param id       the helper id ({@code call imm})
 * @param name     the name without the {@code bpf_} prefix
 * @param ret      what r0 holds after the call
 * @param args     the argument types, r1 first
 * @param mapTypes the map types the {@link Arg#CONST_MAP_PTR} argument accepts (empty when there is none)
 */
public record HelperProto(int id, String name, Ret ret, List<Arg> args, Set<MapType> mapTypes) {

    /** Argument types (the kernel's {@code ARG_*}). */
    public enum Arg {
        /** Any initialised value: a scalar or a pointer ({@code ARG_ANYTHING}). */
        ANYTHING,
        /** A map pointer loaded by {@code lddw} of a pseudo map fd ({@code ARG_CONST_MAP_PTR}). */
        CONST_MAP_PTR,
        /** A pointer to {@code key_size} initialised bytes of the map in r1 ({@code ARG_PTR_TO_MAP_KEY}). */
        PTR_TO_MAP_KEY,
        /** A pointer to {@code value_size} initialised bytes of the map in r1 ({@code ARG_PTR_TO_MAP_VALUE}). */
        PTR_TO_MAP_VALUE,
        /** A pointer to readable memory whose size is the next argument ({@code ARG_PTR_TO_MEM | MEM_RDONLY}). */
        PTR_TO_MEM_RDONLY,
        /** A pointer to writable memory the helper fills, size in the next argument ({@code ARG_PTR_TO_UNINIT_MEM}). */
        PTR_TO_UNINIT_MEM,
        /** The size of the previous memory argument, a known positive value ({@code ARG_CONST_SIZE}). */
        CONST_SIZE,
        /** As {@link #CONST_SIZE}, 0 allowed ({@code ARG_CONST_SIZE_OR_ZERO}). */
        CONST_SIZE_OR_ZERO,
        /** The size of a ring buffer record to reserve, a known constant ({@code ARG_CONST_ALLOC_SIZE_OR_ZERO}). */
        CONST_ALLOC_SIZE_OR_ZERO,
        /** The program's context pointer, r1 at entry ({@code ARG_PTR_TO_CTX}). */
        PTR_TO_CTX,
        /** A record returned by {@code ringbuf_reserve}, released by this call ({@code ARG_PTR_TO_RINGBUF_MEM}). */
        PTR_TO_RINGBUF_MEM_RELEASE
    }

    /** Return types (the kernel's {@code RET_*}). */
    public enum Ret {
        /** A scalar ({@code RET_INTEGER}). */
        INTEGER,
        /** Nothing: r0 is undefined ({@code RET_VOID}). */
        VOID,
        /** A pointer to a value of the map in r1, or 0 ({@code RET_PTR_TO_MAP_VALUE_OR_NULL}). */
        MAP_VALUE_OR_NULL,
        /**
         * A pointer to as many writable bytes as the size argument (r2), or 0; it must be released by submit or
         * discard on every path ({@code RET_PTR_TO_RINGBUF_MEM_OR_NULL}).
         */
        RINGBUF_MEM_OR_NULL
    }

    /** A prototype; the lists are copied. */
    public HelperProto {
        args = List.copyOf(args);
        mapTypes = mapTypes.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(mapTypes));
    }

    /** {@code bpf_map_lookup_elem}. */
    public static final int MAP_LOOKUP_ELEM = 1;
    /** {@code bpf_map_update_elem}. */
    public static final int MAP_UPDATE_ELEM = 2;
    /** {@code bpf_map_delete_elem}. */
    public static final int MAP_DELETE_ELEM = 3;
    /** {@code bpf_ktime_get_ns}. */
    public static final int KTIME_GET_NS = 5;
    /** {@code bpf_trace_printk}. */
    public static final int TRACE_PRINTK = 6;
    /** {@code bpf_get_prandom_u32}. */
    public static final int GET_PRANDOM_U32 = 7;
    /** {@code bpf_get_smp_processor_id}. */
    public static final int GET_SMP_PROCESSOR_ID = 8;
    /** {@code bpf_skb_load_bytes}. */
    public static final int SKB_LOAD_BYTES = 26;
    /** {@code bpf_ringbuf_output}. */
    public static final int RINGBUF_OUTPUT = 130;
    /** {@code bpf_ringbuf_reserve}. */
    public static final int RINGBUF_RESERVE = 131;
    /** {@code bpf_ringbuf_submit}. */
    public static final int RINGBUF_SUBMIT = 132;
    /** {@code bpf_ringbuf_discard}. */
    public static final int RINGBUF_DISCARD = 133;

    private static final Set<MapType> KEY_VALUE = EnumSet.of(MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY, MapType.LRU_HASH);
    private static final Set<MapType> RING = EnumSet.of(MapType.RINGBUF);
    private static final Set<MapType> NONE = EnumSet.noneOf(MapType.class);

    private static final Map<Integer, HelperProto> PACKET = table(
            p(MAP_LOOKUP_ELEM, "map_lookup_elem", Ret.MAP_VALUE_OR_NULL, KEY_VALUE,
                    Arg.CONST_MAP_PTR, Arg.PTR_TO_MAP_KEY),
            p(MAP_UPDATE_ELEM, "map_update_elem", Ret.INTEGER, KEY_VALUE,
                    Arg.CONST_MAP_PTR, Arg.PTR_TO_MAP_KEY, Arg.PTR_TO_MAP_VALUE, Arg.ANYTHING),
            p(MAP_DELETE_ELEM, "map_delete_elem", Ret.INTEGER, KEY_VALUE,
                    Arg.CONST_MAP_PTR, Arg.PTR_TO_MAP_KEY),
            p(KTIME_GET_NS, "ktime_get_ns", Ret.INTEGER, NONE),
            p(TRACE_PRINTK, "trace_printk", Ret.INTEGER, NONE,
                    Arg.PTR_TO_MEM_RDONLY, Arg.CONST_SIZE, Arg.ANYTHING, Arg.ANYTHING, Arg.ANYTHING),
            p(GET_PRANDOM_U32, "get_prandom_u32", Ret.INTEGER, NONE),
            p(GET_SMP_PROCESSOR_ID, "get_smp_processor_id", Ret.INTEGER, NONE),
            p(SKB_LOAD_BYTES, "skb_load_bytes", Ret.INTEGER, NONE,
                    Arg.PTR_TO_CTX, Arg.ANYTHING, Arg.PTR_TO_UNINIT_MEM, Arg.CONST_SIZE),
            p(RINGBUF_OUTPUT, "ringbuf_output", Ret.INTEGER, RING,
                    Arg.CONST_MAP_PTR, Arg.PTR_TO_MEM_RDONLY, Arg.CONST_SIZE_OR_ZERO, Arg.ANYTHING),
            p(RINGBUF_RESERVE, "ringbuf_reserve", Ret.RINGBUF_MEM_OR_NULL, RING,
                    Arg.CONST_MAP_PTR, Arg.CONST_ALLOC_SIZE_OR_ZERO, Arg.ANYTHING),
            p(RINGBUF_SUBMIT, "ringbuf_submit", Ret.VOID, NONE, Arg.PTR_TO_RINGBUF_MEM_RELEASE, Arg.ANYTHING),
            p(RINGBUF_DISCARD, "ringbuf_discard", Ret.VOID, NONE, Arg.PTR_TO_RINGBUF_MEM_RELEASE, Arg.ANYTHING));

    private static HelperProto p(int id, String name, Ret ret, Set<MapType> maps, Arg... args) {
        return new HelperProto(id, name, ret, Arrays.asList(args), maps);
    }

    private static Map<Integer, HelperProto> table(HelperProto... protos) {
        Map<Integer, HelperProto> m = new TreeMap<>();
        for (HelperProto h : protos) {
            m.put(h.id(), h);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The prototypes of the helpers packet programs (SOCKET, XDP) may call, by id. */
    public static Map<Integer, HelperProto> packetHelpers() {
        return PACKET;
    }

    /** The prototype of packet-program helper {@code id}, or null. */
    public static HelperProto of(int id) {
        return PACKET.get(id);
    }

    /** The number of arguments the helper reads. */
    public int argCount() {
        return args.size();
    }
}
