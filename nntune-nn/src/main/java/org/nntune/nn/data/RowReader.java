package org.nntune.nn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the data rows of a CSV file into a {@link CsvTable}, enforcing the field-level rules. */
final class RowReader {
    private final CsvTable.Options options;
    private final String source;
    private final CsvTable.Layout layout;
    private final boolean prediction;
    private final Map<String, String> interned = new HashMap<>();

    RowReader(CsvTable.Options options, String source, CsvTable.Layout layout, boolean prediction) {
        this.options = options;
        this.source = source;
        this.layout = layout;
        this.prediction = prediction;
    }

    CsvTable read(CsvParser parser, List<CsvParser.Field> rec, boolean recordIsData, String datasetName) {
        int n = layout.names().size();
        int headerLine = recordIsData ? 0 : rec.get(0).line();
        float[][] numeric = new float[n][];
        String[][] categorical = new String[n][];
        int capacity = 64;
        for (int c = 0; c < n; c++) {
            switch (layout.kinds()[c]) {
                case NUMERIC -> numeric[c] = new float[capacity];
                case CATEGORICAL -> categorical[c] = new String[capacity];
                case LABEL -> {
                    if (options.task() == Task.REGRESSION) numeric[c] = new float[capacity];
                    else categorical[c] = new String[capacity];
                }
                case IGNORED -> { }
            }
        }
        int[] lines = new int[capacity];
        int rows = 0;
        List<Integer> dropped = new ArrayList<>();
        float[] rowNum = new float[n];
        String[] rowCat = new String[n];
        int blankLine = 0;
        boolean have = recordIsData || parser.next(rec);
        for (; have; have = parser.next(rec)) {
            if (CsvParser.isBlank(rec)) {
                if (blankLine == 0) blankLine = rec.get(0).line();
                continue;
            }
            int line = rec.get(0).line();
            if (blankLine != 0) {
                throw CsvReader.blankLineBetweenRows(source, blankLine, n);
            }
            if (rec.size() != n) {
                int col = Math.min(rec.size(), n) + 1;
                throw new IllegalArgumentException(source + " line " + line + ", column " + col + ": expected " + n + " fields"
                        + (headerLine > 0 ? " (as in the header)" : " (as in the first row)") + ", found " + rec.size()
                        + (rec.size() > n ? " — quote fields that contain '" + options.separator() + "'" : ""));
            }
            boolean drop = false;
            for (int c = 0; c < n && !drop; c++) {
                if (layout.kinds()[c] == CsvTable.Kind.IGNORED) {
                    continue;
                }
                CsvParser.Field f = rec.get(c);
                String t = f.text();
                boolean isMissing = options.missingTokens().contains(f.quoted() ? t : t.strip()); // quoted text is taken as written
                CsvTable.Kind kind = layout.kinds()[c];
                if (isMissing) {
                    if (options.missing() == CsvReader.MissingPolicy.DROP_ROW && !prediction) {
                        drop = true;
                        continue;
                    }
                    if (kind == CsvTable.Kind.LABEL) {
                        throw new IllegalArgumentException(where(f, c) + ": missing label ('" + t + "'); expected "
                                + (options.task() == Task.REGRESSION ? "a number" : "a class")
                                + " — a label cannot be filled; fix the file or choose the DROP_ROW missing-value policy");
                    }
                    if (options.missing() == CsvReader.MissingPolicy.ERROR
                            || (prediction && options.missing() == CsvReader.MissingPolicy.DROP_ROW)) {
                        throw new IllegalArgumentException(where(f, c) + ": missing value ('" + t + "'); expected "
                                + (kind == CsvTable.Kind.NUMERIC ? "a number" : "a category")
                                + (prediction ? " — a row to predict cannot be dropped; the model fills missing values only with a FILL_* policy"
                                : " — or choose a missing-value policy: DROP_ROW, FILL_MEAN or FILL_MOST_FREQUENT"));
                    }
                    rowNum[c] = Float.NaN;
                    rowCat[c] = null;
                    continue;
                }
                if (numeric[c] != null) {
                    rowNum[c] = parseNumber(f, c);
                } else {
                    String v = kind == CsvTable.Kind.LABEL ? canonicalLabel(t) : t;
                    rowCat[c] = interned.computeIfAbsent(v, k -> k);
                }
            }
            if (drop) {
                dropped.add(line);
                continue;
            }
            if (rows == lines.length) {
                capacity = rows * 2;
                lines = Arrays.copyOf(lines, capacity);
                for (int c = 0; c < n; c++) {
                    if (numeric[c] != null) numeric[c] = Arrays.copyOf(numeric[c], capacity);
                    if (categorical[c] != null) categorical[c] = Arrays.copyOf(categorical[c], capacity);
                }
            }
            for (int c = 0; c < n; c++) {
                if (numeric[c] != null) numeric[c][rows] = rowNum[c];
                else if (categorical[c] != null) categorical[c][rows] = rowCat[c];
            }
            lines[rows++] = line;
        }
        if (rows == 0) {
            if (!dropped.isEmpty()) {
                throw new IllegalArgumentException("file " + source + ": all " + dropped.size()
                        + " data rows have a missing value and were dropped (policy DROP_ROW); no rows are left");
            }
            throw new IllegalArgumentException("file " + source + " line " + headerLine + ": a header but no data rows; expected at least one row after the header");
        }
        for (int c = 0; c < n; c++) {
            if (numeric[c] != null) numeric[c] = Arrays.copyOf(numeric[c], rows);
            if (categorical[c] != null) categorical[c] = Arrays.copyOf(categorical[c], rows);
        }
        return new CsvTable(source, datasetName, options, layout, rows, Arrays.copyOf(lines, rows),
                numeric, categorical, List.copyOf(dropped));
    }

