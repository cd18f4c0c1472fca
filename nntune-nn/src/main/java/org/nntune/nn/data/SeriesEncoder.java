package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What turns a CSV of a numeric series into a forecaster's inputs, saved beside the model: the
 * series column, the CSV separator and decimal mark, the window (inputs per row) and the horizon (values
 * forecast per row). {@link #readFeatures} reads a file to predict as the series of its column,
 * in file order, and makes one row of every window of {@code window} consecutive values, the
 * last one ending with the file's last value: that row forecasts the {@code horizon} values
 * after the file's end. {@link CsvEncoder.FeatureRows#lines} holds, per row, the file line of
 * the window's last value.
 */
public final class SeriesEncoder implements InputEncoder {
    static final String MAGIC = "nntune-series-encoder";
    /** Version 1 lacks the decimal mark ({@code .}); an encoder with the default mark is still written as version 1. */
    private static final int VERSION = 2;

    private final String column;
    private final char separator;
    private final char decimal;
    private final int window;
    private final int horizon;

    /**
     * @param column the name of the series column in the header of a file to predict
     * @param separator the CSV field separator of such a file
     * @param window ≥ 1: the consecutive values each row reads, the model's inputs
     * @param horizon ≥ 1: the values after them each row forecasts, the model's outputs
     * @throws IllegalArgumentException if window or horizon is below 1
     */
    public SeriesEncoder(String column, char separator, int window, int horizon) {
        this(column, separator, '.', window, horizon);
    }

    /**
     * As above, for a file whose numbers are written with the decimal mark {@code decimal}.
     *
     * @param decimal {@code .} or {@code ,} ({@code 14,23} is 14.23)
     * @throws IllegalArgumentException if window or horizon is below 1, or the decimal mark is another character
     */
    public SeriesEncoder(String column, char separator, char decimal, int window, int horizon) {
        SeriesWindows.count(column, window + horizon, window, horizon); // checks window, horizon >= 1
        if (decimal != '.' && decimal != ',') {
            throw new IllegalArgumentException("decimal mark must be '.' or ',', got '" + decimal + "'");
        }
        this.column = column;
        this.separator = separator;
        this.decimal = decimal;
        this.window = window;
        this.horizon = horizon;
    }

    /** @return the name of the series column a file to predict is read from */
    public String column() { return column; }
    /** @return the consecutive values a row reads: the model's inputs */
    public int window() { return window; }
    /** @return the values forecast after each window: the model's outputs */
    public int horizon() { return horizon; }

    @Override
    public CsvEncoder.FeatureRows readFeatures(Path file) {
        SeriesWindows.Column series = SeriesWindows.read(file, separator, decimal, column, true);
        float[] v = series.values();
        if (v.length < window) {
            throw new IllegalArgumentException("series '" + column + "' in " + file + " has " + v.length + " values; a forecast reads "
                    + window + " (the model's window)");
        }
        int rows = v.length - window + 1;
        float[] x = new float[rows * window];
        int[] lines = new int[rows];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(v, i, x, i * window, window);
            lines[i] = series.lines()[i + window - 1];
        }
        return new CsvEncoder.FeatureRows(file.toString(), x, rows, window, lines, "");
    }

    /** None: a forecaster is a regression. */
    @Override
    public List<String> classNames() {
        return List.of();
    }

    @Override
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(MAGIC);
        boolean point = decimal == '.';
        out.writeInt(point ? 1 : VERSION); // a model of the default mark stays readable by an nntune of version 1
        out.writeUTF(column);
        out.writeChar(separator);
        out.writeInt(window);
        out.writeInt(horizon);
        if (!point) {
            out.writeChar(decimal);
        }
        out.flush();
    }

    /**
     * Reads an encoder written by {@link #write}.
     *
     * @param in positioned at the encoder's block
     * @return the encoder
     * @throws IOException if the block is not a series encoder's, is of another version, holds a
     *     window or horizon below 1, or the stream fails
     */
    public static SeriesEncoder read(DataInputStream in) throws IOException {
        String magic = in.readUTF();
        if (!MAGIC.equals(magic)) {
            throw new IOException("not an nntune series encoder (starts with '" + magic + "')");
        }
        int version = in.readInt();
        if (version != 1 && version != VERSION) {
            throw new IOException("series encoder version " + version + " is not supported (this nntune reads versions 1 to " + VERSION + ")");
        }
        String column = in.readUTF();
        char separator = in.readChar();
        int window = in.readInt();
        int horizon = in.readInt();
        char decimal = version == 1 ? '.' : in.readChar();
        try {
            return new SeriesEncoder(column, separator, decimal, window, horizon);
        } catch (IllegalArgumentException e) {
            throw new IOException("series encoder: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesEncoder e && column.equals(e.column) && separator == e.separator && decimal == e.decimal && window == e.window
                && horizon == e.horizon;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(column, separator, decimal, window, horizon);
    }

    @Override
    public String toString() {
        return "SeriesEncoder[column=" + column + ", window=" + window + ", horizon=" + horizon + "]";
    }
}
