/**
 * The {@code weir} command: tcpdump-compatible flags for offline (and later live) capture, and the
 * subcommands {@code compile}, {@code verify}, {@code run}. The entry point dispatches the conformance plugin
 * before anything else is loaded, so that path stays lean.
 *
 * <p>The main job's path: {@link io.weir.cli.WeirCommand} parses the line (a hand parser for the common forms,
 * picocli for the rest), {@link io.weir.cli.OfflineRun} reads the capture and prints, writes or counts what
 * {@link io.weir.cli.PacketSelector} keeps; the selector gets its filters from {@link io.weir.cli.FilterFactory},
 * the one seam from an expression to an engine (compile, classic to eBPF, verify, JIT or interpreter).
 * {@link io.weir.cli.CompileCommand} prints programs ({@code -d}, {@code -dd}, {@code -ddd}, {@code --ebpf},
 * {@code --verifier-log}). {@code -w} goes through a {@link io.weir.cli.PacketOutput}: one
 * {@link io.weir.cli.DumpFile}, or a {@link io.weir.cli.RotatingOutput} series named as tcpdump names them.
 * {@link io.weir.cli.CommandTree} is the whole command tree for shell completion; {@link io.weir.cli.HelpGroups}
 * puts {@code --help}'s options under headings.
 */
package io.weir.cli;
