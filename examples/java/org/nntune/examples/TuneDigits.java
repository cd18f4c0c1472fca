package org.nntune.examples;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.model.EpochResult;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;
import org.nntune.nn.optim.Optimizer;
import org.nntune.search.ParamSource;
import org.nntune.tune.pruner.MedianPruner;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.StudyDirection;

import java.util.List;

/**
 * Define-by-run tuning with the library API: the objective builds a network from what it asks
 * the trial (through {@link ParamSource}, so the same code rebuilds the best network later) (the number of layers decides how many unit counts are asked),
 * trains it, reports each epoch's validation accuracy and stops when the median pruner says so.
 * The best configuration is then trained on all training rows and scored on the test rows.
 *
 * Run: {@code java -cp ... org.nntune.examples.TuneDigits [trials] [seed]}
 */
public final class TuneDigits {
    private TuneDigits() {}

    /** The study and the best configuration's test accuracy. */
    public record Outcome(Study study, double testAccuracy) {}

    public static Outcome run(int trials, long seed) {
        Dataset digits = Datasets.digits();
        Split outer = Splits.canonical(digits);
        Dataset train = outer.train(digits);
        Dataset test = outer.test(digits);
        Split inner = Splits.trainTest(train, 0.2, seed);
        Dataset fitPart = inner.train(train);
        Dataset validation = inner.test(train);
        FittedTransform scaler = Preprocessor.standard().fit(fitPart);

        Study study = Study.builder("digits-define-by-run")
                .direction(StudyDirection.MAXIMIZE)
                .sampler(TpeSampler.builder().seed(seed).nStartupTrials(5).build())
                .pruner(new MedianPruner(3, 3, 1, 1))
                .seed(seed)
                .create();
        study.optimize(trial -> {
            ParamSource params = ParamSource.of(trial);
            Sequential model = network(params, scaler, seed);
            FitOptions options = training(params, seed).validation(validation).listener(new TrainingListener() {
                @Override
                public void onEpochEnd(TrainingControl control, EpochResult result) {
                    trial.report(result.epoch(), result.metric("val_accuracy").orElseThrow());
                    if (trial.shouldPrune()) {
                        control.stop("pruned by the median pruner");
                    }
                }
            }).build();
            model.fit(fitPart, options);
            if (trial.shouldPrune()) {
                throw new TrialPrunedException("pruned at epoch " + trial.intermediateValues().lastKey());
            }
            return model.evaluate(validation).accuracy();
        }, trials);

        // the same code builds the final network from the best trial's values
        ParamSource best = ParamSource.fixed(study.bestParams());
        Sequential finalModel = network(best, Preprocessor.standard().fit(train), seed);
        finalModel.fit(train, training(best, seed).build());
        return new Outcome(study, finalModel.evaluate(test).accuracy());
    }

    /** The network the trial asks for: 1–2 hidden layers of 16–128 units, ReLU or tanh, optional dropout. */
    static Sequential network(ParamSource p, FittedTransform preprocessing, long seed) {
        Activation act = Activation.valueOf(p.suggestCategorical("activation", List.of("RELU", "TANH")));
        Sequential.Builder b = Sequential.builder().input(64).preprocessing(preprocessing).seed(seed);
        int layers = p.suggestInt("layers", 1, 2, false);
        for (int i = 1; i <= layers; i++) {
            b.dense(p.suggestInt("units_" + i, 16, 128, true), act);
        }
        double dropout = p.suggestFloat("dropout", 0.0, 0.3, false);
        if (dropout > 0.01) {
            b.dropout((float) dropout);
        }
        return b.dense(10).build();
    }

    /** Adam with the trial's learning rate, 25 epochs of batches of 32. */
    static FitOptions.Builder training(ParamSource p, long seed) {
        float lr = (float) p.suggestFloat("lr", 1e-4, 3e-2, true);
        return FitOptions.builder().epochs(25).batchSize(32).seed(seed).optimizer(Optimizer.adam(lr));
    }

    public static void main(String[] args) {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Outcome o = run(trials, seed);
        System.out.println("best params:         " + o.study().bestParams());
        System.out.printf("validation accuracy: %.4f%n", o.study().bestValue());
        System.out.printf("test accuracy:       %.4f%n", o.testAccuracy());
    }
}
