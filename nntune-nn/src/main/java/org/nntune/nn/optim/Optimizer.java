package org.nntune.nn.optim;

import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;
import org.nntune.nn.layer.Param;

import java.util.List;
import java.util.Map;

/**
 * An optimiser's description: its kind and hyperparameters, immutable. {@link #newUpdater} makes
 * the stateful part (moment estimates…) for one training run, so one description can train many
 * models. The update rules follow PyTorch's ({@code torch.optim}) exactly, so the same
 * hyperparameters mean the same thing.
 */
public sealed interface Optimizer permits Optimizer.Sgd, Optimizer.Adam, Optimizer.AdamW, Optimizer.RmsProp, Optimizer.Adagrad, Hypergradient {

    /** The base learning rate (a schedule may change it during training). */
    float learningRate();

    /** Fresh optimiser state for these parameters. */
    Updater newUpdater(List<Param> params);

    /**
     * Fresh optimiser state for these parameters, {@code layerOf[p]} being the index of the layer
     * parameter {@code p} belongs to (an optimiser with a rate per layer groups them by it; the
     * others ignore it).
     */
    default Updater newUpdater(List<Param> params, int[] layerOf) {
        return newUpdater(params);
    }

    /** The hyperparameters by name, for provenance and logs. */
    Map<String, String> hyperparameters();

    /** Applies one update to the parameters from their current gradients. */
    interface Updater {
        /** One step with learning rate {@code lr}. */
        void step(float lr);

        /**
         * @return a copy of the state this updater carries between steps
         * @throws UnsupportedOperationException if this updater cannot be checkpointed (the default)
         */
        default OptimizerState state() {
            throw new UnsupportedOperationException(getClass().getName() + " cannot save its state");
        }

        /**
         * Continues from a state {@link #state()} returned (of the same optimiser kind and parameter shapes).
         *
         * @throws IllegalArgumentException if the kind or the shapes differ
         * @throws UnsupportedOperationException if this updater cannot be checkpointed (the default)
         */
        default void restore(OptimizerState state) {
            throw new UnsupportedOperationException(getClass().getName() + " cannot restore a state");
        }

        /**
         * The learning rates the last step used, by name ({@code "lr"} for one global rate,
         * {@code "lr_layer<i>"} per layer), when this updater adapts them; empty when it uses the
         * rate it is given (the default).
         */
        default Map<String, Double> adaptedRates() {
            return Map.of();
        }
    }

    /** Plain SGD. */
    static Optimizer sgd(double learningRate) {
        return new Sgd(rate(learningRate), 0f, false);
    }

    /** SGD with momentum, optionally Nesterov's. */
    static Optimizer sgd(double learningRate, double momentum, boolean nesterov) {
        return new Sgd(rate(learningRate), (float) momentum, nesterov);
    }

    /** Adam with β = (0.9, 0.999), ε = 1e-8. */
    static Optimizer adam(double learningRate) {
        return new Adam(rate(learningRate), 0.9f, 0.999f, 1e-8f);
    }

    /** AdamW (decoupled weight decay on the decaying parameters) with β = (0.9, 0.999), ε = 1e-8. */
    static Optimizer adamW(double learningRate, double weightDecay) {
        return new AdamW(rate(learningRate), 0.9f, 0.999f, 1e-8f, (float) weightDecay);
    }

    /** RMSprop with PyTorch's defaults: α (ρ) = 0.99, ε = 1e-8. */
    static Optimizer rmsProp(double learningRate) {
        return new RmsProp(rate(learningRate), 0.99f, 1e-8f);
    }

    /** Adagrad with ε = 1e-10. */
    static Optimizer adagrad(double learningRate) {
        return new Adagrad(rate(learningRate), 1e-10f);
    }

    /**
     * Hypergradient descent (Baydin et al. 2018) on the learning rate of {@code base} (SGD, with
     * or without momentum or Nesterov, or Adam) by the paper's additive rule: one global rate, or
     * one per layer.
     *
     * @param hyperLearningRate β, the step of the rate's own gradient descent: finite and > 0
     */
    static Optimizer hypergradient(Optimizer base, double hyperLearningRate, boolean perLayer) {
        return new Hypergradient(base, hyperLearningRate, perLayer);
    }

    /**
     * A rate given in double as the float32 the optimisers keep: one that float32 cannot hold (below
     * its smallest positive value, or above its largest) is refused with the value given, not with
     * the 0 or ∞ it would become.
     */
    private static float rate(double lr) {
        float f = (float) lr;
        if (lr > 0 && Double.isFinite(lr) && (f == 0f || Float.isInfinite(f))) {
            throw new IllegalArgumentException("learning rate must be finite and > 0 in float32, got " + lr + ", which is "
                    + f + " in float32 (positive float32 values run from " + Float.MIN_VALUE + " to " + Float.MAX_VALUE + ")");
        }
        return f;
    }

