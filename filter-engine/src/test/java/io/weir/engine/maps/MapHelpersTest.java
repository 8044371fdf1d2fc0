package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.ProgramType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Helper calls from assembled programs: each case is a program, a packet and the expected r0 or fault. */
class MapHelpersTest {
    private static final byte[] PACKET = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    static Stream<Arguments> programs() {
        return Stream.of(
                Arguments.of("ktime from the packet clock", "call 5\nexit", 123_456_789L, null),
                Arguments.of("slot id in range", "call 8\nmov %r1, %r0\nmov %r0, 1\njlt %r1, "
                        + CpuSlots.count() + ", ok\nmov %r0, 0\nok:\nexit", 1L, null),
                Arguments.of("prandom is 32 bits", "call 7\nrsh %r0, 32\nexit", 0L, null),
                Arguments.of("skb_load_bytes copies", "mov %r2, 3\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 8\ncall 26\n"
                        + "ldxdw %r0, [%r10-8]\nexit", 0x0a09080706050403L, null),
                Arguments.of("skb_load_bytes past the end", "mov %r2, 10\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 8\n"
                        + "call 26\nexit", -14L, null),
                Arguments.of("array lookup out of range is NULL", "stw [%r10-4], 4\nlddw %r1, map_by_fd(0)\n"
                        + "mov %r2, %r10\nadd %r2, -4\ncall 1\nexit", 0L, null),
                Arguments.of("array value read and write", "stw [%r10-4], 3\nlddw %r1, map_by_fd(0)\n"
                        + "mov %r2, %r10\nadd %r2, -4\ncall 1\njeq %r0, 0, out\nstdw [%r0+0], 41\n"
                        + "mov %r1, 1\nlock fetch add [%r0+0], %r1\nldxdw %r0, [%r0+0]\nout:\nexit", 42L, null),
                Arguments.of("read past the value faults", "stw [%r10-4], 3\nlddw %r1, map_by_fd(0)\n"
                        + "mov %r2, %r10\nadd %r2, -4\ncall 1\njeq %r0, 0, out\nldxdw %r0, [%r0+8]\nout:\nexit",
                        null, "out-of-bounds read of 8 bytes at offset 32 of map 'arr' (value_size 8)"),
                Arguments.of("a scalar is not a map", "mov %r1, 7\nmov %r2, %r10\ncall 1\nexit", null,
                        "map_lookup_elem: r1 0x7 is not a key/value map"),
                Arguments.of("array delete is EINVAL", "stw [%r10-4], 0\nlddw %r1, map_by_fd(0)\nmov %r2, %r10\n"
                        + "add %r2, -4\ncall 3\nexit", (long) -Errno.EINVAL, null),
                Arguments.of("global data map value reference", "lddw %r1, map_val_by_fd(0, 4)\nstw [%r1+0], 9\n"
                        + "ldxw %r0, [%r1+0]\nexit", 9L, null),
                Arguments.of("ringbuf on a hash faults", "lddw %r1, map_by_fd(0)\nmov %r2, 8\nmov %r3, 0\n"
                        + "call 131\nexit", null, "ringbuf_reserve: r1 arr+0 is not a ring buffer"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void helperCall(String name, String asm, Long expected, String fault) {
        try (BpfMap arr = new MapSpec("arr", MapType.ARRAY, 4, 8, 4, 0).create()) {
            EbpfInterpreter f = new EbpfInterpreter(MapLinker.link(Assembler.assemble(asm, ProgramType.SOCKET),
                    List.of(arr)), MapHelpers.table(), 10_000);
            PacketClock.setPacketTime(123_456_789L);
            try {
                if (fault == null) {
                    assertEquals(expected, f.run(PACKET, 0, PACKET.length, PACKET.length), name);
                } else {
                    EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class,
                            () -> f.run(PACKET, 0, PACKET.length, PACKET.length));
                    assertTrue(e.getMessage().contains(fault), e.getMessage());
                }
            } finally {
                PacketClock.clear();
            }
        }
    }

    @Test
    void tracePrintkFormatsFromStackMemory() {
        // "a=%d b=%x\n" built on the stack, as clang does for a local format string.
        String asm = String.join("\n",
                "lddw %r1, 0x78253d62206425",   // "%d b=%x" little-endian, after "a="
                "stxdw [%r10-14], %r1",
                "sth [%r10-16], 0x3d61",        // "a="
                "stb [%r10-7], 10",             // '\n'
                "stb [%r10-6], 0",
                "mov %r1, %r10",
                "add %r1, -16",
                "mov %r2, 11",
                "mov %r3, -5",
                "mov %r4, 255",
                "call 6",
                "exit");
        List<String> lines = new ArrayList<>();
        HelperTable t = MapHelpers.table(lines::add);
        long r = new EbpfInterpreter(Assembler.assemble(asm, ProgramType.SOCKET), t, 100).run(PACKET, 0, 16, 16);
        assertEquals(List.of("a=-5 b=ff"), lines);
        assertEquals(10, r);
    }

    @Test
    void readOnlyDataFaultsOnStore() {
        try (BpfMap ro = new MapSpec(".rodata", MapType.ARRAY, 4, 8, 1, MapSpec.F_RDONLY_PROG).create()) {
            assertEquals(0, ro.update(u32(0), u64(77), BpfMap.BPF_ANY), "the loader initialises it from Java");
            EbpfInterpreter f = new EbpfInterpreter(MapLinker.link(Assembler.assemble(
                    "lddw %r1, map_val_by_fd(0, 0)\nldxdw %r0, [%r1+0]\nstw [%r1+0], 1\nexit", ProgramType.SOCKET),
                    List.of(ro)), MapHelpers.table(), 100);
            EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> f.run(PACKET, 0, 16, 16));
            assertTrue(e.getMessage().contains("write to read-only map '.rodata'"), e.getMessage());
        }
    }

    @Test
    void linkerRejectsUnknownMapsAndBadOffsets() {
        try (BpfMap h = new MapSpec("h", MapType.HASH, 4, 8, 4, 0).create()) {
            EbpfFormatException e = assertThrows(EbpfFormatException.class, () -> MapLinker.link(
                    Assembler.assemble("mov %r0, 0\nlddw %r1, map_by_fd(3)\nexit", ProgramType.SOCKET), List.of(h)));
            assertTrue(e.getMessage().contains("no such map (1 maps)"), e.getMessage());
            assertEquals(1, e.index());
            e = assertThrows(EbpfFormatException.class, () -> MapLinker.link(
                    Assembler.assemble("lddw %r1, map_val_by_fd(0, 0)\nexit", ProgramType.SOCKET), List.of(h)));
            assertTrue(e.getMessage().contains("outside the value of map 'h' (hash"), e.getMessage());
        }
    }

    @Test
    void helperPrototypesCoverTheTable() {
        HelperTable t = MapHelpers.table();
        assertEquals(t.names().keySet(), HelperProto.packetHelpers().keySet());
        HelperProto.packetHelpers().forEach((id, p) -> assertEquals(p.name(), t.name(id)));
        assertEquals(HelperProto.Ret.MAP_VALUE_OR_NULL, HelperProto.of(1).ret());
        assertEquals(List.of(HelperProto.Arg.CONST_MAP_PTR, HelperProto.Arg.PTR_TO_MAP_KEY), HelperProto.of(1).args());
    }
}
