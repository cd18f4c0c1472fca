package org.nntune.nn.loss;

import org.nntune.nn.layer.ActivationLayer;
import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Softmax cross-entropy on integer class ids, computed from logits with log-sum-exp. With class
 * weights w, the loss is Σ w[yᵢ]·ℓᵢ / Σ w[yᵢ] (PyTorch's {@code CrossEntropyLoss(weight=…)}).
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final Kernels kernels = KernelProvider.get();
    private final float[] weights;

    SoftmaxCrossEntropy(float[] classWeights) {
        for (int c = 0; c < classWeights.length; c++) {
            if (!(classWeights[c] >= 0f) || Float.isInfinite(classWeights[c])) {
                throw new IllegalArgumentException("class weight " + c + " must be finite and >= 0, got " + classWeights[c]);
            }
        }
        this.weights = classWeights.clone();
    }

    /** The class weights (a copy), empty when unweighted. */
    public float[] classWeights() {
        return weights.clone();
    }

    @Override
    public String kind() {
        return "softmax_cross_entropy";
    }

    @Override
    public boolean classification() {
        return true;
    }

    @Override
    public double compute(float[] out, int n, int k, Targets targets, float[] grad) {
        if (weights.length > 0 && weights.length != k) {
            throw new IllegalArgumentException(weights.length + " class weights for " + k + " outputs");
        }
        int[] y = targets.labels();
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= k) {
                throw new IllegalArgumentException("label " + y[i] + " of batch row " + i + " is outside [0, " + k + ")");
            }
        }
        if (weights.length == 0 && grad != null && n > 0) {
            // training without class weights: softmax, loss and gradient in the fused kernel's one pass per row
            return kernels.softmaxCrossEntropy(out, 0, n, k, y, 0, grad, 0);
        }
        double total = 0;
        double weightSum = 0;
        for (int i = 0; i < n; i++) {
            int o = i * k;
            int label = y[i];
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, out[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(out[o + j] - max);
            }
            double lse = max + Math.log(sum);
            double w = weights.length > 0 ? weights[label] : 1.0;
            total += w * (lse - out[o + label]);
            weightSum += w;
        }
        if (grad != null) {
            double scale = weightSum > 0 ? 1 / weightSum : 0;
            ActivationLayer.softmaxRows(out, grad, n, k);
            for (int i = 0; i < n; i++) {
                int o = i * k;
                float w = (float) ((weights.length > 0 ? weights[y[i]] : 1.0) * scale);
                grad[o + y[i]] -= 1f;
                for (int j = 0; j < k; j++) {
                    grad[o + j] *= w;
                }
            }
        }
        return weightSum > 0 ? total / weightSum : 0;
    }

    @Override
    public void link(float[] out, int n, int k) {
        ActivationLayer.softmaxRows(out, out, n, k);
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeInt(weights.length);
        for (float w : weights) {
            out.writeFloat(w);
        }
    }

    @Override
    public String toString() {
        return weights.length == 0 ? "softmax cross-entropy" : "softmax cross-entropy, class weights " + Arrays.toString(weights);
    }
}
