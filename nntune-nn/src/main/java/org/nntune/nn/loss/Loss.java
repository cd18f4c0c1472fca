package org.nntune.nn.loss;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A training loss on the network's raw outputs (logits for the classification losses). It
 * returns the batch's mean loss and writes its gradient with respect to the outputs, already
 * divided by the batch, so the backward pass needs no further scaling. Losses are immutable and
 * thread-safe.
 */
public sealed interface Loss permits SoftmaxCrossEntropy, BinaryCrossEntropy, RegressionLoss {

    /** A stable name written to model files, e.g. {@code "softmax_cross_entropy"}. */
    String kind();

    /**
     * The mean loss of {@code n} examples of {@code k} outputs at {@code out}; when {@code grad}
     * is not null, writes dLoss/dOut there (n × k).
     */
    double compute(float[] out, int n, int k, Targets targets, float[] grad);

    /**
     * Turns raw outputs into predictions in place: probabilities for the classification losses
     * (softmax, sigmoid), the outputs unchanged for regression.
     */
    void link(float[] out, int n, int k);

    /** True when the targets are class ids. */
    boolean classification();

    /** Writes the configuration (e.g. class weights) for {@link Losses#read}. */
    void writeConfig(DataOutputStream out) throws IOException;

    /** Softmax cross-entropy on class ids, unweighted. */
    static Loss softmaxCrossEntropy() {
        return new SoftmaxCrossEntropy(new float[0]);
    }

    /** Softmax cross-entropy with one weight per class (PyTorch's weighted mean). */
    static Loss softmaxCrossEntropy(float[] classWeights) {
        return new SoftmaxCrossEntropy(classWeights);
    }

    /** Binary cross-entropy on logits (sigmoid fused): one output for a two-class set, or any number of 0/1 targets. */
    static Loss binaryCrossEntropy() {
        return new BinaryCrossEntropy();
    }

    /** Mean squared error over all outputs. */
    static Loss mse() {
        return new RegressionLoss(RegressionLoss.Kind.MSE, 0f);
    }

    /** Mean absolute error over all outputs. */
    static Loss mae() {
        return new RegressionLoss(RegressionLoss.Kind.MAE, 0f);
    }

    /** Huber loss: ½d² for |d| &lt; delta, delta·(|d| − ½delta) beyond; mean over all outputs. */
    static Loss huber(double delta) {
        return new RegressionLoss(RegressionLoss.Kind.HUBER, (float) delta);
    }
}
