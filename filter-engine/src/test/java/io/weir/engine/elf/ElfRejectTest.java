package io.weir.engine.elf;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Objects and selections Weir refuses, with the message that says where and why. */
class ElfRejectTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("kfunc", null, "section 'xdp': relocation 0 at insn 0 against 'bpf_rcu_read_lock':"
                        + " extern symbols (kfuncs, __ksym, __kconfig) are not supported"),
                Arguments.of("core", null, "section 'socket': CO-RE relocation 0 at insn"),
                Arguments.of("proto_count", "xdp", "no section 'xdp'; programs: socket"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void rejectedWithLocation(String fixture, String section, String message) throws Exception {
        ElfLoadException e = assertThrows(ElfLoadException.class,
                () -> ElfObjectSpec.read(ElfFixtures.checkedIn(fixture)).program(section));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notElf")
    void notAnElfObject(byte[] bytes, String message) {
        ElfLoadException e = assertThrows(ElfLoadException.class, () -> ElfObjectSpec.parse(bytes));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    static Stream<Arguments> notElf() throws Exception {
        byte[] x86 = Files.readAllBytes(ElfFixtures.checkedIn("proto_count"));
        x86[18] = 62; // EM_X86_64
        return Stream.of(Arguments.of(new byte[] {1, 2, 3}, "not a readable ELF object"),
                Arguments.of(x86, "not a 64-bit little-endian BPF object"),
                Arguments.of(withHashTable(), "section 2 has type 5 (a hash, dynamic or note table)"));
    }

    /**
     * proto_count.o with its program section's type made SHT_HASH: a fuzz finding ran the ELF library out of
     * memory sizing such a table's arrays from its own counts; Weir refuses link-time tables before that.
     */
    static byte[] withHashTable() throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(ElfFixtures.checkedIn("proto_count")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int shoff = (int) b.getLong(0x28);
        b.putInt(shoff + 2 * b.getShort(0x3a) + 4, 5); // section 2: SHT_HASH
        return b.array();
    }
}
