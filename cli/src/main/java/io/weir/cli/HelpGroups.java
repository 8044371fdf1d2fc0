package io.weir.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options listed in {@code --help} under headings, by topic (reading and capturing, writing files, printing,
 * the filter program), instead of picocli's single list. Only the help text changes: the options stay where they
 * were for parsing (picocli's argument groups would also change how they parse). An option no group names goes
 * under the last heading.
 */
final class HelpGroups {
    private HelpGroups() {}

    /**
     * Sets the option list of {@code spec}'s help: {@code groups} maps each heading to the names of its options,
     * in the order shown; {@code rest} is the heading of the options not named.
     */
    static void apply(CommandSpec spec, Map<String, List<String>> groups, String rest) {
        spec.usageMessage().sectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
                help -> "");
        spec.usageMessage().sectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                help -> render(help, groups, rest));
    }

    private static String render(CommandLine.Help help, Map<String, List<String>> groups, String rest) {
        CommandSpec spec = help.commandSpec();
        Map<String, List<OptionSpec>> sections = new LinkedHashMap<>();
        List<OptionSpec> placed = new ArrayList<>();
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            List<OptionSpec> list = new ArrayList<>();
            for (String name : g.getValue()) {
                OptionSpec o = spec.findOption(name);
                if (o != null && !o.hidden() && !placed.contains(o)) {
                    list.add(o);
                    placed.add(o);
                }
            }
            sections.put(g.getKey(), list);
        }
        List<OptionSpec> others = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden() && !placed.contains(o)) {
                others.add(o);
            }
        }
        sections.merge(rest, others, (a, b) -> {
            List<OptionSpec> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        });
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<OptionSpec>> s : sections.entrySet()) {
            if (s.getValue().isEmpty()) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : "\n").append(s.getKey()).append('\n');
            sb.append(help.optionListExcludingGroups(s.getValue(), help.createDefaultLayout(), null,
                    help.parameterLabelRenderer()));
        }
        return sb.toString();
    }
}
