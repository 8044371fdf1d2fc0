package io.weir.engine.ebpf;

/** Test shorthand: assemble ubpf-style text and run it. */
final class Run {
    private Run() {}

    /** r0 of a RAW program over {@code mem}. */
    static long raw(String asm, byte[] mem) {
        return new EbpfInterpreter(Assembler.assemble(asm, ProgramType.RAW)).run(mem);
    }

    /** r0 of a RAW program with no memory. */
    static long raw(String asm) {
        return raw(asm, new byte[0]);
    }

    /** r0 of a SOCKET program over {@code packet}. */
    static long socket(String asm, byte[] packet) {
        return new EbpfInterpreter(Assembler.assemble(asm, ProgramType.SOCKET)).run(packet, 0, packet.length,
                packet.length);
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
