package io.weir.cli;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Defs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The command line's switches for Weir's filter-language extensions (README "Extensions"):
 * {@code --ip6-transport}, {@code --vlan-any} and {@code --defs FILE}. Without them every filter keeps libpcap's
 * verdicts.
 *
 * <p>A command reads them once ({@link #of}) and hands them to every compile site it reaches
 * ({@link PacketSelector}, {@link LiveRun}, {@link CompileCommand#dump}, {@link FilterFactory#create}), which applies
 * them to its {@link CompileOptions}: nothing is kept in a static, so commands run in one process (the tests) never
 * see each other's switches.
 *
 * @param ip6Transport {@code --ip6-transport}
 * @param vlanAny      {@code --vlan-any}
 * @param defs         the named filters of {@code --defs FILE}
 */
record ExtensionFlags(boolean ip6Transport, boolean vlanAny, Map<String, String> defs) {
    /** No extension: libpcap's verdicts. */
    static final ExtensionFlags NONE = new ExtensionFlags(false, false, Map.of());

    /** {@code options} with these switches. */
    CompileOptions applyTo(CompileOptions options) {
        if (!ip6Transport && !vlanAny && defs.isEmpty()) {
            return options;
        }
        return options.withIp6Transport(ip6Transport).withVlanAny(vlanAny).withDefs(defs);
    }

    /**
     * The switches, reading {@code defsFile} (null: none).
     *
     * @throws IOException           the file cannot be read
     * @throws FilterSyntaxException a definition is malformed (the message names the file and line)
     */
    static ExtensionFlags of(boolean ip6Transport, boolean vlanAny, String defsFile)
            throws IOException, FilterSyntaxException {
        Map<String, String> defs = defsFile == null ? Map.of()
                : Defs.load(Files.readString(Path.of(defsFile), StandardCharsets.UTF_8), defsFile);
        return new ExtensionFlags(ip6Transport, vlanAny, defs);
    }
}
