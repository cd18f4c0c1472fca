package org.nntune.nn.loss;

import org.nntune.nn.layer.ActivationLayer;

import java.io.DataOutputStream;

/**
 * Binary cross-entropy on logits (sigmoid fused, stable): mean over all outputs of
 * max(z, 0) − z·t + log(1 + e^−|z|). Targets are float 0/1 values, or class ids 0/1 when the
 * network has a single output for a two-class set.
 */
public final class BinaryCrossEntropy implements Loss {

    BinaryCrossEntropy() {}

    @Override
    public String kind() {
        return "binary_cross_entropy";
    }

    @Override
    public boolean classification() {
        return true;
    }

    @Override
    public double compute(float[] out, int n, int k, Targets targets, float[] grad) {
        boolean labels = targets.hasLabels();
        if (labels && k != 1) {
            throw new IllegalArgumentException("binary cross-entropy on class ids needs one output, the network has " + k);
        }
        int total = n * k;
        double sum = 0;
        float inv = 1f / total;
        for (int i = 0; i < total; i++) {
            float t = labels ? checkLabel(targets.labels()[i], i) : targets.values()[i];
            float z = out[i];
            sum += Math.max(z, 0f) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
            if (grad != null) {
                grad[i] = (ActivationLayer.sigmoid(z) - t) * inv;
            }
        }
        return sum / total;
    }

    private static float checkLabel(int label, int row) {
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("binary cross-entropy needs class ids 0 or 1, batch row " + row + " has " + label);
        }
        return label;
    }

    @Override
    public void link(float[] out, int n, int k) {
        for (int i = 0; i < n * k; i++) {
            out[i] = ActivationLayer.sigmoid(out[i]);
        }
    }

    @Override
    public void writeConfig(DataOutputStream out) {
        // no configuration
    }

    @Override
    public String toString() {
        return "binary cross-entropy";
    }
}
