package org.nntune.nn.data;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a CSV file (plain or gzipped, UTF-8) into a {@link CsvTable}, and from there into a
 * {@link Dataset} with the {@link CsvEncoder} that turns raw rows into features.
 *
 * <p>Configure with {@link #builder()}:
 * <ul>
 *   <li><b>header</b> (default yes): the first line names the columns. Without a header the
 *       columns are named {@code c0, c1, …} (0-based, like column indexes).</li>
 *   <li><b>label column</b> by name or 0-based index; by default the last column.</li>
 *   <li><b>separator</b> (default {@code ,}) and <b>quote</b> (default {@code "}), RFC 4180
 *       quoting: quoted fields may hold separators, line breaks and doubled quotes.</li>
 *   <li><b>decimal mark</b> of numbers (default {@code .}): {@code ,} reads {@code 14,23} as 14.23, as a
 *       spreadsheet set to a European locale writes it (then the separator is not a comma, usually {@code ;}).
 *       No thousands separators either way: {@code 1.065,5} and {@code 1,065.5} are no numbers.</li>
 *   <li><b>task</b>: classification (default; the label is a class) or regression (the label is a number).</li>
 *   <li><b>categorical</b> columns by name or index; every other feature column is numeric.
 *       A categorical column becomes a one-hot block, one feature per category seen in the
 *       training rows (sorted by {@link String#compareTo}), named {@code column=value}.</li>
 *   <li><b>ignored</b> columns by name ({@link Builder#ignore}): read past, never parsed, no feature (an id, a name, a
 *       free-text note beside a table); a file to predict may have them or leave them out.</li>
 *   <li><b>missing values</b>: a field whose text (trimmed if unquoted, as written if quoted) is one of the missing tokens
 *       (default {@link #DEFAULT_MISSING_TOKENS}: the empty field, {@code ?}, and pandas' default {@code na_values},
 *       {@code NA}, {@code N/A}, {@code #N/A}, {@code NaN}, {@code NULL}, {@code None} …) is missing. Policy {@link MissingPolicy#ERROR}
 *       (default) rejects it; {@link MissingPolicy#DROP_ROW} drops the row and records its line
 *       ({@link CsvTable#droppedLines()}); {@link MissingPolicy#FILL_MEAN} fills a numeric column
 *       with the training rows' mean and a categorical one with its most frequent category;
 *       {@link MissingPolicy#FILL_MOST_FREQUENT} fills with the most frequent value (ties: the
 *       smallest). A missing label is an error unless the policy is DROP_ROW.</li>
 *   <li><b>unseen categories</b> (a category absent from the training rows, met in other rows or
 *       at prediction time): {@link UnseenCategory#ZEROS} (default) encodes it as an all-zero
 *       one-hot block, i.e. "none of the known categories"; {@link UnseenCategory#ERROR} rejects it;
 *       {@link UnseenCategory#MOST_FREQUENT} encodes the column's most frequent training category.</li>
 * </ul>
 *
 * <p>Class labels are mapped to ids in sorted order: numerically when every label is an integer
 * (then the class names are the integers, e.g. {@code "0", "1", "2"}), otherwise by
 * {@link String#compareTo}. Classes come from all rows of the file.
 *
 * <p>Nothing is skipped silently. Every bad input is an {@link IllegalArgumentException} naming
 * the file, the line (1-based, the line a record or field starts on), the column (1-based, with
 * its name) and what was expected: a wrong number of fields, a non-number in a numeric column, a
 * missing value without a policy, NaN or infinity, an empty file, a header without rows, an
 * unknown label or categorical column (an {@link UnknownColumnException}), a label column with a single class, a blank line in the
 * middle of the data, broken quoting, a file that is not UTF-8 text. Blank lines at the very end
 * of the file are allowed.
 */
public final class CsvReader {

    /**
     * The texts that mean "missing" unless {@link Builder#missingTokens} says otherwise: the empty
     * field, {@code ?} (the UCI repository's mark) and every one of pandas' default {@code na_values}
     * ({@code read_csv}), so a file written by pandas, R or a spreadsheet reads as it does there.
     * A category spelt {@code None} or {@code NA} is therefore missing too.
     */
    public static final List<String> DEFAULT_MISSING_TOKENS = List.of("", "?", "NA", "N/A", "n/a", "#N/A", "#N/A N/A", "#NA",
            "<NA>", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN");

    /** What to do with a missing value. */
    public enum MissingPolicy {
        /** Refuse the file: an error naming the line and column of the first missing value (the default). */
        ERROR,
        /**
         * Leave the row out and record its line ({@link CsvTable#droppedLines()}); a file to predict
         * cannot drop rows, so there a missing feature is an error.
         */
        DROP_ROW,
        /**
         * Fill a numeric column with its training rows' mean, a categorical one with its most
         * frequent training category (ties: the smallest). A missing label is still an error.
         */
        FILL_MEAN,
        /**
         * Fill every column with its most frequent training value (ties: the smallest number or
         * category). A missing label is still an error.
         */
        FILL_MOST_FREQUENT
    }

    /** What a category never seen in the training rows becomes. */
    public enum UnseenCategory {
        /** "none of the known categories": an all-zero one-hot block */
        ZEROS,
        /** an error naming the line and column */
        ERROR,
        /** the column's most frequent training category (ties: the smallest) */
        MOST_FREQUENT
    }

    final boolean header;
    final String labelName;      // null when given by index or defaulted
    final int labelIndex;        // -1: last column (default) unless labelName is set
    final char separator;
    final char quote;
    final char decimal;
    final Task task;
    final MissingPolicy missing;
    final Set<String> missingTokens;
    final Set<String> categoricalNames;
    final Set<Integer> categoricalIndexes;
    final List<String> ignoredNames;   // in the order given, for messages
    final UnseenCategory unseen;
    final String name;           // null: derived from the file name

    private CsvReader(Builder b) {
        this.header = b.header;
        this.labelName = b.labelName;
        this.labelIndex = b.labelIndex;
        this.separator = b.separator;
        this.quote = b.quote;
        this.decimal = b.decimal;
        this.task = b.task;
        this.missing = b.missing;
        this.missingTokens = Set.copyOf(b.missingTokens);
        this.categoricalNames = Set.copyOf(b.categoricalNames);
        this.categoricalIndexes = Set.copyOf(b.categoricalIndexes);
        this.ignoredNames = List.copyOf(b.ignoredNames);
        this.unseen = b.unseen;
        this.name = b.name;
    }

    /** The settings a fitted encoder keeps to read prediction files the same way. */
    CsvTable.Options options() {
        return new CsvTable.Options(header, separator, quote, task, missing, List.copyOf(missingTokens), unseen, decimal);
    }

    /**
     * Refuses a header that names a column twice (a reader would take the first and silently skip
     * the other): {@code "FILE line 1, column 3: duplicate column name 'temp' (also column 2); expected unique names"}.
     */
    static void checkUniqueNames(String source, List<String> names) {
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < names.size(); c++) {
            Integer before = seen.put(names.get(c), c);
            if (before != null) {
                throw new IllegalArgumentException(source + " line 1, column " + (c + 1) + ": duplicate column name '"
                        + names.get(c) + "' (also column " + (before + 1) + "); expected unique names");
            }
        }
    }

    /**
     * The error for a blank line followed by more data rows in a file of {@code fields} columns
     * (blank lines at the end of a file are allowed: editors and exports leave them). Shared by every
     * reader of rows, nntune's own and its callers' (the CLI's numeric rows for {@code predict}).
     */
    public static IllegalArgumentException blankLineBetweenRows(String source, int line, int fields) {
        return new IllegalArgumentException(source + " line " + line + ", column 1: blank line between data rows; expected "
                + fields + " fields (blank lines are allowed only at the end of the file)");
    }

    /** @return a builder with every default stated above; {@link Builder#build()} makes the reader */
    public static Builder builder() {
        return new Builder();
    }

    /** A reader with every default: header, label in the last column, comma, classification, missing values rejected. */
    public static CsvReader defaults() {
        return builder().build();
    }

    /** The parsed file, the encoder fitted on all its rows, and the data set it encodes to. */
    public record CsvData(Dataset dataset, CsvEncoder encoder, CsvTable table) {}

    /**
     * Reads {@code file} as a training file: the encoder (categories, fill values) is fitted on all
     * its rows. To fit on a training part only, use {@link #readTable} then {@link CsvTable#fit(int[])}.
     */
    public CsvData read(Path file) {
        return encodeAll(readTable(file));
    }

    /** As {@link #read(Path)}, from a stream; {@code source} names it in messages. */
    public CsvData read(String source, InputStream in) {
        return encodeAll(readTable(source, in));
    }

    private static CsvData encodeAll(CsvTable table) {
        CsvEncoder encoder = table.fit();
        return new CsvData(encoder.encode(table), encoder, table);
    }

    /** Parses {@code file} (plain or gzipped) into a table of raw values. */
    public CsvTable readTable(Path file) {
        return parse(file.toString(), datasetName(file.getFileName().toString()), SourceBytes.readAll(file));
    }

    /** Parses a stream (plain or gzipped); {@code source} names it in messages and gives the data set its name. */
    public CsvTable readTable(String source, InputStream in) {
        Objects.requireNonNull(source, "source");
        String base = source.substring(source.lastIndexOf('/') + 1);
        return parse(source, datasetName(base), SourceBytes.readAll(source, in));
    }

    private String datasetName(String fileName) {
        if (name != null) {
            return name;
        }
        String n = fileName;
        if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
        if (n.endsWith(".csv")) n = n.substring(0, n.length() - 4);
        return n;
    }

    private CsvTable parse(String source, String datasetName, byte[] bytes) {
        char[] text = SourceBytes.decodeText(source, bytes);
        CsvParser parser = new CsvParser(source, text, separator, quote);
        List<CsvParser.Field> rec = CsvParser.newRecord();
        if (!nextNonBlank(parser, rec)) {
            throw new IllegalArgumentException("file " + source + " is empty: expected "
                    + (header ? "a header line and " : "") + "at least one data row");
        }
        List<String> names = new ArrayList<>();
        boolean firstIsData = !header;
        for (int c = 0; c < rec.size(); c++) {
            names.add(header ? rec.get(c).text() : "c" + c);
        }
        int n = names.size();
        if (n < 2) {
            throw new IllegalArgumentException(source + " line " + rec.get(0).line() + ": found 1 column ('" + names.get(0)
                    + "'); expected at least 2 (features and a label) separated by '" + separator
                    + "' — is the separator right?");
        }
        if (header) {
            checkUniqueNames(source, names);
        }
        int label = resolveLabel(source, names);
        CsvTable.Kind[] kinds = new CsvTable.Kind[n];
        Arrays.fill(kinds, CsvTable.Kind.NUMERIC);
        kinds[label] = CsvTable.Kind.LABEL;
        for (String cat : categoricalNames) {
            int c = names.indexOf(cat);
            if (c < 0) {
                throw new UnknownColumnException(source + " line 1: unknown categorical column '" + cat + "'; columns are " + names,
                        source, UnknownColumnException.Role.CATEGORICAL, cat, names);
            }
            markCategorical(source, kinds, c, names);
        }
        for (int c : categoricalIndexes) {
            if (c < 0 || c >= n) {
                throw new IllegalArgumentException(source + " line 1: categorical column index " + c + " is outside [0, " + n + ")");
            }
            markCategorical(source, kinds, c, names);
        }
        for (String ignored : ignoredNames) {
            int c = names.indexOf(ignored);
            if (c < 0) {
                throw new UnknownColumnException(source + " line 1: unknown column to ignore '" + ignored + "'; columns are " + names,
                        source, UnknownColumnException.Role.IGNORE, ignored, names);
            }
            if (kinds[c] != CsvTable.Kind.NUMERIC) {
                throw new IllegalArgumentException(source + ": column " + (c + 1) + " ('" + ignored + "') is the "
                        + (kinds[c] == CsvTable.Kind.LABEL ? "label column" : "categorical column") + "; it cannot also be ignored");
            }
            kinds[c] = CsvTable.Kind.IGNORED;
        }
        if (Arrays.stream(kinds).noneMatch(k -> k == CsvTable.Kind.NUMERIC || k == CsvTable.Kind.CATEGORICAL)) {
            throw new IllegalArgumentException(source + ": every column but the label is ignored (" + ignoredNames
                    + "); expected at least one feature column");
        }
        CsvTable.Layout layout = new CsvTable.Layout(List.copyOf(names), label, kinds);
        return new RowReader(options(), source, layout, false).read(parser, rec, firstIsData, datasetName);
    }

    private static void markCategorical(String source, CsvTable.Kind[] kinds, int c, List<String> names) {
        if (kinds[c] == CsvTable.Kind.LABEL) {
            throw new IllegalArgumentException(source + ": column " + (c + 1) + " ('" + names.get(c)
                    + "') is the label column; it cannot also be a categorical feature");
        }
        kinds[c] = CsvTable.Kind.CATEGORICAL;
    }

    private int resolveLabel(String source, List<String> names) {
        if (labelName != null) {
            if (!header) {
                throw new IllegalArgumentException(source + ": label column '" + labelName
                        + "' is given by name but the reader expects no header; give its 0-based index instead");
            }
            int c = names.indexOf(labelName);
            if (c < 0) {
                throw new UnknownColumnException(source + " line 1: unknown label column '" + labelName
                        + "'; expected one of the header's columns " + names, source, UnknownColumnException.Role.LABEL, labelName, names);
            }
            return c;
        }
        if (labelIndex >= 0) {
            if (labelIndex >= names.size()) {
                throw new UnknownColumnException(source + " line 1: label column index " + labelIndex + " is outside [0, "
                        + names.size() + ") — the file has " + names.size() + " columns", source, UnknownColumnException.Role.LABEL,
                        Integer.toString(labelIndex), names);
            }
            return labelIndex;
        }
        return names.size() - 1;
    }

    static boolean nextNonBlank(CsvParser parser, List<CsvParser.Field> rec) {
        while (parser.next(rec)) {
            if (!CsvParser.isBlank(rec)) {
                return true;
            }
        }
        return false;
    }

    /** Builder of a {@link CsvReader}; every setting has the default stated on {@link CsvReader}. */
    public static final class Builder {
        private boolean header = true;
        private String labelName;
        private int labelIndex = -1;
        private char separator = ',';
        private char quote = '"';
        private char decimal = '.';
        private Task task = Task.CLASSIFICATION;
        private MissingPolicy missing = MissingPolicy.ERROR;
        private Set<String> missingTokens = new LinkedHashSet<>(DEFAULT_MISSING_TOKENS);
        private final Set<String> categoricalNames = new LinkedHashSet<>();
        private final Set<Integer> categoricalIndexes = new LinkedHashSet<>();
        private final Set<String> ignoredNames = new LinkedHashSet<>();
        private UnseenCategory unseen = UnseenCategory.ZEROS;
        private String name;

        private Builder() {}

        /**
         * @param hasHeader whether the first line names the columns (default true); without a header
         *     the columns are named {@code c0, c1, …} and a label column other than the last is
         *     given by index
         * @return this builder
         */
        public Builder header(boolean hasHeader) {
            this.header = hasHeader;
            return this;
        }

        /**
         * The label column by its header name (default: the last column); needs a header. A name the
         * header lacks is an {@link UnknownColumnException} when the file is read.
         *
         * @param columnName the label column's name, not null
         * @return this builder
         */
        public Builder labelColumn(String columnName) {
            this.labelName = Objects.requireNonNull(columnName, "columnName");
            this.labelIndex = -1;
            return this;
        }

        /** The label column by 0-based index. */
        public Builder labelColumn(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("label column index must be >= 0, got " + index);
            }
            this.labelIndex = index;
            this.labelName = null;
            return this;
        }

        /**
         * @param sep the field separator (default {@code ,}; {@code ;} and tab are common)
         * @return this builder
         * @throws IllegalArgumentException if sep is a line break or the quote character
         */
        public Builder separator(char sep) {
            if (sep == '\n' || sep == '\r' || sep == quote) {
                throw new IllegalArgumentException("separator must not be a line break or the quote character, got '" + sep + "'");
            }
            this.separator = sep;
            return this;
        }

        /**
         * @param q the quote character (default {@code "}), doubled inside a quoted field to stand for itself
         * @return this builder
         * @throws IllegalArgumentException if q is a line break or the separator
         */
        public Builder quote(char q) {
            if (q == '\n' || q == '\r' || q == separator) {
                throw new IllegalArgumentException("quote must not be a line break or the separator, got '" + q + "'");
            }
            this.quote = q;
            return this;
        }

        /**
         * @param mark the decimal mark of numbers: {@code .} (default) or {@code ,} ({@code 14,23} is 14.23)
         * @return this builder
         * @throws IllegalArgumentException if mark is another character, or {@code ,} while the separator is one
         */
        public Builder decimal(char mark) {
            if (mark != '.' && mark != ',') {
                throw new IllegalArgumentException("decimal mark must be '.' or ',', got '" + mark + "'");
            }
            this.decimal = mark;
            return this;
        }

        /**
         * @param t classification (default: the label is a class, of which the file needs at least two) or
         *     regression (the label is a number)
         * @return this builder
         */
        public Builder task(Task t) {
            this.task = Objects.requireNonNull(t, "task");
            return this;
        }

        /**
         * @param policy what happens to a missing value (a field that is one of the
         *     {@link #missingTokens missing tokens}); default {@link MissingPolicy#ERROR}
         * @return this builder
         */
        public Builder missingValues(MissingPolicy policy) {
            this.missing = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The texts that mean "missing" (compared after trimming an unquoted field); replaces the default
         * {@link #DEFAULT_MISSING_TOKENS} (to add to it, pass those and yours).
         */
        public Builder missingTokens(String... tokens) {
            this.missingTokens = new LinkedHashSet<>(List.of(tokens));
            return this;
        }

        /**
         * Categorical columns by header name, added to those given before: each becomes a one-hot block
         * of the categories of the training rows. A name the header lacks is an
         * {@link UnknownColumnException} when the file is read.
         *
         * @param columnNames names of feature columns (not the label)
         * @return this builder
         */
        public Builder categorical(String... columnNames) {
            categoricalNames.addAll(List.of(columnNames));
            return this;
        }

        /** Categorical columns by 0-based index. */
        public Builder categoricalColumns(int... indexes) {
            for (int i : indexes) {
                categoricalIndexes.add(i);
            }
            return this;
        }

        /**
         * Columns, by name, that are no feature: read past without being parsed (an id, a name, a
         * date, a note), so they may hold anything. A file to predict may have them or leave them
         * out. Neither the label nor a categorical column.
         */
        public Builder ignore(String... columnNames) {
            ignoredNames.addAll(List.of(columnNames));
            return this;
        }

        /**
         * @param rule what a category absent from the training rows becomes; default
         *     {@link UnseenCategory#ZEROS}
         * @return this builder
         */
        public Builder unseenCategory(UnseenCategory rule) {
            this.unseen = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /** The data set's name; by default the file name without {@code .csv} / {@code .gz}. */
        public Builder name(String datasetName) {
            this.name = Objects.requireNonNull(datasetName, "datasetName");
            return this;
        }

        /**
         * @return a reader with these settings; the builder may go on to make others
         * @throws IllegalStateException if the label column is named but the file has no header
         */
        public CsvReader build() {
            if (decimal == ',' && separator == ',') {
                throw new IllegalStateException("decimal(',') needs another separator than ','; numbers with a decimal comma"
                        + " come with fields separated by ';' (separator(';'))");
            }
            if (labelName != null && !header) {
                throw new IllegalStateException("label column '" + labelName + "' is given by name but header(false) was set; "
                        + "give the label column's 0-based index instead");
            }
            return new CsvReader(this);
        }
    }
}
