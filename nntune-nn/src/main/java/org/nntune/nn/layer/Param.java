package org.nntune.nn.layer;

import org.nntune.nn.tensor.Tensor;

/**
 * A trainable parameter: its value and the gradient the last backward pass wrote. {@code decay}
 * says whether weight regularisation (L1, L2, AdamW's decay) applies — true for weights and
 * kernels, false for biases and normalisation parameters.
 */
public final class Param {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean decay;

    /**
     * A parameter of {@code shape}, value and gradient zero until the layer initialises it.
     *
     * @param name its name within its layer, written to model files and checked when one is read
     *     (e.g. {@code "weight"}, {@code "bias"}, {@code "weight_ih_l0"})
     * @param decay whether weight regularisation applies to it
     * @param shape its dimensions, row-major
     */
    public Param(String name, boolean decay, int... shape) {
        this.name = name;
        this.value = Tensor.zeros(shape);
        this.grad = Tensor.zeros(shape);
        this.decay = decay;
    }

    /** @return the name within its layer, e.g. {@code "weight"} */
    public String name() { return name; }
    /** @return the values, updated in place by the optimiser */
    public Tensor value() { return value; }
    /** @return the gradient of the loss the last backward pass wrote, of the value's shape */
    public Tensor grad() { return grad; }
    /** @return whether weight regularisation (L1, L2, AdamW's decay) applies: true for weights and kernels */
    public boolean decay() { return decay; }
    /** @return the number of values */
    public int size() { return value.size(); }

    /** E.g. {@code Param[weight, shape [4, 16], decayed]}: its name, shape and whether regularisation applies. */
    @Override
    public String toString() {
        return "Param[" + name + ", shape " + java.util.Arrays.toString(value.shape()) + (decay ? ", decayed]" : ", not decayed]");
    }
}
