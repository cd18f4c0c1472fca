package org.nntune.nn.model;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.optim.Hypergradient;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.optim.OptimizerState;
import org.nntune.nn.optim.Regularization;
import org.nntune.nn.tensor.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run. Random streams, all from the run's seed: 1 shuffles, 2 draws dropout masks,
 * 3 splits off the validation fraction (of a set not in time order; a time-ordered one holds out its last rows). Buffers are made for the full batch size and for the
 * last, smaller batch, once; after the first epoch the loop allocates nothing per batch.
 */
final class Trainer implements TrainingControl {
    private final Sequential model;
    private final FitOptions options;
    private final Dataset train;
    private final Dataset validation;
    /** The set given to fit, before a validation fraction is split off: what provenance records. */
    private final Dataset trainedOn;
    private String stopReason;
    /** the run's optimiser state; set when the run starts */
    private Optimizer.Updater updater;
    /** the implicit-L2 machinery of this run, or null */
    private ImplicitL2Stepper implicit;

    Trainer(Sequential model, Dataset given, FitOptions options) {
        this.model = model;
        this.options = options;
        model.checkData(given, "training");
        requireRows(given, "training");
        requireFinite(given, "training"); // the validation fraction too: it is split from these rows
        if (given.changeTarget() && !model.changeFromLastInput()) {
            // else the windows' Target.CHANGE would be ignored without a word and the network learn the levels
            throw new IllegalArgumentException("training set '" + given.name() + "' is marked for a change target"
                    + " (SeriesWindows.Target.CHANGE), but the network learns the targets themselves: build it with"
                    + " .changeFromLastInput() and .targetScaling(StandardScaler.fitTargetChanges(train)), or make the windows"
                    + " with Target.LEVEL");
        }
        if (options.validationFraction() > 0) {
            int n = given.size();
            int nVal = options.validationRows(n);
            if (nVal < 1 || nVal >= n) {
                throw new IllegalArgumentException("validation fraction " + options.validationFraction() + " of " + n
                        + " examples leaves " + nVal + " for validation and " + (n - nVal) + " for training; both need at least one");
            }
            int[] perm = identity(n);
            if (given.timeOrdered()) {
                // windows of a series: the last rows, after a gap, as a forecaster is validated (and Keras' validation_split takes them)
                int fitted = n - options.heldOutRows(given);
                if (fitted < 1) {
                    throw new IllegalArgumentException("validation fraction " + options.validationFraction() + " of " + n
                            + " time-ordered examples holds out the last " + nVal + ", after a gap of " + given.timeOrderGap()
                            + " (horizon - 1), and leaves " + fitted + " for training; give a smaller fraction or more data");
                }
                this.train = given.subset(java.util.Arrays.copyOfRange(perm, 0, fitted));
            } else {
                Rng.stream(options.seed(), 3).shuffle(perm, n);
                this.train = given.subset(java.util.Arrays.copyOfRange(perm, 0, n - nVal));
            }
            this.validation = given.subset(java.util.Arrays.copyOfRange(perm, n - nVal, n));
        } else {
            this.train = given;
            this.validation = options.validation().orElse(null);
        }
        if (validation != null && options.validationFraction() == 0) {
            model.checkData(validation, "validation");
            requireRows(validation, "validation");
            requireFinite(validation, "validation");
        }
        this.trainedOn = given;
    }

    /** An empty set would divide by zero in the loop (or fail in evaluation only after an epoch of training). */
    private static void requireRows(Dataset data, String role) {
        if (data.size() == 0) {
            throw new IllegalArgumentException(role + " set '" + data.name() + "' has no rows");
        }
    }

