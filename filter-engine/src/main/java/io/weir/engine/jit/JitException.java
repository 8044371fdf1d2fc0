package io.weir.engine.jit;

/**
 * The JIT could not turn a valid program into a JVM class (a class-file limit, a rejected class). The program
 * itself is fine: the {@code auto} engine then runs it on the interpreter and logs this message.
 */
public final class JitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with its reason and cause. */
    public JitException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure with its reason. */
    public JitException(String message) {
        super(message);
    }
}
