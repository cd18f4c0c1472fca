package org.nntune.nn.model;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.optim.ImplicitL2;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.optim.Regularization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to train: epochs, batch size, shuffling, the seed of every random draw of the run
 * (shuffles, dropout masks, the validation split), validation data, the optimiser, its
 * learning-rate schedule, regularisation, stopping rules and listeners. Immutable; build with
 * {@link #builder()}. Defaults: 10 epochs, batch 32, shuffled, seed 0, Adam(1e-3), constant rate,
 * no regularisation, no validation.
 */
public final class FitOptions {
    private final int epochs;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final Dataset validation;
    private final double validationFraction;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final Regularization regularization;
    private final StallRule stallRule;
    private final List<TrainingListener> listeners;
    private final Map<String, String> extraHyperparameters;
    private final ImplicitL2 implicitL2;

    /**
     * scikit-learn's MLP stopping rule: stop when the training loss has not improved on its best by
     * at least {@code tolerance} for more than {@code patience} epochs (sklearn: tol 1e-4,
     * n_iter_no_change 10) — unless the schedule lowered the rate in answer ('adaptive'). With
     * {@code onValidationScore} (scikit-learn's {@code early_stopping=True}) the rule watches the
     * validation score instead — accuracy for a classification set, R² for a regression set — as
     * "not above its best plus {@code tolerance}", and the run ends with the weights of the epoch
     * with the best validation score.
     */
    public record StallRule(double tolerance, int patience, boolean onValidationScore) {
        /** @throws IllegalArgumentException if tolerance or patience is below 0 (or tolerance is NaN) */
        public StallRule {
            if (!(tolerance >= 0) || patience < 0) {
                throw new IllegalArgumentException("stall rule needs tolerance >= 0 and patience >= 0, got " + tolerance + ", " + patience);
            }
        }

        /** The rule on the training loss. */
        public StallRule(double tolerance, int patience) {
            this(tolerance, patience, false);
        }
    }

    private FitOptions(Builder b) {
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.validation = b.validation;
        this.validationFraction = b.validationFraction;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.regularization = new Regularization(b.l1, b.l2, b.clipNorm);
        this.stallRule = b.stallRule;
        this.listeners = List.copyOf(b.listeners);
        this.extraHyperparameters = Map.copyOf(b.extra);
        this.implicitL2 = b.implicitL2;
    }

    /** A builder with the defaults of the class comment. */
    public static Builder builder() {
        return new Builder();
    }

    /** The most epochs (passes over the training rows) the run trains; a stall rule may stop it sooner (default 10). */
    public int epochs() { return epochs; }
    /** Examples per gradient step; the last batch of an epoch takes the rest (default 32). */
    public int batchSize() { return batchSize; }
    /** Whether the training rows are shuffled (by the seed) before each epoch (default true). */
    public boolean shuffle() { return shuffle; }
    /** The seed of the run's shuffles, dropout masks and validation split (default 0). */
    public long seed() { return seed; }
    /** The validation set evaluated after every epoch, if one was given (rather than a fraction). */
    public Optional<Dataset> validation() { return Optional.ofNullable(validation); }
    /** The fraction of the training rows held out for validation, in (0, 1); 0 when none (the default). */
    public double validationFraction() { return validationFraction; }
    /** How many of {@code rows} training rows the validation fraction holds out: round(rows × fraction), 0 without one. */
    public int validationRows(int rows) { return validationFraction > 0 ? (int) Math.round(rows * validationFraction) : 0; }
    /**
     * How many rows of {@code train} a fit leaves out of the fitting: the validation fraction's
     * rows and, on a {@link Dataset#timeOrdered time-ordered} set, the {@link Dataset#timeOrderGap gap}
     * before them; 0 without a validation fraction.
     */
    public int heldOutRows(Dataset train) {
        int v = validationRows(train.size());
        return v > 0 && train.timeOrdered() ? v + train.timeOrderGap() : v;
    }
    /** The optimiser and its learning rate (default Adam at 1e-3). */
    public Optimizer optimizer() { return optimizer; }
    /** How the learning rate changes over the epochs (default constant). */
    public LearningRateSchedule schedule() { return schedule; }
    /** The L1 and L2 penalties on weights and the gradient clip norm (all 0, off, by default). */
    public Regularization regularization() { return regularization; }
    /** The rule that stops training when the loss or validation score stalls, if set (none by default). */
    public Optional<StallRule> stallRule() { return Optional.ofNullable(stallRule); }
    /** The listeners called at the start and end of training and after every epoch and batch, in the order added. */
    public List<TrainingListener> listeners() { return listeners; }
    /** The L2 tuned during training by implicit differentiation, if on. */
    public Optional<ImplicitL2> implicitL2() { return Optional.ofNullable(implicitL2); }

    /** Every setting that shapes the result, by name, for the model's provenance. */
    public Map<String, String> hyperparameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("shuffle", Boolean.toString(shuffle));
        m.put("seed", Long.toString(seed));
        new java.util.TreeMap<>(optimizer.hyperparameters()).forEach(m::put);
        new java.util.TreeMap<>(schedule.hyperparameters()).forEach(m::put);
        m.put("l1", Float.toString(regularization.l1()));
        m.put("l2", Float.toString(regularization.l2()));
        m.put("clip_norm", Float.toString(regularization.clipNorm()));
        if (validationFraction > 0) {
            m.put("validation_fraction", Double.toString(validationFraction));
        }
        if (stallRule != null) {
            m.put("stall_tolerance", Double.toString(stallRule.tolerance()));
            m.put("stall_patience", Integer.toString(stallRule.patience()));
            if (stallRule.onValidationScore()) {
                m.put("stall_on", "validation_score");
            }
        }
        if (implicitL2 != null) {
            new java.util.TreeMap<>(implicitL2.hyperparameters(optimizer)).forEach(m::put);
        }
        new java.util.TreeMap<>(extraHyperparameters).forEach(m::put);
        return m;
    }

    /** Builds {@link FitOptions}; every setter checks its value. */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 32;
        private boolean shuffle = true;
        private long seed;
        private Dataset validation;
        private double validationFraction;
        private Optimizer optimizer = Optimizer.adam(1e-3f);
        private LearningRateSchedule schedule = LearningRateSchedule.constant();
        private float l1;
        private float l2;
        private float clipNorm;
        private StallRule stallRule;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private final Map<String, String> extra = new LinkedHashMap<>();
        private ImplicitL2 implicitL2;

        private Builder() {}

        /** Maximum number of epochs (≥ 1). */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Examples per batch (≥ 1); a last, smaller batch takes the rest. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Whether to shuffle the training rows before each epoch (true by default; false keeps their order). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seeds the shuffles, the dropout masks and the validation split. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A validation set, evaluated after every epoch (replaces a validation fraction). */
        public Builder validation(Dataset validation) {
            this.validation = validation;
            this.validationFraction = 0;
            return this;
        }

        /**
         * Holds out this fraction (in (0, 1)) of the training set for validation: rows chosen by
         * the seed — or, on a {@link Dataset#timeOrdered time-ordered} set such as
         * {@code SeriesWindows.windows}' (Keras' {@code validation_split} also takes the last
         * rows), the last rows, with the set's {@link Dataset#timeOrderGap gap} (a forecaster's
         * {@code horizon − 1} windows) left out before them, so that no fitted window's target
         * reaches a validated one. Random rows of a series would sit between fitted ones in time
         * and overlap them, and score a model far better than it forecasts.
         */
        public Builder validationFraction(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
            }
            this.validationFraction = fraction;
            this.validation = null;
            return this;
        }

        /** The optimiser with its learning rate, e.g. {@code Optimizer.sgd(0.01)} (Adam at 1e-3 by default). */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = java.util.Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /** How the learning rate changes over the epochs, e.g. a step or cosine decay (constant by default). */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** L1 penalty {@code l1·Σ|w|} on weights (not biases). */
        public Builder l1(double l1) {
            new Regularization((float) l1, 0f, 0f); // checks the value
            this.l1 = (float) l1;
            return this;
        }

        /** L2 penalty {@code ½·l2·Σw²} on weights (not biases): PyTorch's weight_decay. */
        public Builder l2(double l2) {
            new Regularization(0f, (float) l2, 0f); // checks the value
            this.l2 = (float) l2;
            return this;
        }

        /** Clips the gradients to this global L2 norm (&gt; 0). */
        public Builder clipNorm(double clipNorm) {
            if (!(clipNorm > 0)) {
                throw new IllegalArgumentException("gradient clip norm must be > 0, got " + clipNorm);
            }
            new Regularization(0f, 0f, (float) clipNorm); // checks the value
            this.clipNorm = (float) clipNorm;
            return this;
        }

        /** scikit-learn's MLP stopping rule with its defaults: tolerance 1e-4, 10 epochs. */
        public Builder sklearnStopping() {
            return stallRule(1e-4, 10);
        }

        /** Stop when the training loss has not improved by {@code tolerance} for more than {@code patience} epochs. */
        public Builder stallRule(double tolerance, int patience) {
            this.stallRule = new StallRule(tolerance, patience);
            return this;
        }

        /**
         * scikit-learn's {@code early_stopping=True}: hold out {@code validationFraction} of the
         * training rows (sklearn: 0.1) and stop when the validation score (accuracy, or R² for a
         * regression set) has not risen above its best plus {@code tolerance} (1e-4) for more than
         * {@code patience} (n_iter_no_change, 10) epochs; the run ends with the best epoch's weights.
         */
        public Builder sklearnEarlyStopping(double tolerance, int patience, double validationFraction) {
            validationFraction(validationFraction);
            this.stallRule = new StallRule(tolerance, patience, true);
            return this;
        }

        /** Adds a listener called during training (per epoch and batch: progress, logging, custom stopping). */
        public Builder listener(TrainingListener listener) {
            listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Records an extra hyperparameter in the model's provenance (e.g. a tuner's trial number). */
        public Builder hyperparameter(String name, String value) {
            extra.put(name, value);
            return this;
        }

        /**
         * Tunes the L2 of the weights during training by implicit differentiation on the validation
         * split (a {@link #validationFraction} or {@link #validation} set is required), starting at
         * {@link ImplicitL2#initial()}; the decays per epoch are in {@link EpochResult#adaptedRates()}.
         * Not with {@link Optimizer#adamW}, whose decay is decoupled from the loss ({@link #build} refuses it).
         */
        public Builder implicitL2(ImplicitL2 settings) {
            this.implicitL2 = java.util.Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * The options. Refuses settings that cannot work together: implicit L2 without a validation
         * split, with a fixed l2 or with AdamW; a stall rule on the validation score without a validation split.
         */
        public FitOptions build() {
            if (implicitL2 != null) {
                if (validation == null && validationFraction == 0) {
                    throw new IllegalArgumentException("implicit L2 tunes the L2 on a validation split, but none is set:"
                            + " give a validation fraction (e.g. validationFraction(0.1)) or a validation set");
                }
                if (l2 != 0f) {
                    throw new IllegalArgumentException("implicit L2 sets the L2 itself (starting at " + implicitL2.initial()
                            + "): do not set l2 (" + l2 + ") as well; start it with ImplicitL2.withInitial");
                }
                if (optimizer instanceof Optimizer.AdamW w) {
                    // AdamW's decay is applied beside the gradient, not through the loss: the hypergradient of
                    // an L2 penalty says nothing about it (the study files refuse l2_adapt with adamw likewise)
                    throw new IllegalArgumentException("implicit L2 tunes the L2 penalty, but with adamw l2 is the decoupled weight decay ("
                            + w.weightDecay() + "): use adam, sgd, rmsprop or adagrad, or leave implicitL2 out");
                }
            }
            if (stallRule != null && stallRule.onValidationScore() && validation == null && validationFraction == 0) {
                throw new IllegalArgumentException("a stall rule on the validation score needs a validation set or fraction");
            }
            return new FitOptions(this);
        }
    }
}
