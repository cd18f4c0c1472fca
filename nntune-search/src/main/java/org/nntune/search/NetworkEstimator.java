package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Task;
import org.nntune.nn.model.EpochResult;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.History;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * nntune's network as an {@link Estimator}: {@link #fit} fits the configuration's preprocessing on
 * the training rows, builds the {@link Sequential} of the {@link NetworkConfig} (softmax
 * cross-entropy with one output per class for a classification set, mean squared error with one
 * output per target for a regression set, on targets standard-scaled with the training rows' mean
 * and std and turned back into the data's units for predictions and scores) with that fitted
 * preprocessing inside it, and trains it. The trained model carries its preprocessing and target
 * scaling, so {@link #model()}{@code .save(path)} writes
 * everything needed to predict.
 */
public final class NetworkEstimator implements Estimator {
    private final NetworkConfig config;
    private final long seed;
    private final Preprocessor preprocessor;
    private final boolean ownPreprocessor;
    private Sequential model;
    private History history;
    private int heldOut;

    /**
     * @param config the network and its training
     * @param seed   seeds the initial weights and the training run (shuffles, dropout, validation split)
     */
    public NetworkEstimator(NetworkConfig config, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.seed = seed;
        this.preprocessor = config.preprocessor();
        this.ownPreprocessor = true;
    }

    /**
     * With a preprocessing step of the caller's instead of the configuration's named one (e.g. a
     * chain of steps); it is fitted on each training set handed to {@link #fit}, and only on it.
     */
    public NetworkEstimator(NetworkConfig config, long seed, Preprocessor preprocessor) {
        this.config = Objects.requireNonNull(config, "config");
        this.seed = seed;
        this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
        this.ownPreprocessor = false;
    }

    /** @return the network configuration each {@link #fit} builds and trains */
    public NetworkConfig config() {
        return config;
    }

    /**
     * The untrained network {@link #fit} would train on {@code train}: its input transform fitted on
     * {@code train}, its loss and target scaling for the task, its weights from the seed. Building it
     * is the check that this configuration can make and train a network for those data at all.
     *
     * @throws IllegalArgumentException naming the layer when the configuration does not fit the data,
     *                                  or the setting when {@code train} is too few rows for the
     *                                  validation split it asks for (implicit L2, early stopping)
     */
    public Sequential build(Dataset train) {
        config.checkValidationSplit(train.size());
        // token ids: the trial's vocabulary size and max length narrow the encoded rows, inside the model
        FittedTransform transform = config.sequence().isPresent() && train.featureShape().length == 1
                ? new org.nntune.nn.data.TokenLimit(train.featureCount(), config.sequence().get().vocabSize(),
                        config.sequence().get().maxLength())
                : preprocessor.fit(train);
        int outputs = train.task() == Task.CLASSIFICATION ? train.classCount() : train.targetDim();
        return config.model(config.builderFor(train, transform), train.featureShape(), outputs, seed).build();
    }

    /**
     * Ends a fit whose thread is interrupted, after the batch in progress, with a {@link java.util.concurrent.CancellationException}:
     * the tuner interrupts a trial's thread when the trial has no use any more (Ctrl-C, or its study deleted under
     * the worker), and a network training on for minutes would only hold the worker up. The flag is left set for
     * the caller to see. A population's members train with it too ({@link NetworkPopulation}).
     */
    static final TrainingListener STOPS_WHEN_INTERRUPTED = new TrainingListener() {
        @Override
        public void onBatchEnd(TrainingControl control, int epoch, int batch, double loss) {
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException("training interrupted in epoch " + epoch
                        + " after batch " + batch);
            }
        }
    };

    @Override
    public NetworkEstimator fit(Dataset train) {
        return fit(train, EpochHook.NONE);
    }

    @Override
    public NetworkEstimator fit(Dataset train, EpochHook hook) {
        Objects.requireNonNull(hook, "hook");
        release();
        Sequential m = build(train);
        FitOptions.Builder options = config.fitOptions(train.size(), seed);
        options.listener(STOPS_WHEN_INTERRUPTED);
        if (hook != EpochHook.NONE) {
            options.listener(new TrainingListener() {
                @Override
                public void onTrainStart(TrainingControl control) {
                    hook.started();
                }

                @Override
                public void onEpochEnd(TrainingControl control, EpochResult result) {
                    if (!hook.afterEpoch(result.epoch())) {
                        control.stop("stopped after epoch " + result.epoch() + " by the search (pruned)");
                    }
                }
            });
        }
        this.model = m; // visible to the hook, which scores the model as it trains
        FitOptions built = options.build();
        this.heldOut = built.heldOutRows(train);
        this.history = m.fit(train, built);
        return this;
    }

    /** The trained network (with its preprocessing); an error before {@link #fit}. */
    public Sequential model() {
        if (model == null) {
            throw new IllegalStateException("the network estimator is not fitted (or was released): call fit(train) first");
        }
        return model;
    }

    /** The last fit's history; an error before {@link #fit}. */
    public History history() {
        if (history == null) {
            throw new IllegalStateException("the network estimator has no history: call fit(train) first");
        }
        return history;
    }

    /**
     * Of the last fit's training rows, how many were held out as its validation split (for early
     * stopping or the implicit L2's steps, as Keras' validation_split and scikit-learn's
     * validation_fraction) rather than trained on; 0 without one.
     */
    public int heldOutRows() {
        return heldOut;
    }

    /** Saves the trained network, its preprocessing and provenance (the engine's model file). */
    @Override
    public void save(Path file) throws IOException {
        model().save(file);
    }

    @Override
    public int[] predict(Dataset data) {
        return model().predict(data);
    }

    @Override
    public float[][] predictProba(Dataset data) {
        return model().predictProba(data);
    }

    @Override
    public float[][] predictValues(Dataset data) {
        return model().predictValues(data);
    }

    @Override
    public int epochsTrained() {
        return history == null ? 0 : history.epochCount();
    }

    @Override
    public Map<String, java.util.List<Double>> adaptedTrajectory() {
        if (history == null) {
            return Map.of();
        }
        Map<String, java.util.List<Double>> t = new java.util.LinkedHashMap<>();
        for (EpochResult e : history.epochs()) {
            e.adaptedRates().forEach((name, v) -> t.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(v));
        }
        return t;
    }

    @Override
    public Map<String, Object> describe() {
        return config.describe();
    }

    /**
     * The effective configuration and the seed: two estimators with equal keys train identically.
     * Empty with a caller's preprocessing step, which cannot be compared.
     */
    @Override
    public java.util.Optional<Object> fitKey() {
        return ownPreprocessor ? java.util.Optional.of(java.util.List.of(config.effective(), seed)) : java.util.Optional.empty();
    }

    @Override
    public void release() {
        model = null;
        history = null;
    }

    @Override
    public String toString() {
        return "NetworkEstimator" + config.describe();
    }
}
