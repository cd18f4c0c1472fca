package org.nntune.cli.studyfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A mapping of a study file: every getter checks the type and range of its value, naming the key
 * and line, and remembers the key as known; {@link #done()} then refuses any key nobody asked for,
 * with a did-you-mean. So a new study-file key is one getter call where it is read, nothing else.
 */
public final class Section {
    private final YNode.YMap map;
    private final String path; // dotted path of this section, "" for the root
    private final Set<String> known = new TreeSet<>();

    private Section(YNode.YMap map, String path) {
        this.map = map;
        this.path = path;
    }

    /** Reads {@code node} as a mapping whose keys are those its getters ask for (checked by {@link #done()}). */
    public static Section open(YNode node, String path) {
        if (!(node instanceof YNode.YMap m)) {
            throw new StudyFileException(node.where(), path.isEmpty() ? null : path,
                    "expected a mapping (key: value lines) but found " + node.kind(), null);
        }
        return new Section(m, path);
    }

    /** Reads {@code node} as a mapping with the given keys, checked at once. */
    public static Section of(YNode node, String path, Set<String> allowedKeys) {
        Section s = open(node, path);
        s.known.addAll(allowedKeys);
        s.done();
        return s;
    }

    /** Refuses every key of this mapping that no getter asked for, naming the first one's line. */
    public void done() {
        for (YNode.YMap.Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String hint = DidYouMean.suggest(e.key(), known);
                throw new StudyFileException(e.keyWhere(), join(path, e.key()), "unknown key '" + e.key() + "'"
                        + (hint.isEmpty() ? "" : "; " + hint), "allowed here: " + String.join(", ", known));
            }
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public YNode.Where where() {
        return map.where();
    }

    public String path() {
        return path;
    }

    public boolean has(String key) {
        known.add(key);
        YNode.YMap.Entry e = map.entries().get(key);
        return e != null && !(e.value() instanceof YNode.YScalar s && s.isNull());
    }

    public Set<String> keys() {
        return map.entries().keySet();
    }

    public Optional<YNode> node(String key) {
        return has(key) ? Optional.of(map.entries().get(key).value()) : Optional.empty();
    }

    /** The position of a key (or of the section when the key is absent). */
    public YNode.Where whereOf(String key) {
        YNode.YMap.Entry e = map.entries().get(key);
        return e == null ? map.where() : e.value().where();
    }

    /** The position of a key itself (or of the section when the key is absent). */
    public YNode.Where whereOfKey(String key) {
        YNode.YMap.Entry e = map.entries().get(key);
        return e == null ? map.where() : e.keyWhere();
    }

    public StudyFileException error(String key, String problem, String allowed) {
        return new StudyFileException(whereOf(key), join(path, key), problem, allowed);
    }

    public Optional<Section> section(String key, Set<String> allowedKeys) {
        return node(key).map(n -> Section.of(n, join(path, key), allowedKeys));
    }

    /** A nested mapping whose keys its getters declare; call {@link #done()} on it after reading. */
    public Optional<Section> section(String key) {
        return node(key).map(n -> Section.open(n, join(path, key)));
    }

    private YNode.YScalar scalar(String key, String expected) {
        YNode n = map.entries().get(key).value();
        if (!(n instanceof YNode.YScalar s)) {
            throw error(key, "expected " + expected + " but found " + n.kind(), null);
        }
        return s;
    }

    public Optional<String> string(String key) {
        return has(key) ? Optional.of(scalar(key, "a string").text()) : Optional.empty();
    }

    /** A word from a fixed set (case-insensitive; '-' and '_' are the same). */
    public Optional<String> choice(String key, List<String> allowed) {
        if (!has(key)) {
            return Optional.empty();
        }
        String v = scalar(key, "one of " + allowed).text();
        String norm = v.toLowerCase(Locale.ROOT).replace('-', '_');
        for (String a : allowed) {
            if (a.equals(norm)) {
                return Optional.of(a);
            }
        }
        String hint = DidYouMean.suggest(v, allowed);
        throw error(key, "'" + v + "' is not allowed" + (hint.isEmpty() ? "" : "; " + hint), "one of: " + String.join(", ", allowed));
    }

    public Optional<Double> number(String key, double min, double max) {
        if (!has(key)) {
            return Optional.empty();
        }
        YNode.YScalar s = scalar(key, "a number");
        double v;
        try {
            v = Double.parseDouble(s.text().trim());
        } catch (NumberFormatException e) {
            throw error(key, "expected a number but found '" + s.text() + "'", null);
        }
        if (!(v >= min && v <= max)) {
            throw error(key, v + " is out of range", "allowed: " + fmt(min) + " to " + fmt(max));
        }
        return Optional.of(v);
    }

    public Optional<Long> integer(String key, long min, long max) {
        if (!has(key)) {
            return Optional.empty();
        }
        YNode.YScalar s = scalar(key, "a whole number");
        long v;
        try {
            v = Long.parseLong(s.text().trim());
        } catch (NumberFormatException e) {
            throw error(key, "expected a whole number but found '" + s.text() + "'", null);
        }
        if (v < min || v > max) {
            throw error(key, v + " is out of range", "allowed: " + min + " to " + max);
        }
        return Optional.of(v);
    }

    public Optional<Boolean> bool(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        String t = scalar(key, "true or false").text().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> throw error(key, "expected true or false but found '" + t + "'", null);
        };
    }

    /** A duration: a number of seconds or a number with a unit (ms, s, m, h), e.g. {@code 90s}, {@code 5m}. */
    public Optional<Duration> duration(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        String t = scalar(key, "a duration").text().trim();
        try {
            return Optional.of(parseDuration(t));
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage().startsWith(TOO_LONG) ? "'" + t + "' is " + e.getMessage() : "'" + t + "' is not a duration",
                    "a number of seconds, or a number with ms, s, m or h, e.g. 90s, 5m, 1.5h");
        }
    }

    /** The longest duration a study file or {@code --timeout} may give: a year (longer ones overflowed the clocks). */
    public static final Duration MAX_DURATION = Duration.ofDays(365);
    /** How the message of {@link #parseDuration}'s exception for a duration past {@link #MAX_DURATION} starts. */
    public static final String TOO_LONG = "longer than";

    /**
     * Parses {@code 90}, {@code 90s}, {@code 1500ms}, {@code 5m}, {@code 1.5h}, up to {@link #MAX_DURATION};
     * throws IllegalArgumentException otherwise (for one too long, a message starting "longer than").
     */
    public static Duration parseDuration(String t) {
        String s = t.trim().toLowerCase(Locale.ROOT);
        double factorMs;
        String num;
        if (s.endsWith("ms")) { factorMs = 1; num = s.substring(0, s.length() - 2); }
        else if (s.endsWith("s")) { factorMs = 1000; num = s.substring(0, s.length() - 1); }
        else if (s.endsWith("m")) { factorMs = 60_000; num = s.substring(0, s.length() - 1); }
        else if (s.endsWith("h")) { factorMs = 3_600_000; num = s.substring(0, s.length() - 1); }
        else { factorMs = 1000; num = s; }
        double v;
        try {
            v = Double.parseDouble(num.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + t);
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("not a positive duration: " + t);
        }
        if (v * factorMs > MAX_DURATION.toMillis()) {
            throw new IllegalArgumentException(TOO_LONG + " the longest allowed, " + MAX_DURATION.toHours() + "h (a year)");
        }
        return Duration.ofMillis(Math.round(v * factorMs));
    }

    /** A list of scalars' texts; a single scalar counts as a list of one. */
    public Optional<List<String>> strings(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        YNode n = map.entries().get(key).value();
        List<String> out = new ArrayList<>();
        if (n instanceof YNode.YList l) {
            for (YNode item : l.items()) {
                if (!(item instanceof YNode.YScalar s)) {
                    throw new StudyFileException(item.where(), join(path, key), "expected a list of words but an item is " + item.kind(), null);
                }
                out.add(s.text());
            }
        } else {
            out.add(scalar(key, "a word or a list of words").text());
        }
        return Optional.of(out);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
