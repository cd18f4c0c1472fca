package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.tensor.Rng;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FitTest {
    private static final TrainTest IRIS = TestData.standardized(Datasets.iris());

    private static Sequential irisModel(long seed) {
        return Sequential.builder().input(4).dense(16, Activation.RELU).dropout(0.1f).dense(3).seed(seed).build();
    }

    /**
     * The iris network without dropout: with a tiny rate its epoch loss is nearly constant, so the
     * stall rules' epoch counts follow from the rules alone, not from dropout's noise.
     */
    private static Sequential stallingModel() {
        return Sequential.builder().input(4).dense(16, Activation.RELU).dense(3).seed(1).build();
    }

    private static int[] bits(Sequential m) {
        List<Integer> out = new ArrayList<>();
        for (float[] v : m.weights().values()) {
            for (float f : v) {
                out.add(Float.floatToRawIntBits(f));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void sameSeedsGiveBitwiseIdenticalWeights() {
        FitOptions o = FitOptions.builder().epochs(5).batchSize(16).seed(7).validationFraction(0.2).build();
        Sequential a = irisModel(3);
        Sequential b = irisModel(3);
        a.fit(IRIS.train(), o);
        b.fit(IRIS.train(), o);
        assertThat(bits(a)).isEqualTo(bits(b));
        Sequential c = irisModel(3);
        c.fit(IRIS.train(), FitOptions.builder().epochs(5).batchSize(16).seed(8).validationFraction(0.2).build());
        assertThat(bits(c)).isNotEqualTo(bits(a));
        assertThat(bits(irisModel(4))).isNotEqualTo(bits(irisModel(3)));
    }

    @Test
    void historyAndListenersSeeEveryBatchAndEpoch() {
        List<String> events = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onTrainStart(TrainingControl c) {
                events.add("start");
            }

            @Override
            public void onBatchEnd(TrainingControl c, int epoch, int batch, double loss) {
                events.add("b" + epoch + "." + batch);
                assertThat(loss).isFinite().isPositive();
            }

            @Override
            public void onEpochEnd(TrainingControl c, EpochResult r) {
                events.add("e" + r.epoch());
                assertThat(r.validation()).containsKeys("val_loss", "val_accuracy", "val_balanced_accuracy", "val_f1_macro");
            }

            @Override
            public void onTrainEnd(TrainingControl c, History h) {
                events.add("end");
            }
        };
        // 120 training rows, 24 held out: 96 rows in batches of 40 → 40, 40, 16
        History h = irisModel(1).fit(IRIS.train(), FitOptions.builder().epochs(2).batchSize(40).validationFraction(0.2)
                .listener(l).build());
        assertThat(events).containsExactly("start", "b1.1", "b1.2", "b1.3", "e1", "b2.1", "b2.2", "b2.3", "e2", "end");
        assertThat(h.epochCount()).isEqualTo(2);
        assertThat(h.stopReason()).isEqualTo("completed 2 epochs");
    }

    @Test
    void aListenerMayStopTraining() {
        TrainingListener stopper = new TrainingListener() {
            @Override
            public void onBatchEnd(TrainingControl c, int epoch, int batch, double loss) {
                if (epoch == 2 && batch == 1) {
                    c.stop("pruned by the test");
                }
            }
        };
        History h = irisModel(1).fit(IRIS.train(), FitOptions.builder().epochs(50).listener(stopper).build());
        assertThat(h.epochCount()).isEqualTo(2);
        assertThat(h.stopReason()).isEqualTo("pruned by the test");
    }

    @Test
    void earlyStoppingStopsAndRestoresTheBestWeights() {
        EarlyStopping es = new EarlyStopping("val_loss", 3, 0, true);
        Sequential m = irisModel(1);
        // a rate far too high for this problem: the validation loss soon stops improving
        History h = m.fit(IRIS.train(), FitOptions.builder().epochs(200).batchSize(8).validation(IRIS.test())
                .optimizer(Optimizer.sgd(0.5f, 0.9f, false)).listener(es).build());
        assertThat(h.epochCount()).isLessThan(200);
        assertThat(h.stopReason()).startsWith("early stopping: val_loss did not improve for 3 epochs");
        assertThat(h.epochCount()).isEqualTo(es.bestEpoch() + 3);
        double bestSeen = h.epochs().stream().mapToDouble(EpochResult::validationLoss).min().orElseThrow();
        assertThat(es.best()).isEqualTo(bestSeen);
        assertThat(m.evaluate(IRIS.test()).loss()).isCloseTo(bestSeen, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void earlyStoppingOnAMissingMetricSaysWhatIsAvailable() {
        assertThatThrownBy(() -> irisModel(1).fit(IRIS.train(), FitOptions.builder().epochs(2)
                .listener(EarlyStopping.onValidationLoss(2)).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("monitors 'val_loss'").hasMessageContaining("no validation set");
    }

    @Test
    void sklearnStoppingRuleStopsWhenTheTrainingLossStalls() {
        // SGD with a tiny rate: the loss falls by less than 1e-4 per epoch from the start
        History h = stallingModel().fit(IRIS.train(), FitOptions.builder().epochs(500).sklearnStopping()
                .optimizer(Optimizer.sgd(1e-7f)).build());
        // as scikit-learn: epoch 1 sets the best loss, epochs 2..12 fail to beat it: 11 > 10, stop
        assertThat(h.epochCount()).isEqualTo(12);
        assertThat(h.stopReason()).contains("did not improve by 1.0E-4 for 10 consecutive epochs");
    }

    @Test
    void adaptiveRateDividesByFiveInsteadOfStopping() {
        // scikit-learn's rule and 'adaptive' rate with a coarse tolerance, so that the tiny rate surely stalls
        History h = stallingModel().fit(IRIS.train(), FitOptions.builder().epochs(30).stallRule(0.01, 10)
                .optimizer(Optimizer.sgd(1e-5f)).schedule(new LearningRateSchedule.ReduceOnPlateau(0.2f, 10, 0.01f, 1e-9f)).build());
        assertThat(h.epochCount()).isEqualTo(30);
        // the stall is seen at the end of epoch 12, and again 11 epochs later, at the end of epoch 23
        assertThat(h.epochs().get(11).learningRate()).isEqualTo(1e-5f);
        assertThat(h.epochs().get(12).learningRate()).isEqualTo(1e-5f * 0.2f);
        assertThat(h.epochs().get(22).learningRate()).isEqualTo(1e-5f * 0.2f);
        assertThat(h.epochs().get(23).learningRate()).isEqualTo(1e-5f * 0.2f * 0.2f);
    }

    @Test
    void adaptiveRateAtItsFloorLetsTheRuleStop() {
        // 1e-7 is below scikit-learn's floor of 1e-6: no division, the stall stops training
        History h = stallingModel().fit(IRIS.train(), FitOptions.builder().epochs(30).sklearnStopping()
                .optimizer(Optimizer.sgd(1e-7f)).schedule(LearningRateSchedule.adaptive()).build());
        assertThat(h.epochCount()).isEqualTo(12);
    }

    @Test
    void nanLossThrowsADivergenceExceptionThatSaysWhatToTry() {
        float[] x = {1e30f, 1f, -1e30f, 2f, 3f, 1e30f, 0f, 1f};
        Dataset d = Dataset.regression("huge", x, new int[] {2}, new float[] {1e30f, -1e30f, 1e30f, 0f}, 1, List.of());
        Sequential m = Sequential.builder().input(2).dense(4, Activation.RELU).dense(1).loss(Loss.mse()).build();
        assertThatThrownBy(() -> m.fit(d, FitOptions.builder().epochs(20).batchSize(2)
                .optimizer(Optimizer.sgd(10f)).build()))
                .isInstanceOf(DivergenceException.class)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("training diverged at epoch 1")
                .hasMessageContaining("lower learning rate (it was 10.0)")
                .hasMessageContaining("clipNorm")
                // the facts behind the advice, for a front end that words its own (the CLI, in study-file keys)
                .isInstanceOfSatisfying(DivergenceException.class, e -> {
                    assertThat(e.epoch()).isEqualTo(1);
                    assertThat(e.learningRate()).isEqualTo(10f);
                    assertThat(e.clipNorm()).isZero();
                    assertThat(e.adaptedRates()).isEmpty();
                    assertThat(e.hyperLearningRate()).isEmpty();
                });
        assertThatThrownBy(() -> m.fit(d, FitOptions.builder().epochs(20).batchSize(2).clipNorm(0.5)
                .optimizer(Optimizer.sgd(10f)).build()))
                .isInstanceOfSatisfying(DivergenceException.class, e -> assertThat(e.clipNorm()).isEqualTo(0.5f));
    }

    @Test
    void aDivergenceSurvivesJavaSerialization() throws Exception {
        // an exception crosses process boundaries serialized (RMI, Spark's task results); OptionalDouble is not Serializable
        for (DivergenceException e : List.of(new DivergenceException(3, 7, Double.NaN, 0.1f, 1f),
                new DivergenceException(2, 5, Double.POSITIVE_INFINITY, 0.01f, 0f, Map.of("lr", 3.5), OptionalDouble.of(1e-3)))) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(e);
            }
            DivergenceException back;
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                    new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                back = (DivergenceException) in.readObject();
            }
            assertThat(back.getMessage()).isEqualTo(e.getMessage());
            assertThat(back.epoch()).isEqualTo(e.epoch());
            assertThat(back.adaptedRates()).isEqualTo(e.adaptedRates());
            assertThat(back.hyperLearningRate()).isEqualTo(e.hyperLearningRate());
        }
    }

    @Test
    void theTrainingLoopAllocatesNothingPerBatch() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        
        TrainTest digits = TestData.standardized(Datasets.digitsImages());
        int maxEpochs = 80; // the loop stops at the second clean epoch; the bound only covers a slow JIT
        long[] perEpoch = new long[maxEpochs + 1];
        int[] clean = new int[1];
        TrainingListener meter = new TrainingListener() {
            long start;

            @Override
            public void onBatchEnd(TrainingControl c, int epoch, int batch, double loss) {
                if (batch == 1) {
                    start = mx.getCurrentThreadAllocatedBytes();
                } else if (batch == 41) {
                    perEpoch[epoch] = mx.getCurrentThreadAllocatedBytes() - start;
                    // two epochs in a row without allocation: warmed up and allocation-free
                    clean[0] = perEpoch[epoch] < 4_096 ? clean[0] + 1 : 0;
                    if (clean[0] == 2) {
                        c.stop("allocation-free");
                    }
                }
            }
        };
        Sequential m = Sequential.builder().input(1, 8, 8).conv2d(4, 3, 1, 1, Activation.RELU).batchNorm().maxPool2d(2)
                .flatten().dropout(0.1f).dense(10).build();
        History h = m.fit(digits.train(), FitOptions.builder().epochs(maxEpochs).batchSize(32).l2(1e-4f).clipNorm(5f)
                .schedule(LearningRateSchedule.cosine(1, 0f)).listener(meter).build());
        // batches 2..41 of an epoch (conv, batch norm, pooling, dropout, dense, L2, clipping, fused
        // softmax cross-entropy, fused Adam) allocate a handful of bytes at most once the JIT has
        // compiled the loop. Vector kernels box vectors until C2 compiles them, which on a loaded
        // machine takes a varying number of epochs (each vector kernel runs at tier 3, boxing, until
        // C2 has it; epochs here are ~50 ms); a real per-batch allocation never goes away,
        // so it would keep every epoch above the bound and fail this.
        assertThat(clean[0]).as("consecutive allocation-free epochs; bytes per epoch %s", java.util.Arrays.toString(perEpoch))
                .isEqualTo(2);
        assertThat(h.stopReason()).contains("allocation-free");
    }

    @Test
    void predictionFromSeveralThreadsMatchesOneThread() throws Exception {
        Sequential m = Sequential.builder().input(4).dense(16, Activation.RELU).batchNorm().dense(3, Activation.SOFTMAX).build();
        m.fit(IRIS.train(), FitOptions.builder().epochs(20).build());
        float[][] expected = m.predictProba(IRIS.test());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> fs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                fs.add(pool.submit(() -> {
                    float[][] p = null;
                    for (int r = 0; r < 20; r++) {
                        p = m.predictProba(IRIS.test());
                    }
                    return p;
                }));
            }
            for (Future<float[][]> f : fs) {
                assertThat(f.get()).isDeepEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        Evaluation e = m.evaluate(IRIS.test());
        int[] truth = IRIS.test().labels();
        assertThat(e.metric("log_loss")).isCloseTo(org.nntune.nn.metric.Metrics.logLoss(truth, expected),
                org.assertj.core.api.Assertions.within(1e-9));
        // unweighted softmax cross-entropy is the log loss (up to float rounding of the probabilities)
        assertThat(e.loss()).isCloseTo(e.metric("log_loss"), org.assertj.core.api.Assertions.within(1e-5));
        assertThat(e.accuracy()).isEqualTo(org.nntune.nn.metric.Metrics.accuracy(truth, m.predict(IRIS.test())));
        assertThatThrownBy(() -> e.metric("r2")).hasMessageContaining("no metric 'r2'; available: [accuracy");
        int[] classes = m.predict(IRIS.test());
        for (int i = 0; i < classes.length; i++) {
            float[] row = expected[i];
            assertThat(row[classes[i]]).isEqualTo(Math.max(row[0], Math.max(row[1], row[2])));
            assertThat(row[0] + row[1] + row[2]).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    void regressionAndBinaryModelsTrainAndPredict() {
        Rng rng = new Rng(5);
        int n = 200;
        float[] x = new float[n * 2];
        float[] y = new float[n];
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) (rng.nextDouble() * 2 - 1);
            x[2 * i + 1] = (float) (rng.nextDouble() * 2 - 1);
            y[i] = 3 * x[2 * i] - 2 * x[2 * i + 1] + 0.5f;
            c[i] = x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0;
        }
        Dataset reg = Dataset.regression("line", x, new int[] {2}, y, 1, List.of());
        for (Loss loss : List.of(Loss.mse(), Loss.mae(), Loss.huber(1f))) {
            Sequential m = Sequential.builder().input(2).dense(1).loss(loss).build();
            m.fit(reg, FitOptions.builder().epochs(60).batchSize(16).optimizer(Optimizer.adam(0.05f)).build());
            assertThat(m.evaluate(reg).metric("r2")).as(loss.toString()).isGreaterThan(0.99);
            // rmse is mse's root, in the targets' units
            assertThat(m.evaluate(reg).metric("rmse")).isEqualTo(Math.sqrt(m.evaluate(reg).metric("mse")));
            assertThat(m.predictValues(reg)[0][0]).isCloseTo(y[0], org.assertj.core.api.Assertions.within(0.2f));
        }
        Dataset bin = Dataset.classification("half-planes", x, new int[] {2}, c, List.of(), List.of("no", "yes"));
        Sequential m = Sequential.builder().input(2).dense(1).loss(Loss.binaryCrossEntropy()).build();
        m.fit(bin, FitOptions.builder().epochs(60).batchSize(16).optimizer(Optimizer.adam(0.05f)).build());
        assertThat(m.evaluate(bin).accuracy()).isGreaterThan(0.95);
        float[][] p = m.predictProba(bin);
        assertThat(p[0][0] + p[0][1]).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(m.predict(bin)[0]).isEqualTo(p[0][1] > 0.5f ? 1 : 0);
        assertThatThrownBy(() -> Sequential.builder().input(2).dense(1).loss(Loss.mse()).build().predictProba(reg))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("predictValues");
    }

    @Test
    void mismatchedDataIsRefusedWithAClearMessage() {
        Sequential m = irisModel(1);
        TrainTest digits = TestData.canonical(Datasets.digits());
        assertThatThrownBy(() -> m.fit(digits.train(), FitOptions.builder().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training set 'digits' has 64 features (shape [64]) but the model's input is [4]");
        Sequential wide = Sequential.builder().input(64).dense(3).build();
        assertThatThrownBy(() -> wide.fit(digits.train(), FitOptions.builder().build()))
                .hasMessageContaining("has 10 classes but the network has 3 outputs");
        assertThatThrownBy(() -> m.fit(IRIS.train(), FitOptions.builder().validation(digits.test()).build()))
                .hasMessageContaining("validation set 'digits'");
        assertThatThrownBy(() -> FitOptions.builder().epochs(0)).hasMessageContaining("epochs must be >= 1, got 0");
        assertThatThrownBy(() -> FitOptions.builder().validationFraction(1.0)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Optimizer.adam(-1f)).hasMessageContaining("learning rate must be finite and > 0, got -1.0");
        // a rate float32 cannot hold is named as given, not as the 0 or infinity it becomes
        assertThatThrownBy(() -> Optimizer.adam(1e-50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("learning rate must be finite and > 0 in float32, got 1.0E-50, which is 0.0 in float32");
        assertThatThrownBy(() -> Optimizer.sgd(1e50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1.0E50, which is Infinity in float32");
    }

    @Test
    void anEmptyTrainingOrValidationSetIsRefusedBeforeTraining() {
        Sequential m = irisModel(1);
        Dataset empty = Dataset.classification("d", new float[0], new int[] {4}, new int[0], List.of(), List.of("a", "b", "c"));
        assertThatThrownBy(() -> m.fit(empty, FitOptions.builder().epochs(2).batchSize(8).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("training set 'd' has no rows");
        assertThatThrownBy(() -> m.fit(empty, FitOptions.builder().epochs(2).validationFraction(0.2).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("training set 'd' has no rows");
        assertThatThrownBy(() -> m.fit(IRIS.train(), FitOptions.builder().epochs(2).validation(empty.named("v")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("validation set 'v' has no rows");
        // a fraction that leaves no row for validation (or none for training) says so
        Dataset two = IRIS.train().subset(new int[] {0, 1});
        assertThatThrownBy(() -> m.fit(two, FitOptions.builder().validationFraction(0.1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves 0 for validation");
        assertThatThrownBy(() -> m.fit(two, FitOptions.builder().validationFraction(0.9).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves 2 for validation and 0 for training");
    }

    @Test
    void aMissingOrInfiniteValueIsNamedBeforeTrainingNotReportedAsDivergence() {
        Sequential m = irisModel(1);
        float[] x = IRIS.train().features();
        x[5 * 4 + 1] = Float.NaN;
        Dataset nan = Dataset.classification("d", x, new int[] {4}, IRIS.train().labels(), List.of(), IRIS.train().classNames());
        FitOptions options = FitOptions.builder().epochs(2).batchSize(8).build();
        assertThatThrownBy(() -> m.fit(nan, options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("training set 'd': row 5, feature 1 is NaN; inputs must be finite (fill or drop missing values first)");
        // named features are named; infinities too; the validation set given to fit and a fraction split from the data
        float[] y = IRIS.train().features();
        y[3 * 4 + 2] = Float.NEGATIVE_INFINITY;
        Dataset inf = Dataset.classification("v", y, new int[] {4}, IRIS.train().labels(), List.of("a", "b", "c", "e"),
                IRIS.train().classNames());
        assertThatThrownBy(() -> m.fit(IRIS.train(), FitOptions.builder().epochs(2).validation(inf).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("validation set 'v': row 3, feature 2 ('c') is -Infinity; inputs must be finite (fill or drop missing values first)");
        assertThatThrownBy(() -> m.fit(nan, FitOptions.builder().epochs(2).validationFraction(0.2).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 5, feature 1 is NaN");
        // a regression target
        Sequential r = Sequential.builder().input(2).dense(4, Activation.RELU).dense(1).loss(Loss.mse()).build();
        Dataset target = Dataset.regression("t", new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new int[] {2},
                new float[] {1f, Float.NaN, 2f}, 1, List.of());
        assertThatThrownBy(() -> r.fit(target, options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("training set 't': row 1, target 0 is NaN; targets must be finite (fill or drop the rows with missing targets first)");
        Dataset posInf = Dataset.regression("p", new float[] {1f, 2f, Float.POSITIVE_INFINITY, 4f}, new int[] {2},
                new float[] {1f, 2f}, 1, List.of());
        assertThatThrownBy(() -> r.fit(posInf, options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1, feature 0 is Infinity");
    }

    @Test
    void provenanceRecordsSeedsDataAndHyperparameters() {
        Sequential m = irisModel(9);
        assertThat(m.provenance().trained()).isFalse();
        m.fit(IRIS.train(), FitOptions.builder().epochs(2).seed(4).batchSize(10).optimizer(Optimizer.adamW(0.01f, 0.05f))
                .hyperparameter("trial", "17").build());
        Provenance p = m.provenance();
        assertThat(p.trained()).isTrue();
        assertThat(p.initSeed()).isEqualTo(9);
        assertThat(p.fitSeed()).isEqualTo(4);
        assertThat(p.dataName()).isEqualTo("iris");
        assertThat(p.dataFingerprint()).isEqualTo(IRIS.train().fingerprint());
        assertThat(p.dataShape()).containsExactly(120, 4);
        assertThat(p.hyperparameters()).containsEntry("optimizer", "adamw").containsEntry("weight_decay", "0.05")
                .containsEntry("batch_size", "10").containsEntry("epochs_run", "2").containsEntry("trial", "17");
        assertThat(p.nntuneVersion()).isNotEqualTo("unknown").isNotBlank();
    }

    @Test
    void sklearnEarlyStoppingWatchesTheValidationScore() {
        // a tiny rate: the validation accuracy never moves; epoch 1 sets the best, epochs 2..12 fail to beat it by 1e-4
        History h = stallingModel().fit(IRIS.train(), FitOptions.builder().epochs(500).sklearnEarlyStopping(1e-4, 10, 0.1)
                .optimizer(Optimizer.sgd(1e-7f)).build());
        assertThat(h.epochCount()).isEqualTo(12);
        assertThat(h.stopReason()).contains("validation score (accuracy) did not improve by 1.0E-4 for 10 consecutive epochs");
        assertThat(h.epochs().get(0).validation()).containsKey("val_accuracy");
    }

    @Test
    void sklearnEarlyStoppingEndsWithTheBestValidationEpochsWeights() {
        List<Double> scores = new ArrayList<>();
        List<Sequential.Weights> snapshots = new ArrayList<>();
        Sequential m = irisModel(3);
        FitOptions options = FitOptions.builder().epochs(40).batchSize(8).seed(5).optimizer(Optimizer.adam(0.05f))
                .sklearnEarlyStopping(1e-4, 3, 0.2).listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(TrainingControl control, EpochResult result) {
                        scores.add(result.metric("val_accuracy").orElseThrow());
                        snapshots.add(control.model().weights());
                    }
                }).build();
        m.fit(IRIS.train(), options);
        int best = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i) > scores.get(best)) {
                best = i;
            }
        }
        List<float[]> expected = snapshots.get(best).values();
        List<float[]> actual = m.weights().values();
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("tensor %d is the best epoch's (%d of %d)", i, best + 1, scores.size())
                    .isEqualTo(expected.get(i));
        }
    }

    @Test
    void sklearnEarlyStoppingOnARegressionSetWatchesR2() {
        Dataset iris = IRIS.train();
        float[] petal = new float[iris.size()];
        for (int i = 0; i < iris.size(); i++) {
            petal[i] = iris.feature(i, 3);
        }
        Dataset reg = Dataset.regression("petal", iris.features(), new int[] {4}, petal, 1, iris.featureNames());
        Sequential m = Sequential.builder().input(4).dense(8, Activation.RELU).dense(1).loss(org.nntune.nn.loss.Loss.mse()).build();
        // a rate so small that R² moves by far less than 1e-4 per epoch, even from a poor start
        History h = m.fit(reg, FitOptions.builder().epochs(500).sklearnEarlyStopping(1e-4, 10, 0.1)
                .optimizer(Optimizer.sgd(1e-12f)).build());
        assertThat(h.stopReason()).contains("validation score (r2)");
        assertThat(h.epochCount()).isEqualTo(12);
        assertThat(h.epochs().get(0).validation()).containsKey("val_r2");
    }
}
