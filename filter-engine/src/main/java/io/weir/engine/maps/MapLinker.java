package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Opcode;
import io.weir.engine.ebpf.Program;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the map references of {@code lddw} (RFC 9669 section 5.4) against live maps, for the interpreter:
 * the pseudo map fd ({@code src = 1}) and map index ({@code src = 5}) forms become a plain {@code lddw} of the
 * map's {@link BpfMap#handle()}, and the map value forms ({@code src = 2, 6}, imm = the map, next imm = an
 * offset) become the pointer to that offset in the map's entry 0 (global data). "fd" {@code n} and index
 * {@code n} both name {@code maps.get(n)}: Weir has no file descriptors, the position in the list is the fd.
 *
 * <p>The verifier should check the program <em>before</em> linking (it needs to know which constants are maps);
 * {@link #mapOf} gives it the map an {@code lddw} names.
 */
public final class MapLinker {
    private MapLinker() {}

    /** The map the {@code lddw} at instruction {@code insn} refers to, or null when it is a plain constant. */
    public static BpfMap mapOf(Insn insn, List<BpfMap> maps) {
        if (insn.op().form() != Opcode.Form.LDDW || insn.src() == 0) {
            return null;
        }
        int n = insn.imm();
        return n >= 0 && n < maps.size() ? maps.get(n) : null;
    }

    /**
     * The program with every map reference replaced by its value.
     *
     * @throws EbpfFormatException naming the slot when a reference names no map, a map value reference is out of
     *     the value or not into an array, or the pseudo kind is not a map one (BTF variables, code addresses)
     */
    public static Program link(Program program, List<BpfMap> maps) {
        List<Insn> out = new ArrayList<>(program.size());
        for (int k = 0; k < program.size(); k++) {
            Insn i = program.insn(k);
            if (i.op().form() != Opcode.Form.LDDW || i.src() == 0) {
                out.add(i);
                continue;
            }
            int slot = program.slotOf(k);
            int src = i.src();
            if (src != 1 && src != 2 && src != 5 && src != 6) {
                throw new EbpfFormatException(slot, i.opcode(), i.op().mnemonic() + ": not supported");
            }
            int n = i.imm();
            if (n < 0 || n >= maps.size()) {
                throw new EbpfFormatException(slot, i.opcode(), i.op().mnemonic() + " " + n + ": no such map (" + maps.size()
                        + " maps)");
            }
            BpfMap map = maps.get(n);
            long value;
            if (src == 1 || src == 5) {
                value = map.handle();
            } else {
                int off = i.nextImm();
                if (!map.type().isArray() || off < 0 || off >= map.valueSize()) {
                    throw new EbpfFormatException(slot, i.opcode(), i.op().mnemonic() + ": offset " + off
                            + " outside the value of map '" + map.name() + "' (" + map.type().label() + ", value_size "
                            + map.valueSize() + ")");
                }
                value = MemoryModel.pointer(map.regionId(), off);
            }
            out.add(Insn.lddw(i.dst(), value));
        }
        return new Program(program.type(), out);
    }
}
