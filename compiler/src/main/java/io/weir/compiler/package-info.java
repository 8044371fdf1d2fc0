/**
 * The pcap-filter(7) language: lexer, parser, semantic checks, lowering to blocks, the optimizer and the
 * classic BPF and eBPF back ends. Errors carry the column of the offending token.
 */
package io.weir.compiler;
