package org.nntune.nn.loss;

import java.io.DataOutputStream;
import java.io.IOException;

/** MSE, MAE and Huber: element-wise losses on float targets, averaged over all outputs of the batch. */
public final class RegressionLoss implements Loss {
    /** The element-wise loss. */
    public enum Kind {
        /** Squared error d², d = output − target. */
        MSE,
        /** Absolute error |d|. */
        MAE,
        /** ½d² for |d| &lt; delta, delta·(|d| − ½delta) beyond: squared near the target, linear far from it. */
        HUBER
    }

    private final Kind kind;
    private final float delta;

    RegressionLoss(Kind kind, float delta) {
        if (kind == Kind.HUBER && !(delta > 0f && Float.isFinite(delta))) {
            throw new IllegalArgumentException("Huber delta must be finite and > 0, got " + delta);
        }
        this.kind = kind;
        this.delta = kind == Kind.HUBER ? delta : 0f;
    }

    /** @return the element-wise loss */
    public Kind lossKind() { return kind; }
    /** @return Huber's delta, where the loss turns from squared to linear (finite, &gt; 0); 0 for MSE and MAE */
    public float delta() { return delta; }

    @Override
    public String kind() {
        return kind.name().toLowerCase();
    }

    @Override
    public boolean classification() {
        return false;
    }

    @Override
    public double compute(float[] out, int n, int k, Targets targets, float[] grad) {
        if (targets.hasLabels()) {
            throw new IllegalArgumentException(kind() + " needs float targets (a regression set), not class ids");
        }
        float[] t = targets.values();
        int total = n * k;
        float inv = 1f / total;
        double sum = 0;
        for (int i = 0; i < total; i++) {
            float d = out[i] - t[i];
            float a = Math.abs(d);
            float g;
            switch (kind) {
                case MSE -> {
                    sum += (double) d * d;
                    g = 2 * d;
                }
                case MAE -> {
                    sum += a;
                    g = Math.signum(d);
                }
                default -> {
                    if (a < delta) {
                        sum += 0.5 * d * d;
                        g = d;
                    } else {
                        sum += delta * (a - 0.5 * delta);
                        g = delta * Math.signum(d);
                    }
                }
            }
            if (grad != null) {
                grad[i] = g * inv;
            }
        }
        return sum / total;
    }

    @Override
    public void link(float[] out, int n, int k) {
        // regression outputs are the predictions
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeFloat(delta);
    }

    @Override
    public String toString() {
        return kind == Kind.HUBER ? "huber(" + delta + ")" : kind();
    }
}
