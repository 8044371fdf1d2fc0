/**
 * The engine's public face: {@code Filter}, the common interface of the interpreters and the JIT, and the
 * factory that builds one from a verified program. The engine knows nothing of capture files or Netty: a packet is
 * a buffer, an offset and two lengths.
 */
package io.weir.engine;
