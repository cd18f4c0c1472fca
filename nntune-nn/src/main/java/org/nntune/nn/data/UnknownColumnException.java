package org.nntune.nn.data;

import java.util.List;

/**
 * A column a reader was told to read (the label, a categorical column, the text or the series
 * column) or to leave out (an ignored column) that the file does not have: a name its header lacks, or a label index past its last
 * column. The message is the reader's, as for any other bad input; the parts are kept so that a
 * caller whose settings come from a file of its own (nntune's study file) can point at the setting
 * rather than at the data, and suggest the closest of the file's names.
 */
public final class UnknownColumnException extends IllegalArgumentException {
    /** What the missing column was to be. */
    public enum Role {
        /** The label column, by name or 0-based index. */
        LABEL,
        /** A categorical feature column. */
        CATEGORICAL,
        /** The column of texts a text classifier reads. */
        TEXT,
        /** The column of a series' values. */
        SERIES,
        /** A column to leave out. */
        IGNORE
    }

    /** The file, as messages name it (part of the serialized form). */
    private final String source;
    /** What the column was to be (part of the serialized form). */
    private final Role role;
    /** The column as given (part of the serialized form). */
    private final String column;
    /** The file's columns in order (part of the serialized form). */
    private final List<String> columns;

    UnknownColumnException(String message, String source, Role role, String column, List<String> columns) {
        super(message);
        this.source = source;
        this.role = role;
        this.column = column;
        this.columns = List.copyOf(columns);
    }

    /** The file (as the reader names it in messages). */
    public String source() { return source; }

    /** @return what the missing column was to be: the label, a categorical, text or series column, or ignored */
    public Role role() { return role; }

    /** The column as it was given: a name, or a label's 0-based index in decimal. */
    public String column() { return column; }

    /** The file's columns in order: its header's names ({@code c0, c1, …} for a file read without a header). */
    public List<String> columns() { return columns; }
}
