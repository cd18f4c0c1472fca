package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Fitted transforms applied one after the other (each keeps the feature count). */
public record Pipeline(List<FittedTransform> steps) implements FittedTransform {
    /** What {@link #kind()} returns: the name model files store this transform under. */
    public static final String KIND = "pipeline";

    /**
     * Keeps an unmodifiable copy of the steps.
     *
     * @throws IllegalArgumentException if there is no step or the steps disagree on the feature count
     */
    public Pipeline {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one step");
        }
        int n = steps.get(0).featureCount();
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).featureCount() != n) {
                throw new IllegalArgumentException("pipeline step " + i + " ('" + steps.get(i).kind() + "') expects "
                        + steps.get(i).featureCount() + " features; step 0 ('" + steps.get(0).kind() + "') has " + n);
            }
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void transform(float[] x, int off, int rows) {
        for (FittedTransform t : steps) {
            t.transform(x, off, rows);
        }
    }

    @Override
    public int featureCount() {
        return steps.get(0).featureCount();
    }

    @Override
    public void writeParameters(DataOutputStream out) throws IOException {
        out.writeInt(steps.size());
        for (FittedTransform t : steps) {
            Transforms.write(t, out);
        }
    }

    static Pipeline read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n <= 0 || n > 1000) {
            throw new IOException("damaged pipeline parameters: " + n + " steps");
        }
        List<FittedTransform> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            steps.add(Transforms.read(in));
        }
        return new Pipeline(steps);
    }
}