    /**
     * A NaN or infinite feature or regression target would surface as a diverged loss, whose advice
     * (a lower learning rate) is wrong: say which value it is before training. One pass, a row at a time.
     */
    private static void requireFinite(Dataset data, String role) {
        int f = data.featureCount();
        float[] row = new float[f];
        boolean regression = data.task() == org.nntune.nn.data.Task.REGRESSION;
        for (int i = 0, n = data.size(); i < n; i++) {
            data.copyFeatures(i, row, 0);
            for (int j = 0; j < f; j++) {
                if (!Float.isFinite(row[j])) {
                    String name = data.featureNames().isEmpty() ? "" : " ('" + data.featureNames().get(j) + "')";
                    throw new IllegalArgumentException(role + " set '" + data.name() + "': row " + i + ", feature " + j
                            + name + " is " + row[j] + "; inputs must be finite (fill or drop missing values first)");
                }
            }
            for (int j = 0; regression && j < data.targetDim(); j++) {
                float t = data.target(i, j);
                if (!Float.isFinite(t)) {
                    throw new IllegalArgumentException(role + " set '" + data.name() + "': row " + i + ", target " + j
                            + " is " + t + "; targets must be finite (fill or drop the rows with missing targets first)");
                }
            }
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Override
    public Sequential model() {
        return model;
    }

    @Override
    public void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    @Override
    public boolean stopRequested() {
        return stopReason != null;
    }

    @Override
    public OptimizerState optimizerState() {
        if (updater == null) {
            throw new IllegalStateException("the training run has not started: no optimiser state yet");
        }
        OptimizerState state = updater.state();
        return implicit == null ? state : implicit.appendState(state);
    }

    @Override
    public void restoreOptimizerState(OptimizerState state) {
        if (updater == null) {
            throw new IllegalStateException("the training run has not started: restore the optimiser state in onTrainStart");
        }
        if (ImplicitL2Stepper.carriesState(state)) {
            // a run without implicit L2 takes the optimiser's part only
            state = implicit == null ? ImplicitL2Stepper.withoutState(state) : implicit.restoreState(state);
        }
        updater.restore(state);
    }

    /**
     * The loss diverged: with a rate that adapts itself, the message gives the rate it had reached
     * (not the starting rate) and points at the hyper learning rate.
     */
    private DivergenceException divergence(int epoch, int batch, double loss, float lr) {
        Map<String, Double> rates = updater.adaptedRates();
        float clip = options.regularization().clipNorm();
        if (rates.isEmpty()) {
            return new DivergenceException(epoch, batch, loss, lr, clip);
        }
        String hyper = options.optimizer().hyperparameters().get("hyper_lr");
        return new DivergenceException(epoch, batch, loss, lr, clip, rates,
                hyper == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(Double.parseDouble(hyper)));
    }

    History run() {
        int n = train.size();
        int batch = Math.min(options.batchSize(), n);
        int steps = (n + batch - 1) / batch;
        int tail = n - (steps - 1) * batch;
        int targetDim = model.targetDim(train);
        int k = model.outputSize();
        Workspace full = model.workspace(batch, targetDim, true);
        Workspace last = tail == batch ? full : model.workspace(tail, targetDim, true);
        List<Param> params = model.parameters();
        Optimizer optimizer = options.optimizer();
        updater = optimizer.newUpdater(params, model.parameterLayers());
        Optimizer.Updater updater = this.updater;
        LearningRateSchedule.Scheduler scheduler = options.schedule().start(optimizer.learningRate(), options.epochs(), steps);
        Regularization reg = options.regularization();
        implicit = options.implicitL2()
                .map(settings -> new ImplicitL2Stepper(model, settings, optimizer, validation, batch, options.seed())).orElse(null);
        ImplicitL2Stepper implicit = this.implicit;
        int sinceHyperStep = 0;
        Rng shuffleRng = Rng.stream(options.seed(), 1);
        Pass pass = Pass.training(Rng.stream(options.seed(), 2));
        int[] order = identity(n);
        List<EpochResult> epochs = new ArrayList<>();
        List<TrainingListener> listeners = options.listeners();
        var stall = options.stallRule().orElse(null);
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestScore = Double.NEGATIVE_INFINITY;
        Sequential.Weights bestWeights = null;
        String scoreName = validation != null && validation.task() == org.nntune.nn.data.Task.CLASSIFICATION
                ? "val_accuracy" : "val_r2";
        int stalled = 0;

        for (TrainingListener l : listeners) {
            l.onTrainStart(this);
        }
        for (int epoch = 0; epoch < options.epochs() && stopReason == null; epoch++) {
            if (options.shuffle()) {
                shuffleRng.shuffle(order, n);
            }
            double sum = 0;
            int seen = 0;
            float lr = 0f;
            for (int b = 0; b < steps; b++) {
                int from = b * batch;
                int count = Math.min(batch, n - from);
                Workspace w = count == batch ? full : last;
                train.gather(order, from, count, w.acts[0], w.labels, w.values);
                if (targetDim > 0) {
                    model.trainingTargets(w.acts[0], w.values, count); // before preprocessing: a change target reads the raw last input
                }
                model.preprocessing().transform(w.acts[0], 0, count);
                model.forward(w, count, pass);
                double loss = model.loss().compute(w.output(), count, k, w.targets, w.grads[w.grads.length - 1]);
                lr = scheduler.rate(epoch, b);
                model.backward(w, count);
                loss += reg.applyPenalty(params);
                if (implicit != null) {
                    loss += implicit.applyPenalty();
                }
                // a NaN or infinite loss or penalty: stop before the update spreads it into the weights
                if (!Double.isFinite(loss)) {
                    throw divergence(epoch + 1, b + 1, loss, lr);
                }
                reg.clip(params);
                updater.step(lr);
                if (implicit != null && ++sinceHyperStep == implicit.period()) {
                    sinceHyperStep = 0;
                    implicit.hyperStep(w, count, epoch + 1, b + 1);
                }
                sum += loss * count;
                seen += count;
                for (int li = 0; li < listeners.size(); li++) { // indexed: no iterator per batch
                    listeners.get(li).onBatchEnd(this, epoch + 1, b + 1, loss);
                }
                if (stopReason != null) {
                    break;
                }
            }
            double trainLoss = sum / seen;
            scheduler.epochEnd(epoch, trainLoss);
            Map<String, Double> val = new LinkedHashMap<>();
            if (validation != null) {
                Evaluation e = model.evaluate(validation);
                val.put("val_loss", e.loss());
                e.metrics().forEach((name, v) -> val.put("val_" + name, v));
            }
            Map<String, Double> adapted = updater.adaptedRates(); // the rates the last step used
            if (adapted.containsKey("lr")) {
                lr = adapted.get("lr").floatValue();
            }
            if (updater instanceof Hypergradient.HdUpdater hd && !(options.schedule() instanceof LearningRateSchedule.Constant)) {
                // the schedule's factor is in lr: keep the adapted rate itself too, to restart the schedule from
                adapted = new LinkedHashMap<>(adapted);
                adapted.putAll(hd.baseRates());
            }
            if (implicit != null) {
                adapted = new LinkedHashMap<>(adapted);
                adapted.putAll(implicit.values());
            }
            EpochResult result = new EpochResult(epoch + 1, trainLoss, lr, val, adapted);
            epochs.add(result);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(this, result);
            }
            if (stall != null) {
                // scikit-learn's _update_no_improvement_count: the validation score, or the training loss
                if (stall.onValidationScore()) {
                    double score = val.getOrDefault(scoreName, Double.NaN);
                    stalled = !(score >= bestScore + stall.tolerance()) ? stalled + 1 : 0;
                    if (score > bestScore) {
                        bestScore = score;
                        bestWeights = model.weights();
                    }
                } else {
                    stalled = trainLoss > bestLoss - stall.tolerance() ? stalled + 1 : 0;
                    bestLoss = Math.min(bestLoss, trainLoss);
                }
                if (stalled > stall.patience()) {
                    if (scheduler.loweredAfterStall()) {
                        stalled = 0;
                    } else {
                        stop((stall.onValidationScore() ? "validation score (" + scoreName.substring(4) + ")"
                                : "training loss") + " did not improve by " + stall.tolerance() + " for "
                                + stall.patience() + " consecutive epochs");
                    }
                }
            }
        }
        if (bestWeights != null) {
            model.setWeights(bestWeights); // scikit-learn keeps the coefficients of the best validation score
        }
        History history = new History(epochs, stopReason != null ? stopReason : "completed " + epochs.size() + " epochs");
        Map<String, String> hp = options.hyperparameters();
        hp.put("epochs_run", Integer.toString(epochs.size()));
        int[] featureShape = trainedOn.featureShape();
        int[] shape = new int[featureShape.length + 1];
        shape[0] = trainedOn.size();
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        model.setProvenance(new Provenance(model.initSeed(), options.seed(), trainedOn.name(), trainedOn.fingerprint(), shape,
                hp, Version.NNTUNE));
        for (TrainingListener l : listeners) {
            l.onTrainEnd(this, history);
        }
        return history;
    }
}
