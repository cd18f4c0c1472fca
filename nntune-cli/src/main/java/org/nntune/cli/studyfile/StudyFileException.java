package org.nntune.cli.studyfile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A mistake in a study file: what is wrong, where (file, line, column, key) and what is allowed;
 * or several, found in one reading of the file ({@link #problems()}, in line order). The CLI prints
 * {@link #getMessage()} — one line per mistake — and exits with code 2.
 */
public final class StudyFileException extends RuntimeException {
    /** At most this many mistakes are listed; the rest are counted ("and 3 more mistakes"). */
    public static final int MAX_LISTED = 20;

    private final transient YNode.Where where;
    private final String key;
    private final transient List<StudyFileException> problems;

    public StudyFileException(YNode.Where where, String key, String problem, String allowed) {
        super(format(where, key, problem, allowed));
        this.where = where;
        this.key = key;
        this.problems = List.of(this);
    }

    private StudyFileException(List<StudyFileException> sorted) {
        super(format(sorted));
        this.where = sorted.get(0).where;
        this.key = sorted.get(0).key;
        this.problems = List.copyOf(sorted);
    }

    /**
     * The mistakes of one file as one exception, sorted by line (then column): the mistake itself
     * when there is one, else one whose message lists each on its own line.
     */
    public static StudyFileException of(List<StudyFileException> mistakes) {
        List<StudyFileException> all = new ArrayList<>();
        for (StudyFileException m : mistakes) {
            all.addAll(m.problems());
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no mistakes");
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        all.sort(Comparator.comparingInt((StudyFileException e) -> e.where().line()).thenComparingInt(e -> e.where().column()));
        return new StudyFileException(all);
    }

    private static String format(List<StudyFileException> sorted) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(sorted.size(), MAX_LISTED); i++) {
            sb.append(i == 0 ? "" : "\n").append(sorted.get(i).getMessage());
        }
        if (sorted.size() > MAX_LISTED) {
            int more = sorted.size() - MAX_LISTED;
            sb.append("\nand ").append(more).append(" more mistake").append(more == 1 ? "" : "s").append(" in ")
                    .append(sorted.get(0).where().file());
        }
        return sb.toString();
    }

    private static String format(YNode.Where where, String key, String problem, String allowed) {
        StringBuilder sb = new StringBuilder();
        sb.append(where.file());
        if (where.line() > 0) {
            sb.append(", line ").append(where.line());
        }
        if (key != null) {
            sb.append(", key '").append(key).append('\'');
        }
        sb.append(": ").append(problem);
        if (allowed != null && !allowed.isBlank()) {
            sb.append(" (").append(allowed).append(')');
        }
        return sb.toString();
    }

    /** Where the (first) mistake is. */
    public YNode.Where where() {
        return where;
    }

    /** The dotted key the (first) error is about (e.g. {@code model.space.units}), or null for the whole file. */
    public String key() {
        return key;
    }

    /** Every mistake, in line order: this one alone for a single mistake. */
    public List<StudyFileException> problems() {
        return problems;
    }
}
