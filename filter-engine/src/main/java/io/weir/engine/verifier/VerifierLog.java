package io.weir.engine.verifier;

import io.weir.engine.ebpf.Disassembler;
import io.weir.engine.ebpf.Program;
import java.util.ArrayList;
import java.util.List;

/**
 * The verifier's trace, kernel style: one line per instruction analysed ({@code 5: (61) r2 = *(u32 *)(r1 + 80)
 * ; R1=ctx() R2=pkt(r=0)}, the state after it), {@code from 3 to 9:} when a pending branch is taken up,
 * {@code 9: safe} when a state is pruned. Lines beyond {@link #MAX_LINES} are counted, not kept; a brief log
 * keeps none and only counts.
 */
final class VerifierLog {
    static final int MAX_LINES = 20_000;

    private final boolean full;
    private final List<String> lines = new ArrayList<>();
    private long count;

    VerifierLog(boolean full) {
        this.full = full;
    }

    boolean isFull() {
        return full;
    }

    /** Whether a line given now would be kept (callers skip building it otherwise; it is still counted). */
    boolean wants() {
        if (full && lines.size() < MAX_LINES) {
            return true;
        }
        count++;
        return false;
    }

    void line(String s) {
        count++;
        if (full && lines.size() < MAX_LINES) {
            lines.add(s);
        }
    }

    void insn(Program p, int index, State s) {
        count++;
        if (full && lines.size() < MAX_LINES) {
            lines.add(format(p, index, s));
        }
    }

    static String format(Program p, int index, State s) {
        int op = p.insn(index).opcode();
        return p.slotOf(index) + ": (" + (op < 16 ? "0" : "") + Integer.toHexString(op) + ") "
                + Disassembler.kernel(p.insn(index)) + " ;" + s;
    }

    long count() {
        return count;
    }

    String text() {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l).append('\n');
        }
        if (count > lines.size()) {
            b.append("(").append(count - lines.size()).append(full ? " more lines not kept)\n"
                    : " lines; ask for the full log)\n");
        }
        return b.toString();
    }
}