    private String where(CsvParser.Field f, int c) {
        return source + " line " + f.line() + ", column " + (c + 1) + " ('" + layout.names().get(c) + "')";
    }

    /** Integers are written canonically ("03" and "3" are one class); other labels are kept as written. */
    static String canonicalLabel(String t) {
        String s = t.strip();
        if (isInteger(s)) {
            try {
                return Long.toString(Long.parseLong(s.startsWith("+") ? s.substring(1) : s));
            } catch (NumberFormatException e) {
                return s;
            }
        }
        return t;
    }

    static boolean isInteger(String s) {
        int i = 0;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        if (i == s.length()) return false;
        for (; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    private float parseNumber(CsvParser.Field f, int c) {
        String asWritten = f.text().strip();
        boolean comma = options.decimal() == ',';
        // "14,23" is 14.23; with a point as well the point would be a thousands separator (1.065,5), which is not read
        String s = comma && asWritten.indexOf('.') < 0 ? asWritten.replace(',', '.') : asWritten;
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        String bare = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        if (bare.equals("nan") || bare.equals("inf") || bare.equals("infinity")) {
            throw new IllegalArgumentException(where(f, c) + ": '" + s + "' is not allowed; expected a finite number"
                    + " (NaN and infinity are rejected; mark missing values with one of " + quoted(options.missingTokens()) + ")");
        }
        if (!isDecimal(s) || comma && asWritten.indexOf('.') >= 0) {
            throw new IllegalArgumentException(where(f, c) + ": expected a number (like " + (comma
                    ? "5,1, -2 or 1e-3, with the decimal mark ','; no thousands separator" : "5.1, -2 or 1e-3") + "), got '"
                    + asWritten + "'" + (!comma && isDecimal(asWritten.replace(',', '.'))
                    ? " — a decimal comma? set the decimal mark to ','" : "")
                    + (layout.kinds()[c] == CsvTable.Kind.NUMERIC ? " — if this column holds categories, declare it categorical" : ""));
        }
        float v = Float.parseFloat(s);
        if (Float.isInfinite(v)) {
            throw new IllegalArgumentException(where(f, c) + ": '" + s + "' is outside the float32 range (about ±3.4e38); expected a finite number");
        }
        return v;
    }

    private static String quoted(List<String> tokens) {
        List<String> q = new ArrayList<>();
        for (String t : tokens) q.add("'" + t + "'");
        return q.toString();
    }

    /** Plain decimal syntax: [+-] digits [. digits] [(e|E) [+-] digits], at least one digit in the mantissa. */
    static boolean isDecimal(String s) {
        int i = 0, n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int exp = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') { i++; exp++; }
            if (exp == 0) return false;
        }
        return i == n;
    }
}
