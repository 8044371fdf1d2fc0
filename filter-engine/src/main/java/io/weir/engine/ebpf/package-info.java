/**
 * The eBPF instruction set of RFC 9669: the opcode table that drives decoding, validation, the
 * disassembler and the interpreter; the instruction type; encoding to the kernel's 8-byte little-endian form;
 * the assembler and disassembler; program builders with labels; and the interpreter.
 */
package io.weir.engine.ebpf;
