package org.nntune.nn.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What turns a raw input file into a model's features, learned from the training rows and saved
 * beside the model: a {@link CsvEncoder} (numeric and categorical columns) or a
 * {@link TextEncoder} (a text column into token ids) or a {@link SeriesEncoder} (a numeric series
 * into forecasting windows). {@link #read} tells them apart by the name each writes first.
 */
public sealed interface InputEncoder permits CsvEncoder, TextEncoder, SeriesEncoder {

    /** The features of every row of a raw file to predict (a label column, if present, is ignored). */
    CsvEncoder.FeatureRows readFeatures(Path file);

    /** The class names, in class-id order (classification). */
    List<String> classNames();

    /** Writes the encoder, its kind first. */
    void write(DataOutputStream out) throws IOException;

    /** Reads an encoder written by {@link #write}, of any kind. */
    static InputEncoder read(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(1 << 10);
        String magic = new DataInputStream(in).readUTF();
        in.reset();
        DataInputStream data = new DataInputStream(in);
        return switch (magic) {
            case TextEncoder.MAGIC -> TextEncoder.read(data);
            case SeriesEncoder.MAGIC -> SeriesEncoder.read(data);
            default -> CsvEncoder.read(data); // its own check names a file that is neither
        };
    }
}
