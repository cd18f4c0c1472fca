package org.nntune.nn.optim;

import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;
import org.nntune.nn.layer.Param;

import java.util.List;

/**
 * L1 and L2 penalties on the decaying parameters (weights and kernels, not biases) and gradient
 * clipping by global norm, applied between the backward pass and the optimiser step.
 *
 * <p>Conventions: the L2 penalty is {@code ½·l2·Σw²}, so it adds {@code l2·w} to the gradient —
 * PyTorch's {@code weight_decay}; the L1 penalty is {@code l1·Σ|w|}, adding {@code l1·sign(w)}.
 * Clipping scales every gradient by {@code maxNorm / (‖g‖ + 1e-6)} when that is below 1,
 * as {@code torch.nn.utils.clip_grad_norm_}.
 */
public record Regularization(float l1, float l2, float clipNorm) {

    /** No penalty, no clipping. */
    public static final Regularization NONE = new Regularization(0f, 0f, 0f);

    /** {@code l1, l2 ≥ 0}; {@code clipNorm > 0} clips, 0 does not. */
    public Regularization {
        check("l1", l1);
        check("l2", l2);
        check("gradient clip norm", clipNorm);
    }

    private static void check(String what, float v) {
        if (!(v >= 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
        }
    }

    /** Adds the penalties' gradients to the parameters' gradients; returns the penalty's value. */
    public double applyPenalty(List<Param> params) {
        Kernels k = KernelProvider.get();
        if (l1 == 0f && l2 == 0f) {
            return 0;
        }
        double penalty = 0;
        for (int pi = 0; pi < params.size(); pi++) { // indexed loops here: no iterator per batch
            Param p = params.get(pi);
            if (!p.decay()) {
                continue;
            }
            float[] w = p.value().data();
            float[] g = p.grad().data();
            if (l2 != 0f) {
                penalty += 0.5 * l2 * k.sumSquares(w, 0, w.length);
                k.axpy(w.length, l2, w, 0, g, 0);
            }
            if (l1 != 0f) {
                double abs = 0;
                for (int i = 0; i < w.length; i++) {
                    abs += Math.abs(w[i]);
                    g[i] += l1 * Math.signum(w[i]);
                }
                penalty += l1 * abs;
            }
        }
        return penalty;
    }

    /** Clips the gradients by their global norm when clipping is on; returns the norm before clipping. */
    public double clip(List<Param> params) {
        Kernels k = KernelProvider.get();
        if (clipNorm == 0f) {
            return Double.NaN;
        }
        double sq = 0;
        for (int i = 0; i < params.size(); i++) {
            sq += k.sumSquares(params.get(i).grad().data(), 0, params.get(i).size());
        }
        double norm = Math.sqrt(sq);
        double coef = clipNorm / (norm + 1e-6);
        if (coef < 1) {
            for (int i = 0; i < params.size(); i++) {
                k.scale(params.get(i).size(), (float) coef, params.get(i).grad().data(), 0);
            }
        }
        return norm;
    }
}
