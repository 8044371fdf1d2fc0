/**
 * A runnable example: a UDP echo server on 127.0.0.1 behind a {@link io.weir.netty.BpfFilterHandler}, and a small
 * client that sends it datagrams. Netty is a provided dependency of the library, so {@code netty/example.sh}
 * puts it on the class path (see the README's "Netty" section).
 *
 * <pre>
 * netty/example.sh server 'udp and not udp[8:4] = 0x64726f70'     # drop payloads starting with "drop"
 * netty/example.sh send 9999 hello drop-me world
 * </pre>
 */
package io.weir.netty.example;
