package io.weir.engine.elf;

import io.weir.engine.ebpf.ProgramType;

/**
 * The program sections Weir runs, by their libbpf section names, with the context they run on and what their
 * return value means.
 */
public enum SectionKind {
    /** {@code socket}, {@code socket/...}: a socket filter; 0 drops, n keeps the first n bytes. */
    SOCKET(ProgramType.SOCKET),
    /** {@code classifier}, {@code classifier/...}, {@code tc}, {@code tc/...}: {@code TC_ACT_SHOT} (2) drops. */
    CLASSIFIER(ProgramType.SOCKET),
    /** {@code xdp}, {@code xdp/...}: an XDP action; {@code XDP_PASS} (2) keeps. */
    XDP(ProgramType.XDP);

    private final ProgramType programType;

    SectionKind(ProgramType programType) {
        this.programType = programType;
    }

    /** The context the program runs with ({@code classifier} sees an {@code __sk_buff}, as a socket filter). */
    public ProgramType programType() {
        return programType;
    }

    /** The kind of a section name, or null when it is not a program section Weir runs. */
    public static SectionKind of(String section) {
        if (matches(section, "socket")) {
            return SOCKET;
        }
        if (matches(section, "classifier") || matches(section, "tc")) {
            return CLASSIFIER;
        }
        if (matches(section, "xdp")) {
            return XDP;
        }
        return null;
    }

    private static boolean matches(String section, String prefix) {
        return section.equals(prefix) || section.startsWith(prefix + "/");
    }
}
