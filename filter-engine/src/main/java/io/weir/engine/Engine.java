package io.weir.engine;

/** Which engine runs an eBPF program. */
public enum Engine {
    /** The eBPF interpreter ({@code io.weir.engine.ebpf.EbpfInterpreter}). */
    INTERPRETER("interpreter"),
    /** The JIT to JVM bytecode ({@code io.weir.engine.jit}). */
    JIT("jit"),
    /** The fastest engine available: the JIT when it exists, the interpreter otherwise. */
    AUTO("auto");

    private final String label;

    Engine(String label) {
        this.label = label;
    }

    /** The lower-case name used on the command line. */
    public String label() {
        return label;
    }

    /** The engine named {@code name} (case-insensitive). */
    public static Engine fromLabel(String name) {
        for (Engine e : values()) {
            if (e.label.equalsIgnoreCase(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "' (interpreter, jit, auto)");
    }
}
