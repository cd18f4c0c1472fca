package org.nntune.nn.optim;

import java.util.Map;

/**
 * How the learning rate changes during training. A schedule is an immutable description;
 * {@link #start} makes the per-run {@link Scheduler} that the training loop asks before every
 * batch and tells the end of every epoch.
 *
 * <p>In PyTorch's terms, for a run of E epochs of B batches and a base rate r: {@link #step(int, double)
 * step(s, γ)} is {@code StepLR(step_size=s, gamma=γ)} and {@link #exponential(double) exponential(γ)}
 * {@code ExponentialLR(gamma=γ)}, both stepped once per epoch; {@link #cosine(int, double) cosine(0, m)} is
 * {@code CosineAnnealingLR(T_max=E·B, eta_min=m)} stepped once per batch; a warm-up of W epochs
 * ({@link #warmup}, or cosine's own) is {@code LinearLR(start_factor=1/(W·B), total_iters=W·B − 1)} stepped
 * per batch, followed by the schedule as {@code SequentialLR(…, milestones=[W·B])} would (its epochs
 * counted from the warm-up's end). Any schedule here takes any of these constants; a study file's
 * {@code step_size}, {@code gamma}, {@code min_lr} and {@code warmup_epochs} set them.
 */
public sealed interface LearningRateSchedule
        permits LearningRateSchedule.Constant, LearningRateSchedule.StepDecay, LearningRateSchedule.Exponential,
                LearningRateSchedule.CosineWarmup, LearningRateSchedule.ReduceOnPlateau, LearningRateSchedule.Warmup,
                LearningRateSchedule.Continued {

    /** The per-run state for a run of {@code epochs} epochs of {@code stepsPerEpoch} batches. */
    Scheduler start(float baseRate, int epochs, int stepsPerEpoch);

    /** The schedule's settings by name, for provenance. */
    Map<String, String> hyperparameters();

    /** A running schedule. */
    interface Scheduler {
        /** The rate for batch {@code step} (0-based) of epoch {@code epoch} (0-based). */
        float rate(int epoch, int step);

        /** Called after each epoch with its mean training loss. */
        default void epochEnd(int epoch, double trainingLoss) {}

        /**
         * Whether the schedule answered a stall of the training loss by lowering the rate at the
         * epoch that just ended, so a stall-based stopping rule should carry on (scikit-learn's
         * 'adaptive' learning rate).
         */
        default boolean loweredAfterStall() {
            return false;
        }
    }

    /** The base rate throughout. */
    static LearningRateSchedule constant() {
        return new Constant();
    }

    /** The rate times {@code gamma} every {@code everyEpochs} epochs. */
    static LearningRateSchedule step(int everyEpochs, double gamma) {
        return new StepDecay(everyEpochs, (float) gamma);
    }

    /** The rate times {@code gamma} every epoch. */
    static LearningRateSchedule exponential(double gamma) {
        return new Exponential((float) gamma);
    }

    /**
     * A linear warm-up from rate/warmupSteps to the rate over {@code warmupEpochs} epochs, then a
     * cosine decay to {@code minRate} at the end of training, updated every batch.
     */
    static LearningRateSchedule cosine(int warmupEpochs, double minRate) {
        return new CosineWarmup(warmupEpochs, (float) minRate);
    }

    /**
     * A linear warm-up over the first {@code warmupEpochs} epochs, then {@code then} over the rest of
     * the run ({@link Warmup}).
     */
    static LearningRateSchedule warmup(int warmupEpochs, LearningRateSchedule then) {
        return new Warmup(warmupEpochs, then);
    }

    /**
     * The epochs from {@code fromEpoch} on of a run of {@code runEpochs} epochs of {@code schedule}, for a
     * fit that continues a longer run ({@link Continued}).
     */
    static LearningRateSchedule continued(LearningRateSchedule schedule, int runEpochs, int fromEpoch) {
        return new Continued(schedule, runEpochs, fromEpoch);
    }

    /**
     * scikit-learn's 'adaptive' rate: divide by 5 each time the training loss has not improved by
     * at least 1e-4 for more than 10 epochs, down to 1e-6.
     */
    static LearningRateSchedule adaptive() {
        return new ReduceOnPlateau(0.2f, 10, 1e-4f, 1e-6f);
    }

    /** The base rate at every step of every epoch ({@link #constant()}). */
    record Constant() implements LearningRateSchedule {
        @Override
        public Scheduler start(float baseRate, int epochs, int stepsPerEpoch) {
            return (epoch, step) -> baseRate;
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("schedule", "constant");
        }
    }

    /**
     * The base rate times {@code gamma^⌊epoch / everyEpochs⌋}, constant within an epoch
     * ({@link #step(int, double)}).
     *
     * @param everyEpochs epochs between two decays, ≥ 1
     * @param gamma the factor of each decay, in (0, 1] (1: constant)
     */
    record StepDecay(int everyEpochs, float gamma) implements LearningRateSchedule {
        /** @throws IllegalArgumentException if everyEpochs is below 1 or gamma is outside (0, 1] */
        public StepDecay {
            if (everyEpochs <= 0) {
                throw new IllegalArgumentException("step schedule: epochs between steps must be positive, got " + everyEpochs);
            }
            checkGamma(gamma);
        }

        @Override
        public Scheduler start(float baseRate, int epochs, int stepsPerEpoch) {
            return (epoch, step) -> (float) (baseRate * Math.pow(gamma, epoch / everyEpochs));
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("schedule", "step", "step_epochs", Integer.toString(everyEpochs), "gamma", Float.toString(gamma));
        }
    }

    /**
     * The base rate times {@code gamma^epoch}, constant within an epoch ({@link #exponential(double)}).
     *
     * @param gamma the factor per epoch, in (0, 1] (1: constant)
     */
    record Exponential(float gamma) implements LearningRateSchedule {
        /** @throws IllegalArgumentException if gamma is outside (0, 1] */
        public Exponential {
            checkGamma(gamma);
        }

        @Override
        public Scheduler start(float baseRate, int epochs, int stepsPerEpoch) {
            return (epoch, step) -> (float) (baseRate * Math.pow(gamma, epoch));
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("schedule", "exponential", "gamma", Float.toString(gamma));
        }
    }

    /**
     * Updated every batch ({@link #cosine(int, double)}): over the first {@code warmupEpochs} epochs
     * (W batches) batch t gets rate·(t + 1)/W, then the rate falls along half a cosine from the base
     * rate to {@code minRate}, which the batch after the last one would get (PyTorch's
     * {@code CosineAnnealingLR(T_max, eta_min)} with {@code T_max} the batches after the warm-up).
     *
     * @param warmupEpochs epochs of linear warm-up, ≥ 0 (0: none)
     * @param minRate the rate at the end, ≥ 0 and at most the base rate (checked when a run starts)
     */
    record CosineWarmup(int warmupEpochs, float minRate) implements LearningRateSchedule {
        /** @throws IllegalArgumentException if warmupEpochs or minRate is below 0 */
        public CosineWarmup {
            if (warmupEpochs < 0) {
                throw new IllegalArgumentException("cosine schedule: warm-up epochs must be >= 0, got " + warmupEpochs);
            }
            if (!(minRate >= 0f)) {
                throw new IllegalArgumentException("cosine schedule: minimum rate must be >= 0, got " + minRate);
            }
        }

        @Override
        public Scheduler start(float baseRate, int epochs, int stepsPerEpoch) {
            if (minRate > baseRate) {
                throw new IllegalArgumentException("cosine schedule: minimum rate " + minRate + " exceeds the base rate " + baseRate);
            }
            long warm = (long) warmupEpochs * stepsPerEpoch;
            long total = (long) epochs * stepsPerEpoch;
            return (epoch, step) -> {
                long t = (long) epoch * stepsPerEpoch + step;
                if (t < warm) {
                    return (float) (baseRate * (t + 1) / warm);
                }
                double progress = total > warm ? Math.min(1.0, (double) (t - warm) / (total - warm)) : 1.0;
                return (float) (minRate + (baseRate - minRate) * 0.5 * (1 + Math.cos(Math.PI * progress)));
            };
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("schedule", "cosine", "warmup_epochs", Integer.toString(warmupEpochs), "min_lr", Float.toString(minRate));
        }
    }

    /**
     * Multiplies the rate by {@code factor} each time the training loss has not improved on its
     * best by at least {@code tolerance} for more than {@code patience} epochs, never below
     * {@code minRate} (once at or below it, the rate stays).
     */
    record ReduceOnPlateau(float factor, int patience, float tolerance, float minRate) implements LearningRateSchedule {
        /**
         * @throws IllegalArgumentException if factor is outside (0, 1), or patience, tolerance or minRate
         *     is below 0
         */
        public ReduceOnPlateau {
            if (!(factor > 0f && factor < 1f)) {
                throw new IllegalArgumentException("reduce-on-plateau factor must be in (0, 1), got " + factor);
            }
            if (patience < 0) {
                throw new IllegalArgumentException("reduce-on-plateau patience must be >= 0, got " + patience);
            }
            if (!(tolerance >= 0f) || !(minRate >= 0f)) {
                throw new IllegalArgumentException("reduce-on-plateau tolerance and minimum rate must be >= 0");
            }
        }

        @Override
        public Scheduler start(float baseRate, int epochs, int stepsPerEpoch) {
            return new Scheduler() {
                float rate = baseRate;
                double best = Double.POSITIVE_INFINITY;
                int stalled;
                boolean lowered;

                @Override
                public float rate(int epoch, int step) {
                    return rate;
                }

                @Override
                public void epochEnd(int epoch, double loss) {
                    lowered = false;
                    stalled = loss > best - tolerance ? stalled + 1 : 0;
                    best = Math.min(best, loss);
                    if (stalled > patience && rate > minRate) {
                        rate *= factor;
                        stalled = 0;
                        lowered = true;
                    }
                }

                @Override
                public boolean loweredAfterStall() {
                    return lowered;
                }
            };
        }

        @Override
        public Map<String, String> hyperparameters() {
            return Map.of("schedule", "reduce_on_plateau", "factor", Float.toString(factor), "patience", Integer.toString(patience),
                    "tolerance", Float.toString(tolerance), "min_lr", Float.toString(minRate));
        }
    }

    /**
     * A linear warm-up, then another schedule ({@link #warmup}): over the first {@code epochs} epochs
     * (W batches) batch t gets rate·(t + 1)/W, as {@link CosineWarmup}'s warm-up; then {@code then} runs
     * as if the run began there, for the epochs that are left (a step schedule's first step comes
     * {@code everyEpochs} epochs after the warm-up, a cosine falls over the batches after it). A run
     * no longer than the warm-up is all warm-up.
     *
     * @param epochs epochs of warm-up, ≥ 1
     * @param then   the schedule after the warm-up; not itself warming up
     */
    record Warmup(int epochs, LearningRateSchedule then) implements LearningRateSchedule {
        /** @throws IllegalArgumentException if epochs is below 1 or {@code then} has a warm-up of its own */
        public Warmup {
            java.util.Objects.requireNonNull(then, "then");
            if (epochs < 1) {
                throw new IllegalArgumentException("warm-up epochs must be >= 1, got " + epochs);
            }
            if (then instanceof Warmup || (then instanceof CosineWarmup c && c.warmupEpochs() > 0)) {
                throw new IllegalArgumentException("the schedule after a warm-up warms up itself: " + then
                        + "; give one warm-up");
            }
        }

        @Override
        public Scheduler start(float baseRate, int runEpochs, int stepsPerEpoch) {
            long warm = (long) epochs * stepsPerEpoch;
            Scheduler after = runEpochs > epochs ? then.start(baseRate, runEpochs - epochs, stepsPerEpoch) : null;
            return new Scheduler() {
                @Override
                public float rate(int epoch, int step) {
                    if (epoch < epochs || after == null) {
                        return (float) (baseRate * ((long) epoch * stepsPerEpoch + step + 1) / warm);
                    }
                    return after.rate(epoch - epochs, step);
                }

                @Override
                public void epochEnd(int epoch, double trainingLoss) {
                    // the warm-up's losses are not the schedule's: a plateau rule counts from its own first epoch
                    if (epoch >= epochs && after != null) {
                        after.epochEnd(epoch - epochs, trainingLoss);
                    }
                }

                @Override
                public boolean loweredAfterStall() {
                    return after != null && after.loweredAfterStall();
                }
            };
        }

        @Override
        public Map<String, String> hyperparameters() {
            Map<String, String> m = new java.util.TreeMap<>(then.hyperparameters());
            m.put("warmup_epochs", Integer.toString(epochs));
            return java.util.Collections.unmodifiableMap(m);
        }
    }

    /**
     * A fit that goes on with a longer run ({@link #continued}): its epoch e gets the rates of epoch
     * {@code fromEpoch + e} of a run of {@code runEpochs} epochs of {@code schedule}, so a training done in
     * pieces (population-based training fits a member one epoch at a time) follows the schedule of the
     * whole run rather than restarting it with every piece. A schedule that reacts to the training loss
     * ('adaptive') only hears the piece's epochs.
     *
     * @param schedule  the whole run's schedule
     * @param runEpochs the whole run's epochs, ≥ 1
     * @param fromEpoch the whole run's epoch (0-based) this fit's first epoch is, ≥ 0
     */
    record Continued(LearningRateSchedule schedule, int runEpochs, int fromEpoch) implements LearningRateSchedule {
        /** @throws IllegalArgumentException if runEpochs is below 1 or fromEpoch below 0 */
        public Continued {
            java.util.Objects.requireNonNull(schedule, "schedule");
            if (runEpochs < 1 || fromEpoch < 0) {
                throw new IllegalArgumentException("a continued schedule needs a run of >= 1 epochs and a first epoch >= 0, got "
                        + runEpochs + " and " + fromEpoch);
            }
        }

        @Override
        public Scheduler start(float baseRate, int epochs, int stepsPerEpoch) {
            Scheduler whole = schedule.start(baseRate, runEpochs, stepsPerEpoch);
            return new Scheduler() {
                @Override
                public float rate(int epoch, int step) {
                    return whole.rate(fromEpoch + epoch, step);
                }

                @Override
                public void epochEnd(int epoch, double trainingLoss) {
                    whole.epochEnd(fromEpoch + epoch, trainingLoss);
                }

                @Override
                public boolean loweredAfterStall() {
                    return whole.loweredAfterStall();
                }
            };
        }

        @Override
        public Map<String, String> hyperparameters() {
            return schedule.hyperparameters();
        }
    }

    private static void checkGamma(float gamma) {
        if (!(gamma > 0f && gamma <= 1f)) {
            throw new IllegalArgumentException("decay factor gamma must be in (0, 1], got " + gamma);
        }
    }
}
