package org.nntune.nn.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What each column of a CSV file holds, read the way {@link CsvReader} reads it (RFC 4180 quoting,
 * plain or gzipped UTF-8, its {@link CsvReader#DEFAULT_MISSING_TOKENS missing tokens}): enough to tell a
 * numeric feature from categories, free text, an id or a name, and a class label from a regression
 * target. Nothing is encoded; a malformed file is refused with the reader's messages (line and
 * column).
 *
 * @param names  the header's column names, or {@code c0, c1, …} (as {@link CsvReader} names them) for a file without one
 * @param header whether the first line names the columns ({@link #of} tells)
 * @param separator the field separator the file was read with
 * @param decimal the decimal mark its numbers were read with: {@code .}, or {@code ,} when {@link #of} found numbers
 *               written so ({@code 14,23}) in a file whose fields are not separated by commas
 * @param rows   data rows (blank lines at the end not counted)
 * @param columns one profile per column, in the header's order
 */
public record CsvProfile(List<String> names, boolean header, char separator, char decimal, int rows, List<Column> columns) {
    /** Distinct values are counted up to this many; {@link Column#distinct} is then a lower bound. */
    public static final int DISTINCT_CAP = 10_000;

    /** Keeps unmodifiable copies of the two lists. */
    public CsvProfile {
        names = List.copyOf(names);
        columns = List.copyOf(columns);
    }

    /**
     * One column.
     *
     * @param name       its header name
     * @param missing    fields holding a missing token
     * @param numeric    every present field is a decimal number (as {@link CsvReader} parses them)
     * @param integers   every present field is an integer
     * @param distinct   distinct present values, at most {@link #DISTINCT_CAP}
     * @param meanWords  the mean number of whitespace-separated words of a present field
     * @param maxWords   the most words of a present field
     * @param isoDates   every present field starts with an ISO date ({@code 2024-03-01…})
     * @param numbers    present fields that are decimal numbers (all of them when {@code numeric})
     * @param firstNonNumber the first present field that is not a number, as written (empty when {@code numeric}),
     *                   and {@code firstNonNumberLine} the file line it starts on (0 when there is none)
     * @param counts     rows of each distinct present value, in the order first seen (the first {@link #DISTINCT_CAP} values)
     * @param min        the smallest number of a numeric column (NaN for another)
     * @param max        the largest number of a numeric column (NaN for another)
     * @param increasing a numeric column's present values rise strictly from row to row (in file order)
     * @param codes      each row's value as its place in {@code counts}' order: {@link #MISSING_CODE} for a missing
     *                   field, {@link #UNCOUNTED_CODE} for a value beyond the cap
     * @param localDates every present field is a date as spreadsheets write them: day, month and year in either order
     *                   of the first two, separated by {@code /}, {@code .} or {@code -} ({@code 03/15/2023},
     *                   {@code 15.03.23}), or year first with {@code /} or {@code .}; a time of day may follow
     */
    public record Column(String name, int missing, boolean numeric, boolean integers, int distinct, double meanWords,
                         int maxWords, boolean isoDates, int numbers, String firstNonNumber, int firstNonNumberLine,
                         java.util.Map<String, Integer> counts, double min, double max, boolean increasing, int[] codes,
                         boolean localDates) {
        /** Keeps an unmodifiable copy of the counts. */
        public Column {
            counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
        }

        /** Fields that hold a value. */
        public int present(int rows) {
            return rows - missing;
        }

        /** Distinct values seen in one row only (among the counted ones). */
        public int singletons() {
            return (int) counts.values().stream().filter(n -> n == 1).count();
        }

        /**
         * Whether each of this column's values goes with one value of {@code other} in every row where both hold one
         * (a value beyond the cap in either column: not known, so false).
         */
        public boolean determines(Column other) {
            int[] seen = new int[counts.size()];
            java.util.Arrays.fill(seen, MISSING_CODE);
            for (int r = 0; r < codes.length; r++) {
                int a = codes[r];
                int b = other.codes[r];
                if (a == MISSING_CODE || b == MISSING_CODE) {
                    continue;
                }
                if (a == UNCOUNTED_CODE || b == UNCOUNTED_CODE) {
                    return false;
                }
                if (seen[a] == MISSING_CODE) {
                    seen[a] = b;
                } else if (seen[a] != b) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@link Column#codes} of a missing field. */
    public static final int MISSING_CODE = -1;
    /** {@link Column#codes} of a value beyond {@link #DISTINCT_CAP} distinct ones. */
    public static final int UNCOUNTED_CODE = -2;

    /** Rows missing a value in at least one of {@code columns}. */
    public int rowsMissingAny(List<String> columns) {
        List<Column> cs = this.columns.stream().filter(c -> columns.contains(c.name())).toList();
        int n = 0;
        for (int r = 0; r < rows; r++) {
            final int row = r;
            n += cs.stream().anyMatch(c -> c.codes()[row] == MISSING_CODE) ? 1 : 0;
        }
        return n;
    }

    private static final Set<String> MISSING = Set.copyOf(CsvReader.DEFAULT_MISSING_TOKENS);

    /**
     * Profiles {@code file}, fields separated by {@code separator}. Its first line is taken for a
     * header unless it looks like a row: some of its cells are numbers where the rows below hold
     * numbers, and none is text above a column of numbers (as Python's {@code csv.Sniffer} decides).
     */
    public static CsvProfile of(Path file, char separator) {
        return sniffed(file.toString(), text(file), separator);
    }

    /**
     * {@link #of(Path, char)} with the separator that splits the first line into the most fields: one of
     * {@code , ; tab |} (a comma on a tie).
     */
    public static CsvProfile of(Path file) {
        char[] text = text(file);
        int end = 0;
        while (end < text.length && text[end] != '\n' && text[end] != '\r') {
            end++;
        }
        char best = ',';
        int most = -1;
        for (char c : new char[] {',', ';', '\t', '|'}) {
            int n = 0;
            for (int i = 0; i < end; i++) {
                n += text[i] == c ? 1 : 0;
            }
            if (n > most) {
                best = c;
                most = n;
            }
        }
        return sniffed(file.toString(), text, best);
    }

    /** The file's text, read and decoded once (plain or gzipped UTF-8, as {@link CsvReader} reads it, but a stray NUL kept). */
    private static char[] text(Path file) {
        // a stray NUL in a field is a character like another here: a profile only counts values, and a text column may hold one
        return SourceBytes.decodeTextKeepingStrayNuls(file.toString(), SourceBytes.readAll(file));
    }

    private static CsvProfile sniffed(String source, char[] text, char separator) {
        CsvProfile withHeader = profile(source, text, separator, '.', true, false);
        if (separator != ',') {
            // a spreadsheet in a European locale writes 14,23 (and separates fields by ';'): the mark that reads more
            // columns as numbers is the file's (a file of points reads none of its decimals with a comma)
            CsvProfile comma = profile(source, text, separator, ',', true, false);
            if (numericColumns(comma) > numericColumns(withHeader)) {
                withHeader = comma;
            }
        }
        char decimal = withHeader.decimal();
        List<String> first = withHeader.names();
        boolean textAboveNumbers = false;
        boolean numberAboveNumbers = false;
        for (int c = 0; c < first.size(); c++) {
            if (!withHeader.columns().get(c).numeric()) {
                continue;
            }
            if (isNumber(first.get(c).strip(), decimal)) {
                numberAboveNumbers = true;
            } else {
                textAboveNumbers = true;
            }
        }
        if (numberAboveNumbers && !textAboveNumbers) {
            return profile(source, text, separator, decimal, false, true);
        }
        CsvReader.checkUniqueNames(source, withHeader.names());
        return withHeader;
    }

    private static final java.util.regex.Pattern LOCAL_DATE = java.util.regex.Pattern.compile(
            "(?:(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4}|\\d{2})|(\\d{4})([/.])(\\d{1,2})\\6(\\d{1,2}))"
                    + "(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?: ?[AaPp][Mm])?)?");

    /** A date as spreadsheets write it (see {@link Column#localDates}): a day and a month that can be one, and a year. */
    static boolean isLocalDate(String t) {
        java.util.regex.Matcher m = LOCAL_DATE.matcher(t);
        if (!m.matches()) {
            return false;
        }
        int a = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(7));
        int b = Integer.parseInt(m.group(1) != null ? m.group(3) : m.group(8));
        return a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12);
    }

    /** A decimal's value (NaN when Java does not read it: then it widens no range and breaks a rise). */
    private static double number(String t) {
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Profiles {@code file}: a header line then rows, or rows only (columns named {@code c0, c1, …}); decimal points. */
    public static CsvProfile of(Path file, char separator, boolean header) {
        return profile(file.toString(), text(file), separator, '.', header, true);
    }

    private static long numericColumns(CsvProfile p) {
        return p.columns().stream().filter(Column::numeric).count();
    }

    /** A number as {@link CsvReader} reads it with this decimal mark (a comma: no point, so no thousands separator). */
    static boolean isNumber(String t, char decimal) {
        return decimal == ',' ? t.indexOf('.') < 0 && RowReader.isDecimal(t.replace(',', '.')) : RowReader.isDecimal(t);
    }

    private static CsvProfile profile(String source, char[] text, char separator, char decimal, boolean header,
                                      boolean checkNames) {
        CsvParser parser = new CsvParser(source, text, separator, '"');
        List<CsvParser.Field> rec = CsvParser.newRecord();
        if (!CsvReader.nextNonBlank(parser, rec)) {
            throw new IllegalArgumentException("file " + source + " is empty: expected a header line and at least one data row");
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < rec.size(); c++) {
            names.add(header ? rec.get(c).text() : "c" + c);
        }
        if (header && checkNames) {
            CsvReader.checkUniqueNames(source, names);
        }
        int n = names.size();
        int[] missing = new int[n];
        boolean[] numeric = new boolean[n];
        boolean[] integers = new boolean[n];
        boolean[] dates = new boolean[n];
        java.util.Arrays.fill(numeric, true);
        java.util.Arrays.fill(integers, true);
        java.util.Arrays.fill(dates, true);
        boolean[] localDates = new boolean[n];
        java.util.Arrays.fill(localDates, true);
        List<java.util.Map<String, Integer>> distinct = new ArrayList<>();
        List<java.util.Map<String, Integer>> codeOf = new ArrayList<>();
        List<int[]> codes = new ArrayList<>();
        double[] min = new double[n];
        double[] max = new double[n];
        boolean[] increasing = new boolean[n];
        double[] last = new double[n];
        for (int c = 0; c < n; c++) {
            distinct.add(new java.util.LinkedHashMap<>());
            codeOf.add(new java.util.HashMap<>());
            codes.add(new int[64]);
        }
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(increasing, true);
        java.util.Arrays.fill(last, Double.NEGATIVE_INFINITY);
        long[] words = new long[n];
        int[] maxWords = new int[n];
        int[] numbers = new int[n];
        String[] nonNumber = new String[n];
        int[] nonNumberLine = new int[n];
        int rows = 0;
        int blankLine = -1;
        boolean firstIsRow = !header;
        while (firstIsRow || parser.next(rec)) {
            firstIsRow = false;
            if (CsvParser.isBlank(rec)) {
                blankLine = blankLine < 0 ? rec.get(0).line() : blankLine;
                continue;
            }
            if (blankLine >= 0) {
                throw CsvReader.blankLineBetweenRows(source, blankLine, n);
            }
            int line = rec.get(0).line();
            if (rec.size() != n) {
                throw new IllegalArgumentException(source + " line " + line + ", column " + (Math.min(rec.size(), n) + 1) + ": expected "
                        + n + " fields (as in " + (header ? "the header" : "the first row") + "), found " + rec.size()
                        + (rec.size() > n ? " — quote fields that contain '" + separator + "'" : ""));
            }
            int row = rows++;
            for (int c = 0; c < n; c++) {
                if (row == codes.get(c).length) {
                    codes.set(c, java.util.Arrays.copyOf(codes.get(c), row * 2));
                }
                CsvParser.Field f = rec.get(c);
                String t = f.quoted() ? f.text() : f.text().strip();
                if (MISSING.contains(t)) {
                    missing[c]++;
                    codes.get(c)[row] = MISSING_CODE;
                    continue;
                }
                if (isNumber(t, decimal)) {
                    numbers[c]++;
                } else if (numeric[c]) {
                    numeric[c] = false;
                    nonNumber[c] = t;
                    nonNumberLine[c] = f.line();
                }
                if (numeric[c]) {
                    double v = number(decimal == ',' ? t.replace(',', '.') : t);
                    min[c] = Double.isNaN(v) ? min[c] : Math.min(min[c], v);
                    max[c] = Double.isNaN(v) ? max[c] : Math.max(max[c], v);
                    increasing[c] &= v > last[c];
                    last[c] = v;
                }
                if (integers[c] && !RowReader.isInteger(t)) {
                    integers[c] = false;
                }
                if (dates[c] && !(t.length() >= 10 && t.substring(0, 10).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}"))) {
                    dates[c] = false;
                }
                if (localDates[c] && !isLocalDate(t)) {
                    localDates[c] = false;
                }
                Integer code = codeOf.get(c).get(t);
                if (code == null && codeOf.get(c).size() < DISTINCT_CAP) {
                    code = codeOf.get(c).size();
                    codeOf.get(c).put(t, code);
                }
                if (code != null) {
                    distinct.get(c).merge(t, 1, Integer::sum);
                }
                codes.get(c)[row] = code != null ? code : UNCOUNTED_CODE;
                int w = t.isBlank() ? 0 : t.strip().split("\\s+").length;
                words[c] += w;
                maxWords[c] = Math.max(maxWords[c], w);
            }
        }
        if (rows == 0) {
            throw new IllegalArgumentException(source + ": the header has no data rows after it");
        }
        List<Column> columns = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            int present = rows - missing[c];
            boolean number = present > 0 && numeric[c];
            columns.add(new Column(names.get(c), missing[c], number, present > 0 && integers[c],
                    distinct.get(c).size(), present == 0 ? 0 : (double) words[c] / present, maxWords[c], present > 0 && dates[c],
                    numbers[c], nonNumber[c] == null ? "" : nonNumber[c], nonNumberLine[c],
                    distinct.get(c), number ? min[c] : Double.NaN, number ? max[c] : Double.NaN, number && increasing[c],
                    java.util.Arrays.copyOf(codes.get(c), rows), present > 0 && localDates[c]));
        }
        return new CsvProfile(names, header, separator, decimal, rows, columns);
    }
}
