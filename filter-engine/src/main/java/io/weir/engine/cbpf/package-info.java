/**
 * Classic BPF (libpcap's and the Linux socket filter's instruction set): instructions, the
 * interpreter, tcpdump's {@code -d/-dd/-ddd} formats, and the translation of classic programs to eBPF.
 */
package io.weir.engine.cbpf;
