package org.nntune.nn.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/**
 * The rows of a CSV file with a text column, as parsed: each row's text and (when the file has
 * the label column) its class label, with the line it started on. Fit a {@link TextEncoder} on
 * the training rows ({@link #fit}), then encode every row with it.
 *
 * <p>The file must have a header line naming the columns. It is read as UTF-8 (plain or
 * gzipped; a NUL byte inside a text is a character, not a sign of a binary file); bytes that are not UTF-8 are refused with their byte offset and line, as for every
 * CSV file nntune reads — re-encode the file (e.g. {@code iconv -f latin1 -t utf-8}) first. A
 * column named as text whose every value is a number is refused: it is a numeric column.
 *
 * <p>Blank lines: at the end of the file (and before the header) they are ignored. Between data
 * rows, in a file of one column (the texts to predict) a blank line is an empty text, so that
 * every line gets its row; in a file of several columns it is refused with its line, as by
 * {@link CsvReader} (an empty text there is written {@code ""}).
 */
public final class TextTable {
    private final String source;
    private final char separator;
    private final String textColumn;
    private final String[] texts;
    private final String[] labels;   // null when the file has no label column
    private final int[] lines;
    private final List<String> classNames;
    private final int[] unlabelledLines;

    private TextTable(String source, char separator, String textColumn, String[] texts, String[] labels, int[] lines,
                      int[] unlabelledLines) {
        this.source = source;
        this.separator = separator;
        this.textColumn = textColumn;
        this.texts = texts;
        this.labels = labels;
        this.lines = lines;
        this.classNames = labels == null ? List.of() : classes(labels);
        this.unlabelledLines = unlabelledLines;
    }

    /**
     * Reads {@code file}: the column {@code textColumn} as text and {@code labelColumn} (null:
     * none, as in files to predict) as class labels; other columns are ignored. A row whose label
     * is missing (empty, or one of {@link CsvReader#DEFAULT_MISSING_TOKENS} unquoted, as CsvReader
     * reads a label) is an error: a label cannot be filled.
     */
    public static TextTable read(Path file, char separator, String textColumn, String labelColumn) {
        return read(file, separator, textColumn, labelColumn, CsvReader.DEFAULT_MISSING_TOKENS, false);
    }

    /**
     * As {@link #read(Path, char, String, String)}, with the texts that mean a missing label
     * ({@code missingLabels}, compared as CsvReader compares them; the empty field is always one);
     * with {@code dropUnlabelled}, a row whose label is missing is left out (as CsvReader's
     * DROP_ROW policy leaves it out) instead of being an error, and {@link #unlabelledLines()}
     * lists the lines of the rows left out.
     */
    public static TextTable read(Path file, char separator, String textColumn, String labelColumn,
                                 java.util.Collection<String> missingLabels, boolean dropUnlabelled) {
        java.util.Set<String> missing = new java.util.HashSet<>(missingLabels);
        missing.add("");
        String source = file.toString();
        char[] chars = SourceBytes.decodeText(source, SourceBytes.readAll(file), true); // mail text may hold NUL bytes
        CsvParser p = new CsvParser(source, chars, separator, '"');
        List<CsvParser.Field> rec = CsvParser.newRecord();
        if (!CsvReader.nextNonBlank(p, rec)) {
            throw new IllegalArgumentException("file " + source + " is empty; expected a header line naming the columns");
        }
        List<String> names = rec.stream().map(CsvParser.Field::text).toList();
        CsvReader.checkUniqueNames(source, names);
        int t = column(source, names, textColumn, UnknownColumnException.Role.TEXT);
        int l = labelColumn == null ? -1 : column(source, names, labelColumn, UnknownColumnException.Role.LABEL);
        List<String> text = new ArrayList<>();
        List<String> label = new ArrayList<>();
        List<Integer> line = new ArrayList<>();
        List<Integer> unlabelled = new ArrayList<>();
        List<Integer> blanks = new ArrayList<>(); // blank lines not yet followed by a row: at the end of the file they are not rows
        while (true) {
            int at = p.line();
            if (!p.next(rec)) {
                break;
            }
            if (CsvParser.isBlank(rec)) {
                blanks.add(at);
                continue;
            }
            if (!blanks.isEmpty()) {
                if (names.size() > 1) {
                    throw CsvReader.blankLineBetweenRows(source, blanks.get(0), names.size());
                }
                for (int b : blanks) { // one column: a blank line is an empty text, so every line gets its row
                    text.add("");
                    line.add(b);
                }
                blanks.clear();
            }
            if (rec.size() != names.size()) {
                throw new IllegalArgumentException(source + " line " + at + ": " + rec.size() + " fields, the header has "
                        + names.size() + " (" + String.join(", ", names) + ")");
            }
            if (l >= 0) {
                CsvParser.Field f = rec.get(l);
                String v = f.text();
                if (missing.contains(f.quoted() ? v : v.strip())) { // as CsvReader reads a label
                    if (dropUnlabelled) {
                        unlabelled.add(at);
                        continue;
                    }
                    throw new IllegalArgumentException(source + " line " + at + ", column '" + labelColumn + "': missing label ('" + v
                            + "'); expected a class — a label cannot be filled; fix the file or choose the DROP_ROW missing-value policy");
                }
                label.add(RowReader.canonicalLabel(v));
            }
            text.add(rec.get(t).text());
            line.add(at);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(unlabelled.isEmpty() ? "file " + source + " has a header but no rows"
                    : source + ": every one of its " + unlabelled.size() + " rows has a missing label; no row is left to learn from");
        }
        boolean numeric = text.stream().allMatch(s -> !s.isEmpty() && RowReader.isDecimal(s));
        if (numeric) {
            throw new IllegalArgumentException(source + ", column '" + textColumn + "': every value is a number (line " + line.get(0)
                    + ": '" + text.get(0) + "'); a text column holds words — name a column of text as data.text, or read "
                    + "numbers as features");
        }
        return new TextTable(source, separator, textColumn, text.toArray(String[]::new), l < 0 ? null : label.toArray(String[]::new),
                line.stream().mapToInt(Integer::intValue).toArray(), unlabelled.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The field separator the file was read with (a model's encoder reads its predictions' files with it). */
    public char separator() {
        return separator;
    }

    private static int column(String source, List<String> names, String name, UnknownColumnException.Role role) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new UnknownColumnException(source + ": no " + role.name().toLowerCase(java.util.Locale.ROOT) + " column '" + name
                    + "'; the header has " + String.join(", ", names), source, role, name, names);
        }
        return i;
    }

