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
                    + " test windows; both need at least one");
        }
        return new Split(train.stream().mapToInt(Integer::intValue).toArray(), test.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The numeric column {@code column} of a CSV file with a header, in file order. */
    public static float[] readColumn(Path file, char separator, String column) {
        return read(file, separator, column).values();
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
        String source = file.toString();
        CsvParser p = new CsvParser(source, SourceBytes.decodeText(source, SourceBytes.readAll(file)), separator, '"');
        List<CsvParser.Field> rec = CsvParser.newRecord();
        if (!p.next(rec)) {
            throw new IllegalArgumentException("file " + source + " is empty; expected a header line naming the columns");
        }
        List<String> names = rec.stream().map(CsvParser.Field::text).toList();
        CsvReader.checkUniqueNames(source, names);
        int c = names.indexOf(column);
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
            float f = RowReader.isDecimal(v) ? Float.parseFloat(v) : Float.NaN;
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(source + " line " + line + ", column '" + column + "': '" + v
                        + "' is not a " + (RowReader.isDecimal(v) ? "float32 number (about ±3.4e38 at most)" : "number")
                        + "; a series column holds one number per row");
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
}
