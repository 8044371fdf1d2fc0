package io.weir.engine.verifier;

/** A rule broken at the instruction being analysed; the analyzer adds the location. Internal. */
final class Reject extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The instruction index the error is about, or -1 for the one being analysed (or the whole program). */
    final int index;

    Reject(String reason) {
        this(-1, reason);
    }

    Reject(int index, String reason) {
        super(reason, null, false, false);
        this.index = index;
    }
}
