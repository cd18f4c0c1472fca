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

    public Param(String name, boolean decay, int... shape) {
        this.name = name;
        this.value = Tensor.zeros(shape);
        this.grad = Tensor.zeros(shape);
        this.decay = decay;
    }

    public String name() { return name; }
    public Tensor value() { return value; }
    public Tensor grad() { return grad; }
    public boolean decay() { return decay; }
    public int size() { return value.size(); }

    /** E.g. {@code Param[weight, shape [4, 16], decayed]}: its name, shape and whether regularisation applies. */
    @Override
    public String toString() {
        return "Param[" + name + ", shape " + java.util.Arrays.toString(value.shape()) + (decay ? ", decayed]" : ", not decayed]");
    }
}