    private static void checkRate(float lr) {
        if (!(lr > 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
        }
    }

    private static void checkUnit(String what, float v) {
        if (!(v >= 0f && v < 1f)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + v);
        }
    }

    private static void checkEps(float eps) {
        if (!(eps > 0f)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + eps);
        }
    }

    /** Momentum buffers (or any per-parameter state) shaped like the parameters. */
    static float[][] zerosLike(List<Param> params) {
        float[][] s = new float[params.size()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = new float[params.get(i).size()];
        }
        return s;
    }

    /**
     * RMSprop's and Adagrad's step: {@code s = keep·s + add·g²}, {@code w −= lr·g / (√s + ε)}.
     * Values that land in the subnormal range ({@code |x| < Float.MIN_NORMAL}) are stored as
     * zero, in {@code s} and in {@code w}: with an L2 term, the weights of an always-black pixel
     * shrink geometrically into that range (16,813 of the 100,352 first-layer weights of a
     * 784-128-10 Fashion-MNIST MLP after two epochs of RMSprop with L2 1e-4), and every product
     * that reads a subnormal takes x86's slow microcode path: that training ran 5× slower than
     * with Adam. A weight below 1.2e-38 changes no output.
     */
    private static Updater squareScaled(String kind, List<Param> params, float keep, float add, float eps) {
        float[][] s = zerosLike(params);
        return new Updater() {
            private int steps;

            @Override
            public void step(float lr) {
                steps++;
                for (int p = 0; p < s.length; p++) {
                    float[] w = params.get(p).value().data();
                    float[] g = params.get(p).grad().data();
                    float[] sq = s[p];
                    for (int i = 0; i < w.length; i++) {
                        sq[i] = Kernels.flushSubnormal(keep * sq[i] + add * g[i] * g[i]);
                        w[i] = Kernels.flushSubnormal(w[i] - lr * g[i] / ((float) Math.sqrt(sq[i]) + eps));
                    }
                }
            }

            @Override
            public OptimizerState state() {
                return OptimizerState.of(kind, steps, s);
            }

            @Override
            public void restore(OptimizerState state) {
                OptimizerState.copyInto(state, kind, s);
                steps = state.steps();
            }
        };
    }

    /**
     * SGD: {@code v = μ·v + g} (v = g at the first step), then {@code w −= lr·v}, or with Nesterov
     * {@code w −= lr·(g + μ·v)}.
     */
    record Sgd(float learningRate, float momentum, boolean nesterov) implements Optimizer {
        /**
         * @throws IllegalArgumentException if the learning rate is not finite and &gt; 0, the momentum is
         *     outside [0, 1), or Nesterov is asked without momentum
         */
        public Sgd {
            checkRate(learningRate);
            checkUnit("momentum", momentum);
            if (nesterov && momentum == 0f) {
                throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
            }
        }

        @Override
        public Updater newUpdater(List<Param> params) {
            float[][] v = zerosLike(params);
            Kernels kernels = KernelProvider.get();
            return new Updater() {
                private int steps;

                @Override
                public OptimizerState state() {
                    return OptimizerState.of("sgd", steps, v);
                }

                @Override
                public void restore(OptimizerState state) {
                    OptimizerState.copyInto(state, "sgd", v);
                    steps = state.steps();
                }

                @Override
                public void step(float lr) {
                    steps++;
                    for (int p = 0; p < v.length; p++) {
                        float[] w = params.get(p).value().data();
                        float[] g = params.get(p).grad().data();
                        float[] b = v[p];
                        // the velocity starts at zero, so the first step's μ·0 + g is g, as in PyTorch
                        kernels.sgdUpdate(w, 0, g, 0, b, 0, w.length, lr, momentum, 0f, nesterov);
                    }
                }
            };
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("optimizer", "sgd", "lr", Float.toString(learningRate), "momentum", Float.toString(momentum),
                    "nesterov", Boolean.toString(nesterov));
        }
    }

    /** Adam (Kingma and Ba 2015) with bias correction: {@code w −= lr·m̂ / (√v̂ + ε)}. */
    record Adam(float learningRate, float beta1, float beta2, float eps) implements Optimizer {
        /**
         * @throws IllegalArgumentException if the learning rate is not finite and &gt; 0, beta1 or beta2 is
         *     outside [0, 1), or eps is not &gt; 0
         */
        public Adam {
            checkRate(learningRate);
            checkUnit("beta1", beta1);
            checkUnit("beta2", beta2);
            checkEps(eps);
        }

        @Override
        public Updater newUpdater(List<Param> params) {
            return new AdamUpdater("adam", params, beta1, beta2, eps, 0f);
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("optimizer", "adam", "lr", Float.toString(learningRate), "beta1", Float.toString(beta1),
                    "beta2", Float.toString(beta2), "eps", Float.toString(eps));
        }
    }

    /**
     * AdamW (Loshchilov and Hutter 2019): {@code w −= lr·λ·w} on the decaying parameters (weights,
     * not biases), then the Adam step.
     */
    record AdamW(float learningRate, float beta1, float beta2, float eps, float weightDecay) implements Optimizer {
        /**
         * @throws IllegalArgumentException if the learning rate is not finite and &gt; 0, beta1 or beta2 is
         *     outside [0, 1), eps is not &gt; 0, or the weight decay is not finite and ≥ 0
         */
        public AdamW {
            checkRate(learningRate);
            checkUnit("beta1", beta1);
            checkUnit("beta2", beta2);
            checkEps(eps);
            if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
            }
        }

        @Override
        public Updater newUpdater(List<Param> params) {
            return new AdamUpdater("adamw", params, beta1, beta2, eps, weightDecay);
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("optimizer", "adamw", "lr", Float.toString(learningRate), "beta1", Float.toString(beta1),
                    "beta2", Float.toString(beta2), "eps", Float.toString(eps), "weight_decay", Float.toString(weightDecay));
        }
    }

    /** RMSprop: {@code s = ρ·s + (1 − ρ)·g²}, {@code w −= lr·g / (√s + ε)}. */
    record RmsProp(float learningRate, float rho, float eps) implements Optimizer {
        /**
         * @throws IllegalArgumentException if the learning rate is not finite and &gt; 0, rho is outside
         *     [0, 1), or eps is not &gt; 0
         */
        public RmsProp {
            checkRate(learningRate);
            checkUnit("rho", rho);
            checkEps(eps);
        }

        @Override
        public Updater newUpdater(List<Param> params) {
            return squareScaled("rmsprop", params, rho, 1 - rho, eps);
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("optimizer", "rmsprop", "lr", Float.toString(learningRate), "rho", Float.toString(rho),
                    "eps", Float.toString(eps));
        }
    }

    /** Adagrad: {@code s += g²}, {@code w −= lr·g / (√s + ε)}. */
    record Adagrad(float learningRate, float eps) implements Optimizer {
        /** @throws IllegalArgumentException if the learning rate is not finite and &gt; 0 or eps is not &gt; 0 */
        public Adagrad {
            checkRate(learningRate);
            checkEps(eps);
        }

        @Override
        public Updater newUpdater(List<Param> params) {
            return squareScaled("adagrad", params, 1f, 1f, eps);
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("optimizer", "adagrad", "lr", Float.toString(learningRate), "eps", Float.toString(eps));
        }
    }

    /** Adam's and AdamW's shared state and step. */
    final class AdamUpdater implements Updater {
        private final List<Param> params;
        private final float beta1;
        private final float beta2;
        private final float eps;
        private final float weightDecay;
        private final float[][] m;
        private final float[][] v;
        private final Kernels kernels = KernelProvider.get();
        private int t;

        private final String kind;

        AdamUpdater(String kind, List<Param> params, float beta1, float beta2, float eps, float weightDecay) {
            this.kind = kind;
            this.params = params;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.m = zerosLike(params);
            this.v = zerosLike(params);
        }

        /** The state: m of every parameter, then v of every parameter, and the step count. */
        @Override
        public OptimizerState state() {
            return OptimizerState.of(kind, t, mThenV());
        }

        @Override
        public void restore(OptimizerState state) {
            OptimizerState.copyInto(state, kind, mThenV()); // the arrays of m and v are filled in place
            t = state.steps();
        }

        private float[][] mThenV() {
            float[][] both = new float[2 * m.length][];
            System.arraycopy(m, 0, both, 0, m.length);
            System.arraycopy(v, 0, both, m.length, v.length);
            return both;
        }

        @Override
        public void step(float lr) {
            t++;
            for (int p = 0; p < m.length; p++) {
                Param param = params.get(p);
                float[] w = param.value().data();
                float[] g = param.grad().data();
                // AdamW's decoupled decay on the decaying parameters only; L2 was already added to g
                kernels.adamUpdate(w, 0, g, 0, m[p], 0, v[p], 0, w.length, lr, beta1, beta2, eps,
                        param.decay() ? weightDecay : 0f, true, t);
            }
        }
    }
}
