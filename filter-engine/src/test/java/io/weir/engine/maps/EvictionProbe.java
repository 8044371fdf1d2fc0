package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Assembler;
import java.util.List;

/** Runs a one-lookup program, so that LRU tests touch a key the way a program does. */
final class EvictionProbe {
    private EvictionProbe() {}

    static void touch(BpfMap map, int key) {
        Program p = Assembler.assemble(String.join("\n",
                "stw [%r10-4], " + key,
                "lddw %r1, map_by_fd(0)",
                "mov %r2, %r10",
                "add %r2, -4",
                "call 1",
                "mov %r0, 0",
                "exit"), ProgramType.SOCKET);
        new EbpfInterpreter(MapLinker.link(p, List.of(map)), MapHelpers.table(), 1000).run(new byte[0], 0, 0, 0);
    }
}
