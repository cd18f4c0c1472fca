package org.nntune.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code --help} reads cleanly at 80 columns. picocli prints each element of a description array on a
 * line of its own and wraps each again, so an element that stops mid-sentence leaves a short line in the
 * middle of a sentence ("input\n'input' takes the raw\nnumeric features…"): every element must be whole
 * paragraphs (end a sentence, or a heading ending with ':'), and none may hold a hard line break.
 */
class HelpTextTest {

    /** Every command (the root too) with its name as typed. */
    private static Map<String, CommandLine> commands() {
        CommandLine root = Main.commandLine();
        Map<String, CommandLine> all = new LinkedHashMap<>();
        all.put("nntune", root);
        root.getSubcommands().forEach((name, cl) -> all.put("nntune " + name, cl));
        return all;
    }

    /** Where each description array comes from, and the array. */
    private static Map<String, String[]> descriptions(String command, CommandSpec spec) {
        Map<String, String[]> out = new LinkedHashMap<>();
        out.put(command + " (description)", spec.usageMessage().description());
        out.put(command + " (header)", spec.usageMessage().header());
        out.put(command + " (footer)", spec.usageMessage().footer());
        List<ArgSpec> args = new ArrayList<>(spec.options());
        args.addAll(spec.positionalParameters());
        for (ArgSpec a : args) {
            out.put(command + " " + (a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel()),
                    a.description());
        }
        return out;
    }

    @Test
    void noDescriptionBreaksASentenceAcrossLines() {
        List<String> bad = new ArrayList<>();
        commands().forEach((name, cl) -> descriptions(name, cl.getCommandSpec()).forEach((where, lines) -> {
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.contains("\n") || line.replace("%n", "\n").strip().contains("\n")) {
                    bad.add(where + " #" + i + " holds a hard line break: " + line);
                }
                String end = line.strip();
                String next = i < lines.length - 1 ? lines[i + 1].strip() : "";
                // a paragraph ends a sentence; a heading (':' or ')') may lead into one that starts with a capital or a list
                boolean whole = end.matches("(?s).*[.!?]$")
                        || end.matches("(?s).*[:)]$") && (next.isEmpty() || !Character.isLowerCase(next.charAt(0)));
                if (i < lines.length - 1 && !end.isEmpty() && !whole) {
                    bad.add(where + " #" + i + " stops mid-sentence, so its next words start a new line: …"
                            + end.substring(Math.max(0, end.length() - 40)));
                }
            }
        }));
        assertThat(bad).isEmpty();
    }

    @Test
    void everyHelpRendersAtEightyColumnsWithoutStrandedWords() {
        commands().forEach((name, cl) -> {
            cl.setUsageHelpWidth(80);
            StringWriter w = new StringWriter();
            cl.usage(new PrintWriter(w));
            String help = w.toString();
            assertThat(help).as(name).contains("Usage: " + name);
            String[] lines = help.split("\\R");
            for (int i = 0; i + 1 < lines.length; i++) {
                String line = lines[i].strip();
                String next = lines[i + 1].strip();
                // a short line, not ending a sentence, whose text goes on in lower case on the next: a hard break
                boolean stranded = !line.isEmpty() && line.length() < 40 && lines[i].length() < 60
                        && !line.matches(".*[.!?]$") && !line.startsWith("-") && !line.startsWith("Usage")
                        && !next.isEmpty() && Character.isLowerCase(next.charAt(0)) && !lines[i + 1].startsWith("  ");
                assertThat(stranded).as("%s, line %d: '%s' then '%s'%n%s", name, i + 1, line, next, help).isFalse();
            }
        });
    }
}
