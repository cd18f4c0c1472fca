package org.nntune.nn.layer;

import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;
import org.nntune.nn.tensor.Rng;
import org.nntune.nn.tensor.Tensor;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * One step of a network: it maps a batch of examples of {@link #inputShape()} to a batch of
 * {@link #outputShape()} (shapes per example, without the batch dimension; images are
 * channels × height × width) and back-propagates gradients.
 *
 * <p>A layer holds its parameters and, for batch normalisation, its running statistics, but no
 * per-batch scratch: what a forward pass must keep for the backward pass lives in a {@link Cache}
 * the caller creates with {@link #newCache(int)} and reuses for every batch of that size. So
 * evaluation passes on a trained layer may run from several threads at once, each with its own
 * caches, and the training loop allocates nothing per batch.
 *
 * <p>Batches are float arrays of {@code n × size} values, example after example, row-major.
 */
public abstract class Layer {
    /** Per-batch scratch a layer keeps between its forward and backward pass. */
    public interface Cache {}

    /** The cache of layers that need none. */
    protected static final Cache NO_CACHE = new Cache() {};

    final Kernels kernels = KernelProvider.get();
    private int[] inputShape;
    private int[] outputShape;

    /**
     * Fixes the input shape, allocates the parameters and returns the output shape. Called once,
     * by the network that owns the layer.
     */
    public final int[] build(int[] inputShape) {
        if (this.inputShape != null) {
            throw new IllegalStateException(kind() + " layer is already built for input " + Arrays.toString(this.inputShape));
        }
        int[] out = configure(inputShape.clone());
        this.inputShape = inputShape.clone();
        this.outputShape = out.clone();
        return out;
    }

    /** Checks the input shape, allocates parameters, returns the output shape. */
    protected abstract int[] configure(int[] inputShape);

    /** A stable name of the layer type, written to model files, e.g. {@code "dense"}. */
    public abstract String kind();

    /** Writes the layer's configuration (not its weights) for {@link Layers#read}. */
    public abstract void writeConfig(DataOutputStream out) throws IOException;

    /** The configuration in words, for summaries, e.g. {@code "3x3, stride 1, padding 1"}. */
    public String describe() {
        return "";
    }

    /** Trainable parameters, in a fixed order. */
    public List<Param> params() {
        return List.of();
    }

    /** Non-trainable state saved with the model (running statistics), in a fixed order. */
    public List<Tensor> buffers() {
        return List.of();
    }

    /** Fills the parameters with their initial values. */
    public void initialize(Rng rng) {}

    /** Scratch for batches of {@code batch} examples. */
    public Cache newCache(int batch) {
        return NO_CACHE;
    }

    /** Computes {@code y} (n × outputSize) from {@code x} (n × inputSize). */
    public abstract void forward(float[] x, float[] y, int n, Cache cache, Pass pass);

    /**
     * Back-propagates {@code dy} (the loss gradient for y): writes the parameter gradients
     * (overwriting them) and, when {@code dx != null}, the gradient for x. x, y and the cache are
     * those of the matching forward pass.
     */
    public abstract void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache);

    /**
     * @return the shape of one input example, without the batch dimension (a copy)
     * @throws IllegalStateException if the layer is not built yet
     */
    public final int[] inputShape() {
        requireBuilt();
        return inputShape.clone();
    }

    /**
     * @return the shape of one output example, without the batch dimension (a copy)
     * @throws IllegalStateException if the layer is not built yet
     */
    public final int[] outputShape() {
        requireBuilt();
        return outputShape.clone();
    }

    /**
     * @return the values per input example: the product of {@link #inputShape()}
     * @throws IllegalStateException if the layer is not built yet
     */
    public final int inputSize() {
        requireBuilt();
        return Tensor.size(inputShape);
    }

    /**
     * @return the values per output example: the product of {@link #outputShape()}
     * @throws IllegalStateException if the layer is not built yet
     */
    public final int outputSize() {
        requireBuilt();
        return Tensor.size(outputShape);
    }

    /** Number of trainable values. */
    public final long parameterCount() {
        long c = 0;
        for (Param p : params()) {
            c += p.size();
        }
        return c;
    }

    private void requireBuilt() {
        if (inputShape == null) {
            throw new IllegalStateException(kind() + " layer is not built yet");
        }
    }

    /** The image shape [C, H, W] this layer needs, or an error naming the layer. */
    static int[] requireImage(String kind, int[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException(kind + " needs an image input [channels, height, width], got "
                    + Arrays.toString(in) + "; declare the input as input(channels, height, width)");
        }
        return in;
    }

    static void checkPositive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }
}
