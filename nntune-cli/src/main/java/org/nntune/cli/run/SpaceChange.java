package org.nntune.cli.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What changed between the search space a study was started with and the study file's, both in the
 * text a study stores ({@code "mlp MlpSpace{layers=Fixed[value=1], lr=FloatRange[…], …}"}, a choice
 * of families nested as {@code FamilySpace{mlp=MlpSpace{…}, cnn=CnnSpace{…}}}): the parameters
 * whose setting differs, each as {@code lr 0.001..0.1 log → 0.003..0.1 log}, instead of two whole
 * spaces to compare by eye.
 */
final class SpaceChange {
    private SpaceChange() {}

    private static final Pattern SPACE = Pattern.compile("(\\w+)\\{(.*)}", Pattern.DOTALL);
    private static final Pattern RANGE = Pattern.compile("(?:Float|Int)Range\\[low=([^,]+), high=([^,]+), log=(true|false)(?:, step=([^\\]]+))?]");

    /**
     * The changes from {@code was} to {@code now}, as {@code "lr 0.001..0.1 log → 0.003..0.1 log; dropout
     * added (0..0.5)"}; empty when either text is not a stored space this can read (the caller then
     * shows both).
     */
    static Optional<String> describe(String was, String now) {
        Optional<Map<String, String>> a = entries(was);
        Optional<Map<String, String>> b = entries(now);
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        List<String> changes = new ArrayList<>();
        a.get().forEach((k, v) -> {
            String w = b.get().get(k);
            if (w == null) {
                changes.add(k + " removed (was " + shown(v) + ")");
            } else if (!w.equals(v)) {
                changes.add(k + " " + shown(v) + " → " + shown(w));
            }
        });
        b.get().forEach((k, w) -> {
            if (!a.get().containsKey(k)) {
                changes.add(k + " added (" + shown(w) + ")");
            }
        });
        return changes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", changes));
    }

    /** The parameters of a stored space by name (a family's under {@code family.name}), the family first as {@code family}. */
    static Optional<Map<String, String>> entries(String text) {
        // the family ("mlp", or a list "[mlp, cnn]") ends at the space before the space's class name
        int brace = text.indexOf('{');
        int space = brace < 0 ? -1 : text.lastIndexOf(' ', brace);
        if (space < 0) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("family", text.substring(0, space));
        return flatten(text.substring(space + 1), "", out) ? Optional.of(out) : Optional.empty();
    }

    private static boolean flatten(String space, String prefix, Map<String, String> out) {
        Matcher m = SPACE.matcher(space);
        if (!m.matches()) {
            return false;
        }
        for (String part : topLevel(m.group(2))) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (SPACE.matcher(value).matches() && value.endsWith("}")) {
                if (!flatten(value, prefix + key + ".", out)) {
                    return false;
                }
            } else {
                out.put(prefix + key, value);
            }
        }
        return true;
    }

    /** {@code text} split at the commas outside brackets. */
    private static List<String> topLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[' || c == '{' || c == '(') {
                depth++;
            } else if (c == ']' || c == '}' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(from, i).trim());
                from = i + 1;
            }
        }
        if (from < text.length()) {
            parts.add(text.substring(from).trim());
        }
        return parts;
    }

    /** A setting as the space summary writes it: a value, {@code [a | b]}, {@code low..high log} or {@code low..high step s}. */
    private static String shown(String value) {
        if (value.startsWith("Fixed[value=") && value.endsWith("]")) {
            return value.substring("Fixed[value=".length(), value.length() - 1);
        }
        if (value.startsWith("Choice[choices=[") && value.endsWith("]]")) {
            return "[" + value.substring("Choice[choices=[".length(), value.length() - 2).replace(", ", " | ") + "]";
        }
        Matcher r = RANGE.matcher(value);
        if (r.matches()) {
            return r.group(1) + ".." + r.group(2) + ("true".equals(r.group(3)) ? " log" : "") + (r.group(4) != null ? " step " + r.group(4) : "");
        }
        return value;
    }
}
