package org.nntune.nn.optim;

import java.util.List;

/**
 * The state an optimiser carries from step to step (momentum, moment estimates, accumulated
 * squares, the step count), copied out of a training run so that another run can continue exactly
 * where it stopped (a checkpoint; population-based training's exploit).
 *
 * @param kind the optimiser's name (sgd, adam, adamw, rmsprop, adagrad): state is only restored into the same kind
 * @param steps steps taken so far (Adam's bias correction needs it)
 * @param buffers the per-parameter buffers, in the updater's order, copied
 */
public record OptimizerState(String kind, int steps, List<float[]> buffers) {
    /** Keeps copies of the buffers: the caller's arrays may change afterwards. */
    public OptimizerState {
        buffers = buffers.stream().map(float[]::clone).toList();
    }

    /** @return copies of the per-parameter buffers, in the updater's order */
    @Override
    public List<float[]> buffers() {
        return buffers.stream().map(float[]::clone).toList();
    }

    /** Copies {@code from} into the live buffers {@code into}, checking kind and shapes. */
    static void copyInto(OptimizerState from, String kind, float[][] into) {
        if (!from.kind.equals(kind)) {
            throw new IllegalArgumentException("optimiser state of " + from.kind + " cannot be restored into " + kind);
        }
        if (from.buffers.size() != into.length) {
            throw new IllegalArgumentException(kind + " state has " + from.buffers.size() + " buffers, this model needs "
                    + into.length);
        }
        for (int i = 0; i < into.length; i++) {
            float[] src = from.buffers.get(i);
            if (src.length != into[i].length) {
                throw new IllegalArgumentException(kind + " state buffer " + i + " has " + src.length
                        + " values, this model's parameter has " + into[i].length);
            }
            System.arraycopy(src, 0, into[i], 0, src.length);
        }
    }

    /** @return a state of these live buffers (copied) */
    static OptimizerState of(String kind, int steps, float[][] buffers) {
        return new OptimizerState(kind, steps, List.of(buffers));
    }
}
