/**
 * A Netty {@code ChannelHandler} that runs a Weir filter on every message of a pipeline and counts
 * them. Netty is a provided dependency: the application brings its own.
 */
package io.weir.netty;
