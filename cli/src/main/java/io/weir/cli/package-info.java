/**
 * The {@code weir} command: tcpdump-compatible flags for offline and live capture, and the
 * subcommands {@code compile}, {@code flows}, {@code verify}, {@code run}. The entry point dispatches the
 * conformance plugin before anything else is loaded, so that path stays lean.
 */
package io.weir.cli;
