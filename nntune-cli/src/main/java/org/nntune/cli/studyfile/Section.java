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
 *
 * <p>A section opened with a {@link Problems} collects instead of throwing: a getter records the
 * mistake of its value and returns empty (as if the key were absent; {@link #has} still says it is
 * there), {@link #done()} records every unknown key; so one reading names every mistake. Where a
 * section's reading may stop before every getter ran, {@link #declare} names its keys beforehand.
 */
public final class Section {
    private final YNode.YMap map;
    private final String path; // dotted path of this section, "" for the root
    private final Set<String> known = new TreeSet<>();
    private final Problems problems; // null: throw the first mistake

    private Section(YNode.YMap map, String path, Problems problems) {
        this.map = map;
        this.path = path;
        this.problems = problems;
    }

    /** Reads {@code node} as a mapping whose keys are those its getters ask for (checked by {@link #done()}). */
    public static Section open(YNode node, String path) {
        return open(node, path, null);
    }

    /** {@link #open(YNode, String)}, recording its getters' mistakes in {@code problems} (when not null). */
    static Section open(YNode node, String path, Problems problems) {
        if (!(node instanceof YNode.YMap m)) {
            throw new StudyFileException(node.where(), path.isEmpty() ? null : path,
                    "expected a mapping (key: value lines) but found " + node.kind(), null);
        }
        return new Section(m, path, problems);
    }

    /** Reads {@code node} as a mapping with the given keys, checked at once. */
    public static Section of(YNode node, String path, Set<String> allowedKeys) {
        return of(node, path, allowedKeys, null);
    }

    static Section of(YNode node, String path, Set<String> allowedKeys, Problems problems) {
        Section s = open(node, path, problems);
        s.known.addAll(allowedKeys);
        s.done();
        return s;
    }

    /** Declares this section's keys before they are read (a reading that stops early must not call the rest unknown). */
    Section declare(java.util.Collection<String> keys) {
        known.addAll(keys);
        return this;
    }

    /** Refuses every key of this mapping that no getter asked for (all of them, each at its line, with a did-you-mean). */
    public void done() {
        List<StudyFileException> unknown = new ArrayList<>();
        for (YNode.YMap.Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                unknown.add(unknownKey(e));
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        if (problems == null) {
            throw StudyFileException.of(unknown);
        }
        unknown.forEach(problems::add);
    }

    private StudyFileException unknownKey(YNode.YMap.Entry e) {
        String hint = Hints.forKey(path, e.key(), known);
        return new StudyFileException(e.keyWhere(), join(path, e.key()), "unknown key '" + e.key() + "'"
                + (hint.isEmpty() ? "" : "; " + hint), "allowed here: " + String.join(", ", known));
    }

    /**
     * The mistake for a required key that is missing: when the section holds an unknown key that is
     * its misspelling ({@code lable} for {@code label}), that key's own mistake, with its
     * did-you-mean, rather than "needs 'label:'".
     */
    public StudyFileException missing(String key, String problem, String allowed) {
        known.add(key);
        for (YNode.YMap.Entry e : map.entries().values()) {
            if (!known.contains(e.key()) && !DidYouMean.suggest(e.key(), List.of(key)).isEmpty()) {
                return unknownKey(e);
            }
        }
        return new StudyFileException(whereOf(key), join(path, key), problem, allowed);
    }

    /** Records {@code e} and returns empty when collecting; throws it otherwise. */
    private <T> Optional<T> fail(StudyFileException e) {
        if (problems == null) {
            throw e;
        }
        problems.add(e);
        return Optional.empty();
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

    /** The position of the {@code i}-th item of the list at {@code key} (of the key's value when it is no list, or shorter). */
    public YNode.Where whereOfItem(String key, int i) {
        YNode.YMap.Entry e = map.entries().get(key);
        return e != null && e.value() instanceof YNode.YList l && i < l.items().size() ? l.items().get(i).where() : whereOf(key);
    }

    public StudyFileException error(String key, String problem, String allowed) {
        return new StudyFileException(whereOf(key), join(path, key), problem, allowed);
    }

    public Optional<Section> section(String key, Set<String> allowedKeys) {
        if (!has(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Section.of(map.entries().get(key).value(), join(path, key), allowedKeys, problems));
        } catch (StudyFileException e) {
            return fail(e);
        }
    }

    /** A nested mapping whose keys its getters declare; call {@link #done()} on it after reading. */
    public Optional<Section> section(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Section.open(map.entries().get(key).value(), join(path, key), problems));
        } catch (StudyFileException e) {
            return fail(e);
        }
    }

    /** The problems this section records its mistakes in, or null when it throws them. */
    Problems problems() {
        return problems;
    }

    /** The scalar at {@code key}, or empty (the mistake recorded) when it is a list or a mapping. */
    private Optional<YNode.YScalar> scalar(String key, String expected) {
        YNode n = map.entries().get(key).value();
        if (!(n instanceof YNode.YScalar s)) {
            return fail(error(key, "expected " + expected + " but found " + n.kind(), null));
        }
        return Optional.of(s);
    }

    public Optional<String> string(String key) {
        return has(key) ? scalar(key, "a string").map(YNode.YScalar::text) : Optional.empty();
    }

    /** A word from a fixed set (case-insensitive; '-' and '_' are the same). */
    public Optional<String> choice(String key, List<String> allowed) {
        if (!has(key)) {
            return Optional.empty();
        }
        Optional<YNode.YScalar> sc = scalar(key, "one of " + allowed);
        if (sc.isEmpty()) {
            return Optional.empty();
        }
        String v = sc.get().text();
        String norm = v.toLowerCase(Locale.ROOT).replace('-', '_');
        for (String a : allowed) {
            if (a.equals(norm)) {
                return Optional.of(a);
            }
        }
        String hint = Hints.forValue(join(path, key), v, allowed);
        return fail(error(key, "'" + v + "' is not allowed" + (hint.isEmpty() ? "" : "; " + hint), "one of: " + String.join(", ", allowed)));
    }

    public Optional<Double> number(String key, double min, double max) {
        if (!has(key)) {
            return Optional.empty();
        }
        Optional<YNode.YScalar> sc = scalar(key, "a number");
        if (sc.isEmpty()) {
            return Optional.empty();
        }
        YNode.YScalar s = sc.get();
        double v;
        try {
            v = Double.parseDouble(s.text().trim());
        } catch (NumberFormatException e) {
            return fail(error(key, "expected a number but found '" + s.text() + "'", null));
        }
        if (s.quoted()) {
            // "64" is a string, as "false" is for a boolean key: the quotes are a mistake
            return fail(error(key, "expected a number but found the quoted string \"" + s.text() + "\"", "write it without quotes: "
                    + s.text().trim()));
        }
        if (!(v >= min && v <= max)) {
            return fail(error(key, fmt(v) + " is out of range", "allowed: " + fmt(min) + " to " + fmt(max)));
        }
        return Optional.of(v);
    }

    public Optional<Long> integer(String key, long min, long max) {
        if (!has(key)) {
            return Optional.empty();
        }
        Optional<YNode.YScalar> sc = scalar(key, "a whole number");
        if (sc.isEmpty()) {
            return Optional.empty();
        }
        YNode.YScalar s = sc.get();
        long v;
        try {
            v = Long.parseLong(s.text().trim());
        } catch (NumberFormatException e) {
            return fail(error(key, "expected a whole number but found '" + s.text() + "'", null));
        }
        if (s.quoted()) {
            // "64" is a string, as "false" is for a boolean key: the quotes are a mistake
            return fail(error(key, "expected a whole number but found the quoted string \"" + s.text() + "\"", "write it without quotes: "
                    + s.text().trim()));
        }
        if (v < min || v > max) {
            return fail(error(key, v + " is out of range", "allowed: " + min + " to " + max));
        }
        return Optional.of(v);
    }

    public Optional<Boolean> bool(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        Optional<YNode.YScalar> sc = scalar(key, "true or false");
        if (sc.isEmpty()) {
            return Optional.empty();
        }
        String t = sc.get().text().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> fail(error(key, "expected true or false but found '" + t + "'", null));
        };
    }

    /** A duration: a number of seconds or a number with a unit (ms, s, m, h), e.g. {@code 90s}, {@code 5m}. */
    public Optional<Duration> duration(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        Optional<YNode.YScalar> sc = scalar(key, "a duration");
        if (sc.isEmpty()) {
            return Optional.empty();
        }
        String t = sc.get().text().trim();
        try {
            return Optional.of(parseDuration(t));
        } catch (IllegalArgumentException e) {
            return fail(error(key, e.getMessage().startsWith(TOO_LONG) ? "'" + t + "' is " + e.getMessage() : "'" + t + "' is not a duration",
                    "a number of seconds, or a number with ms, s, m or h, e.g. 90s, 5m, 1.5h"));
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
            List<StudyFileException> wrong = new ArrayList<>(); // every item that is no word, each at its line
            for (YNode item : l.items()) {
                if (item instanceof YNode.YScalar s) {
                    out.add(s.text());
                } else {
                    wrong.add(new StudyFileException(item.where(), join(path, key), "expected a list of words but an item is "
                            + item.kind(), null));
                }
            }
            if (!wrong.isEmpty()) {
                return fail(StudyFileException.of(wrong));
            }
        } else {
            Optional<YNode.YScalar> sc = scalar(key, "a word or a list of words");
            if (sc.isEmpty()) {
                return Optional.empty();
            }
            out.add(sc.get().text());
        }
        return Optional.of(out);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
