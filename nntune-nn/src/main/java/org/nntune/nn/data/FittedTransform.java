package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A preprocessing step whose parameters were learned from training data (a scaler's means, a
 * min-max range…). It is applied to every set the model sees — training, validation, test and
 * prediction inputs — and saved inside the model file, so a loaded model preprocesses exactly as
 * the trained one did. Fitting happens on training data only (inside cross-validation, on each
 * fold's training part).
 */
public interface FittedTransform {

    /** A stable identifier of the kind, written to model files, e.g. {@code "identity"}, {@code "standard"}. */
    String kind();

    /** Transforms {@code rows} rows of {@code featureCount} features at {@code x[off]} in place. */
    void transform(float[] x, int off, int rows);

    /** Number of features per row this transform expects. */
    int featureCount();

    /** A new data set with transformed features (the input set is untouched). */
    default Dataset apply(Dataset data) {
        if (data.featureCount() != featureCount()) {
            throw new IllegalArgumentException("transform '" + kind() + "' was fitted on " + featureCount()
                    + " features; data set '" + data.name() + "' has " + data.featureCount());
        }
        float[] x = data.features();
        transform(x, 0, data.size());
        return data.withFeatures(x);
    }

    /** Writes this transform's parameters (not its kind) for {@link Transforms#read}. */
    void writeParameters(DataOutputStream out) throws IOException;

    /** No preprocessing. */
    static FittedTransform identity(int featureCount) {
        return new Identity(featureCount);
    }

    /** The transform that changes nothing. */
    record Identity(int featureCount) implements FittedTransform {
        @Override
        public String kind() {
            return "identity";
        }

        @Override
        public void transform(float[] x, int off, int rows) {
            // nothing to do
        }

        @Override
        public Dataset apply(Dataset data) {
            return data;
        }

        @Override
        public void writeParameters(DataOutputStream out) throws IOException {
            out.writeInt(featureCount);
        }
    }
}
