package io.weir.engine.elf;

/**
 * An ELF object Weir cannot load: the message names the section, and the relocation or symbol when there is one
 * ({@code section 'xdp': relocation 2 at insn 7 against 'bpf_foo': extern symbols (kfuncs) are not supported}).
 */
public final class ElfLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with this message. */
    public ElfLoadException(String message) {
        super(message);
    }

    /** An error with this message and cause. */
    public ElfLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
