package org.nntune.nn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rows of a CSV file as parsed, before encoding: numeric columns as floats, categorical
 * columns and class labels as text, with the line each row came from. Row {@code i} of the table
 * is row {@code i} of the data set its encoder produces, so split indices computed on the table
 * (e.g. {@link Splits#stratified(int[], double, long)} on {@link #labels()}) apply to both.
 * Fit the encoder on the training rows only with {@link #fit(int[])}.
 */
public final class CsvTable {

    /** The role of a column; IGNORED is a label column present in a prediction file. */
    enum Kind { NUMERIC, CATEGORICAL, LABEL, IGNORED }

    /** Column names, the label column (-1: none, as in prediction files) and each column's kind. */
    record Layout(List<String> names, int label, Kind[] kinds) {}

    /**
     * The reader settings an encoder keeps, so that prediction files are read the same way;
     * {@code decimal} is the decimal mark of numbers, {@code .} or {@code ,}.
     */
    record Options(boolean header, char separator, char quote, Task task, CsvReader.MissingPolicy missing,
                   List<String> missingTokens, CsvReader.UnseenCategory unseen, char decimal) {}

    private final String source;
    private final String name;
    final Options options;
    final Layout layout;
    private final int rows;
    private final int[] lines;
    final float[][] numeric;        // per column (NUMERIC, or LABEL in regression); NaN = missing
    final String[][] categorical;   // per column (CATEGORICAL, or LABEL in classification); null = missing
    private final List<Integer> dropped;
    private final List<String> classNames;

    CsvTable(String source, String name, Options options, Layout layout, int rows, int[] lines,
             float[][] numeric, String[][] categorical, List<Integer> dropped) {
        this.source = source;
        this.name = name;
        this.options = options;
        this.layout = layout;
        this.rows = rows;
        this.lines = lines;
        this.numeric = numeric;
        this.categorical = categorical;
        this.dropped = dropped;
        this.classNames = layout.label() >= 0 && options.task() == Task.CLASSIFICATION ? findClasses() : List.of();
    }

    private List<String> findClasses() {
        String[] labels = categorical[layout.label()];
        Set<String> distinct = new LinkedHashSet<>(Arrays.asList(labels));
        List<String> sorted = new ArrayList<>(distinct);
        boolean allIntegers = sorted.stream().allMatch(RowReader::isInteger);
        if (allIntegers) {
            sorted.sort(Comparator.comparingLong(Long::parseLong));
        } else {
            sorted.sort(Comparator.naturalOrder());
        }
        if (sorted.size() < 2) {
            int c = layout.label();
            throw new IllegalArgumentException(source + " lines " + lines[0] + "-" + lines[rows - 1] + ", column " + (c + 1)
                    + " ('" + layout.names().get(c) + "'): the label column has a single class '" + sorted.get(0) + "' in all "
                    + rows + " rows; classification needs at least 2 classes (is this a regression target? use task REGRESSION)");
        }
        return List.copyOf(sorted);
    }

    /** The file (or stream) this table was read from. */
    public String source() { return source; }
    /** The name the data set gets. */
    public String name() { return name; }
    /** @return whether the label is a class (classification) or a number (regression) */
    public Task task() { return options.task(); }
    /** All column names in file order (the label column included). */
    public List<String> columnNames() { return layout.names(); }
    /** Number of rows kept. */
    public int rowCount() { return rows; }
    /** The line (1-based) row {@code row} started on. */
    public int line(int row) { return lines[row]; }
    /** Lines of the rows dropped for a missing value (policy DROP_ROW), in file order. */
    public List<Integer> droppedLines() { return dropped; }
    /** The classes found in the label column, sorted (classification). */
    public List<String> classNames() { return classNames; }

    /** The class id of every row, ids indexing {@link #classNames()} (classification). */
    public int[] labels() {
        if (task() != Task.CLASSIFICATION || layout.label() < 0) {
            throw new IllegalStateException(source + ": labels() needs a classification table with a label column");
        }
        String[] text = categorical[layout.label()];
        java.util.Map<String, Integer> id = new java.util.HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            id.put(classNames.get(c), c);
        }
        int[] ids = new int[rows];
        for (int i = 0; i < rows; i++) {
            ids[i] = id.get(text[i]);
        }
        return ids;
    }

    /** Fits an encoder (categories, fill values) on all rows. */
    public CsvEncoder fit() {
        int[] all = new int[rows];
        Arrays.setAll(all, i -> i);
        return fit(all);
    }

    /** Fits an encoder on the rows {@code trainRows} only: categories and fill values come from them. */
    public CsvEncoder fit(int[] trainRows) {
        return CsvEncoder.fit(this, trainRows);
    }
}
