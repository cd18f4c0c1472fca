package org.nntune.cli.studyfile;

/**
 * A mistake in a study file: what is wrong, where (file, line, column, key) and what is allowed.
 * The CLI prints {@link #getMessage()} and exits with code 2.
 */
public final class StudyFileException extends RuntimeException {
    private final transient YNode.Where where;
    private final String key;

    public StudyFileException(YNode.Where where, String key, String problem, String allowed) {
        super(format(where, key, problem, allowed));
        this.where = where;
        this.key = key;
    }

    private static String format(YNode.Where where, String key, String problem, String allowed) {
        StringBuilder sb = new StringBuilder();
        sb.append(where.file()).append(", line ").append(where.line());
        if (key != null) {
            sb.append(", key '").append(key).append('\'');
        }
        sb.append(": ").append(problem);
        if (allowed != null && !allowed.isBlank()) {
            sb.append(" (").append(allowed).append(')');
        }
        return sb.toString();
    }

    public YNode.Where where() {
        return where;
    }

    /** The dotted key the error is about (e.g. {@code model.space.units}), or null for the whole file. */
    public String key() {
        return key;
    }
}
