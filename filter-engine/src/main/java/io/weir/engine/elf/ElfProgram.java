package io.weir.engine.elf;

import io.weir.engine.ebpf.Program;

/**
 * One program of an ELF object, before its maps exist: its section, its function's name, its kind and its code
 * with local calls resolved and subprograms appended, and with map references as {@code lddw} pseudo forms
 * ({@code map_by_fd(n)}, {@code map_val_by_fd(n, off)}) whose {@code n} indexes {@link ElfObjectSpec#maps()}.
 *
 * @param section  the ELF section name ({@code socket}, {@code xdp}...)
 * @param name     the program's function name
 * @param kind     what the section means
 * @param program  the unlinked code
 */
public record ElfProgram(String section, String name, SectionKind kind, Program program) {}
