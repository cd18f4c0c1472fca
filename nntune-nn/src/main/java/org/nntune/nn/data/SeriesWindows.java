package org.nntune.nn.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Forecasting windows over a numeric series: window i has the inputs
 * {@code series[i .. i + window)} (shape {@code [window, 1]}: one feature per time step, for a
 * recurrent layer) and the targets {@code series[i + window .. i + window + horizon)}, a
 * regression set of {@code horizon} values per row.
 *
 * <p>{@link #timeOrderSplit} splits in time order, never shuffled across the cut: the test
 * windows' targets all come after the training windows' targets, and no training window's target
 * reaches into the test part.
 *
 * <p>The windows are marked as in time order ({@link Dataset#timeOrdered}, gap {@code horizon − 1}):
 * a validation fraction of {@code fit} holds out their last rows, not random ones.
 */
public final class SeriesWindows {
    private SeriesWindows() {}

    /** Number of windows a series of {@code length} values gives; an error when not even one fits. */
    public static int count(String name, int length, int window, int horizon) {
        if (window < 1 || horizon < 1) {
            throw new IllegalArgumentException("window and horizon must be >= 1, got window " + window + ", horizon " + horizon);
        }
        int n = length - window - horizon + 1;
        if (n < 1) {
            throw new IllegalArgumentException("series '" + name + "' has " + length + " values; one window of " + window
                    + " inputs and " + horizon + " targets needs at least " + (window + horizon));
        }
        return n;
    }

    /** What a forecaster of the windows learns. */
    public enum Target {
        /** The values to forecast themselves. */
        LEVEL,
        /**
         * Each value's change from the window's last value, {@code y[t + h] − y[t]}: the model adds
         * the last value back to its forecasts ({@link Dataset#changeTarget}), so a trend or a
         * random walk, whose later values lie outside the training values' range, is learnable.
         */
        CHANGE
    }

    /**
     * The windows over {@code series} as a regression set, in time order (gap {@code horizon − 1}),
     * whose targets are the values to forecast ({@link Target#LEVEL}).
     */
    public static Dataset windows(String name, float[] series, int window, int horizon) {
        return windows(name, series, window, horizon, Target.LEVEL);
    }

    /**
     * The windows over {@code series} as a regression set, in time order (gap {@code horizon − 1}).
     * Its targets are always the values to forecast; with {@link Target#CHANGE} the set is marked
     * for a model that learns their change from each window's last value ({@link Dataset#changeTarget}).
     */
    public static Dataset windows(String name, float[] series, int window, int horizon, Target target) {
        int n = count(name, series.length, window, horizon);
        float[] x = new float[n * window];
        float[] y = new float[n * horizon];
        for (int i = 0; i < n; i++) {
            System.arraycopy(series, i, x, i * window, window);
            System.arraycopy(series, i + window, y, i * horizon, horizon);
        }
        return Dataset.regression(name, x, new int[] {window, 1}, y, horizon, List.of()).inTimeOrder(horizon - 1)
                .withChangeTarget(target == Target.CHANGE);
    }

    /**
     * A time-order split of the windows of a series of {@code length} values: the last
     * {@code testFraction} of the series' target steps are the test part; training windows are
     * those whose targets end before it, test windows those whose targets lie in it.
     */
    public static Split timeOrderSplit(int length, int window, int horizon, double testFraction) {
        int n = count("series", length, window, horizon);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        int targetSteps = length - window;
        int cut = length - (int) Math.round(targetSteps * testFraction); // first series index of the test part
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i + window + horizon <= cut) {
                train.add(i);
            } else if (i + window >= cut) {
                test.add(i);
            }
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("a series of " + length + " values with window " + window + ", horizon " + horizon
                    + " and test fraction " + testFraction + " leaves " + train.size() + " training and " + test.size()
                    + " test windows; both need at least one: " + remedy(length, window, horizon, length - cut, test.isEmpty()));
        }
        return new Split(train.stream().mapToInt(Integer::intValue).toArray(), test.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * What makes a split of {@code testSteps} test target steps hold a window on each side: a test window
     * needs {@code horizon} target steps in the test part, a training window {@code window + horizon}
     * values before it. The fractions are rounded to two decimals towards what works.
     */
    private static String remedy(int length, int window, int horizon, int testSteps, boolean noTest) {
        int targetSteps = length - window;
        int largestHorizon = Math.min(testSteps, length - testSteps - window);
        String shorter = largestHorizon >= 1 ? "a horizon of at most " + largestHorizon + ", or " : "";
        if (noTest) {
            double least = Math.ceil(100.0 * horizon / targetSteps) / 100;
            return "the test part holds " + testSteps + " target step" + (testSteps == 1 ? "" : "s") + " (test fraction × (values − window))"
                    + " and a test window needs " + horizon + "; give " + shorter + (least < 1 && horizon <= targetSteps - horizon
                    ? String.format(java.util.Locale.ROOT, "a test fraction of at least %.2f", least) : "a longer series");
        }
        double most = Math.floor(100.0 * (targetSteps - horizon) / targetSteps) / 100;
        return "a training window needs " + (window + horizon) + " values (window + horizon) before the test part, which starts at value "
                + (length - testSteps + 1) + "; give " + shorter + (most > 0 && Math.round(targetSteps * most) >= horizon
                ? String.format(java.util.Locale.ROOT, "a test fraction of at most %.2f", most) : "a longer series or a shorter window");
    }

    /** The numeric column {@code column} of a CSV file with a header, in file order. */
    public static float[] readColumn(Path file, char separator, String column) {
        return read(file, separator, column).values();
    }

    /** As {@link #readColumn(Path, char, String)}, its numbers written with the decimal mark {@code decimal} ({@code .} or {@code ,}). */
    public static float[] readColumn(Path file, char separator, char decimal, String column) {
        return read(file, separator, decimal, column).values();
    }

    /** A series read from a CSV column: its values in file order and the file line of each. */
    public record Column(float[] values, int[] lines) {}

    /**
     * The numeric column {@code column} of a CSV file with a header, in file order, with the line
     * of each value; every row must hold a finite number there and as many fields as the header
     * (an unquoted separator would shift the columns), whose names are unique. Blank lines are allowed only at the
     * end of the file (as in every reader of rows): a blank line between rows is a gap in the series,
     * refused with its line.
     */
    public static Column read(Path file, char separator, String column) {
        return read(file, separator, '.', column);
    }

    /**
     * As {@link #read(Path, char, String)}, the numbers written with the decimal mark {@code decimal}:
     * with {@code ,} a value is {@code 14,23} (a point as well would be a thousands separator, which
     * is not read). A header of one field that another separator would split, or that is a number
     * (a file without a header), is refused saying so.
     *
     * @throws IllegalArgumentException if decimal is neither {@code .} nor {@code ,}, or as above
     */
    public static Column read(Path file, char separator, char decimal, String column) {
        return read(file, separator, decimal, column, false);
    }

    /**
     * As above; {@code forModel} for a file read for a model trained on another: then a header that
     * looks separated by another character says which separator the training file had.
     */
    static Column read(Path file, char separator, char decimal, String column, boolean forModel) {
        if (decimal != '.' && decimal != ',') {
            throw new IllegalArgumentException("decimal mark must be '.' or ',', got '" + decimal + "'");
        }
        String source = file.toString();
        CsvParser p = new CsvParser(source, SourceBytes.decodeText(source, SourceBytes.readAll(file)), separator, '"');
        List<CsvParser.Field> rec = CsvParser.newRecord();
        if (!p.next(rec)) {
            throw new IllegalArgumentException("file " + source + " is empty; expected a header line naming the columns");
        }
        List<String> names = rec.stream().map(CsvParser.Field::text).toList();
        CsvReader.checkUniqueNames(source, names);
        int c = names.indexOf(column);
        if (c < 0 && names.size() == 1) {
            headerOfOneField(source, separator, decimal, column, names.get(0), forModel);
        }
        if (c < 0) {
            throw new UnknownColumnException(source + ": no series column '" + column + "'; the header has " + String.join(", ", names),
                    source, UnknownColumnException.Role.SERIES, column, names);
        }
        float[] values = new float[64];
        int[] lines = new int[64];
        int n = 0;
        int blankLine = 0;
        while (true) {
            int line = p.line();
            if (!p.next(rec)) {
                break;
            }
            if (CsvParser.isBlank(rec)) {
                if (blankLine == 0) {
                    blankLine = line;
                }
                continue;
            }
            if (blankLine != 0) {
                throw CsvReader.blankLineBetweenRows(source, blankLine, names.size());
            }
            if (rec.size() != names.size()) {
                // an unquoted separator inside a field (Jan 11, 2012) shifts the columns: the value would be read from the wrong one
                throw new IllegalArgumentException(source + " line " + line + ": " + rec.size() + " fields, the header has "
                        + names.size() + " (" + String.join(", ", names) + ")");
            }
            String v = rec.get(c).text().trim();
            float f = number(v, decimal);
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(source + " line " + line + ", column '" + column + "': '" + v
                        + "' is not a " + (RowReader.isDecimal(pointForm(v, decimal)) ? "float32 number (about ±3.4e38 at most)" : "number")
                        + "; a series column holds one number per row" + (decimal == ',' ? ", written with the decimal mark ','"
                        : RowReader.isDecimal(v.replace(',', '.')) ? " — a decimal comma? set the decimal mark to ','" : ""));
            }
            if (n == values.length) {
                values = java.util.Arrays.copyOf(values, 2 * n);
                lines = java.util.Arrays.copyOf(lines, 2 * n);
            }
            values[n] = f;
            lines[n++] = line;
        }
        return new Column(java.util.Arrays.copyOf(values, n), java.util.Arrays.copyOf(lines, n));
    }

    /**
     * A header of one field without the series column: a number is a file without a header (as
     * {@code numpy.savetxt} writes one); a field that another separator splits is a file written with
     * that separator.
     */
    private static void headerOfOneField(String source, char separator, char decimal, String column, String field, boolean forModel) {
        if (RowReader.isDecimal(field.trim()) || Float.isFinite(number(field.trim(), decimal))) {
            throw new IllegalArgumentException(source + " line 1 is a number (" + field.trim() + "), not a header: add a header line"
                    + " naming the column ('" + column + "') above the values");
        }
        for (char sep : new char[] {',', ';', '\t', '|'}) {
            if (sep != separator && field.indexOf(sep) >= 0) {
                String found = source + " line 1: the header is one column, '" + field + "'; its fields look separated by "
                        + CsvEncoder.separatorName(sep);
                throw new IllegalArgumentException(!forModel
                        ? found + ", not by " + CsvEncoder.separatorName(separator) + " — is the separator right?"
                        : found + ", but the training file's were separated by " + CsvEncoder.separatorName(separator) + "; write the file with "
                                + CsvEncoder.separatorName(separator));
            }
        }
    }

    /** {@code v} as a number written with the decimal mark {@code decimal}; NaN when it is none. */
    private static float number(String v, char decimal) {
        String s = pointForm(v, decimal);
        return RowReader.isDecimal(s) ? Float.parseFloat(s) : Float.NaN;
    }

    /** {@code v} written with a decimal point; empty when it cannot be, a number with a decimal comma and a point. */
    private static String pointForm(String v, char decimal) {
        // with a decimal comma, "14,23" is 14.23; a point as well would be a thousands separator (1.065,5), which is not read
        return decimal == ',' ? (v.indexOf('.') >= 0 ? "" : v.replace(',', '.')) : v;
    }
}