    private static List<String> classes(String[] labels) {
        List<String> sorted = new ArrayList<>(new LinkedHashSet<>(Arrays.asList(labels)));
        if (sorted.stream().allMatch(RowReader::isInteger)) {
            sorted.sort(Comparator.comparingLong(Long::parseLong));
        } else {
            sorted.sort(Comparator.naturalOrder());
        }
        return List.copyOf(sorted);
    }

    /** @return the file this table was read from, as messages name it */
    public String source() { return source; }
    /** @return the name of the column the texts were read from */
    public String textColumn() { return textColumn; }
    /** @return the lines (1-based) of the rows left out for a missing label (read with {@code dropUnlabelled}; else empty) */
    public int[] unlabelledLines() { return unlabelledLines.clone(); }
    /** @return the number of rows read */
    public int rowCount() { return texts.length; }
    /** @return the text of row {@code row} (0-based), whole, as the file holds it unquoted */
    public String text(int row) { return texts[row]; }
    /** @return the line (1-based) row {@code row} (0-based) started on */
    public int line(int row) { return lines[row]; }
    /** @return whether a label column was read ({@link #labels()} needs one; {@link #classNames()} is empty without) */
    public boolean hasLabels() { return labels != null; }
    /** The classes of the label column, sorted (integers numerically). */
    public List<String> classNames() { return classNames; }

    /** The class id of every row, indexing {@link #classNames()}. */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException(source + " has no label column");
        }
        Map<String, Integer> id = new HashMap<>();
        for (int i = 0; i < classNames.size(); i++) {
            id.put(classNames.get(i), i);
        }
        int[] ids = new int[labels.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = id.get(labels[i]);
        }
        return ids;
    }

    /**
     * Learns the vocabulary from the rows {@code trainRows} only.
     *
     * @throws TextEncoder.EmptyVocabularyException when no token of those rows occurs
     *         {@link TextEncoder.Options#minCount()} times (or they have no token at all)
     */
    public TextEncoder fit(int[] trainRows, TextEncoder.Options options) {
        if (labels == null) {
            throw new IllegalStateException(source + " has no label column to learn classes from");
        }
        if (classNames.size() < 2) {
            throw new IllegalArgumentException(source + ": the label column has a single class '" + classNames.get(0)
                    + "'; classification needs at least 2");
        }
        return TextEncoder.fit(this, trainRows, options, classNames);
    }
}
