package org.nntune.nn.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
     */
    public record Column(String name, int missing, boolean numeric, boolean integers, int distinct, double meanWords,
                         int maxWords, boolean isoDates, int numbers, String firstNonNumber, int firstNonNumberLine) {
        /** Fields that hold a value. */
        public int present(int rows) {
            return rows - missing;
        }
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
        List<Set<String>> distinct = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            distinct.add(new HashSet<>());
        }
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
            rows++;
            for (int c = 0; c < n; c++) {
                CsvParser.Field f = rec.get(c);
                String t = f.quoted() ? f.text() : f.text().strip();
                if (MISSING.contains(t)) {
                    missing[c]++;
                    continue;
                }
                if (isNumber(t, decimal)) {
                    numbers[c]++;
                } else if (numeric[c]) {
                    numeric[c] = false;
                    nonNumber[c] = t;
                    nonNumberLine[c] = f.line();
                }
                if (integers[c] && !RowReader.isInteger(t)) {
                    integers[c] = false;
                }
                if (dates[c] && !(t.length() >= 10 && t.substring(0, 10).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}"))) {
                    dates[c] = false;
                }
                if (distinct.get(c).size() < DISTINCT_CAP) {
                    distinct.get(c).add(t);
                }
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
            columns.add(new Column(names.get(c), missing[c], present > 0 && numeric[c], present > 0 && integers[c],
                    distinct.get(c).size(), present == 0 ? 0 : (double) words[c] / present, maxWords[c], present > 0 && dates[c],
                    numbers[c], nonNumber[c] == null ? "" : nonNumber[c], nonNumberLine[c]));
        }
        return new CsvProfile(names, header, separator, decimal, rows, columns);
    }
}
