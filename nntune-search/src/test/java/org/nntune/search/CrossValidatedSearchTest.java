package org.nntune.search;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.model.Sequential;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.study.Objective;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CrossValidatedSearchTest {
    static Dataset train;
    static Dataset test;

    @BeforeAll
    static void data() {
        Dataset iris = Datasets.iris();
        Split s = Splits.canonical(iris);
        train = s.train(iris);
        test = s.test(iris);
    }

    /** Small, fast MLPs on iris. */
    static MlpSpace.Builder small() {
        return MlpSpace.builder().fixedDefaults().fix("hidden", List.of(16)).epochs(15).fix("batch_size", 16);
    }

    @Test
    void randomSearchResultsAreCompleteConsistentAndRefitWorks(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        MlpSpace space = small().lr(1e-3, 1e-1).activation("relu", "tanh").build();
        SearchResult r = RandomizedSearchCV.of(space, 6).cv(CvStrategy.stratifiedKFold(3)).seed(3).nJobs(2).build().fit(train);
        CvResults cv = r.cvResults();
        assertThat(cv.rows()).hasSize(6);
        assertThat(cv.splits()).isEqualTo(3);
        Set<Integer> candidates = new HashSet<>();
        List<Integer> ranks = new ArrayList<>();
        for (CvResults.Row row : cv.rows()) {
            assertThat(row.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(row.params()).containsOnlyKeys("lr", "activation");
            assertThat(row.splitScores()).hasSize(3);
            double mean = (row.splitScores()[0] + row.splitScores()[1] + row.splitScores()[2]) / 3;
            assertThat(row.meanScore()).isCloseTo(mean, within(1e-12));
            assertThat(java.util.Arrays.stream(row.fitTimes()).allMatch(t -> t > 0)).isTrue();
            assertThat(row.epochs()).containsOnly(15);
            candidates.add(row.candidate());
            ranks.add(row.rank());
            // the trial's value is the mean score
            FrozenTrial t = r.study().trials().get(row.candidate());
            assertThat(t.value()).isEqualTo(row.meanScore());
        }
        assertThat(candidates).hasSize(6);
        // ranks: 1 is the best mean; a better mean never has a worse rank
        for (CvResults.Row a : cv.rows()) {
            for (CvResults.Row b : cv.rows()) {
                if (a.meanScore() > b.meanScore()) {
                    assertThat(a.rank()).isLessThan(b.rank());
                }
                if (a.meanScore() == b.meanScore()) {
                    assertThat(a.rank()).isEqualTo(b.rank());
                }
            }
        }
        assertThat(Collections.min(ranks)).isEqualTo(1);
        assertThat(r.bestScore()).isEqualTo(cv.rows().stream().mapToDouble(CvResults.Row::meanScore).max().orElseThrow());
        assertThat(r.bestParams()).isEqualTo(r.study().bestTrial().params());

        // refit: the best configuration on all training rows
        NetworkEstimator best = (NetworkEstimator) r.bestEstimator();
        assertThat(best.model().provenance().dataShape()[0]).isEqualTo(train.size());
        assertThat(best.config().lr()).isEqualTo((Double) r.bestParams().get("lr"));
        assertThat(r.score(test)).isGreaterThanOrEqualTo(0.85);
        assertThat(best.predict(test)).hasSize(test.size());
        Path file = dir.resolve("best.nntm");
        best.save(file);
        assertThat(Sequential.load(file).predict(test)).containsExactly(best.predict(test));

        // the table as CSV: a header and one line per candidate
        Path csv = dir.resolve("cv.csv");
        cv.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).startsWith("candidate,mean_fit_time,std_fit_time,mean_score_time,std_score_time,param_activation,param_lr,params,split0_test_score,split1_test_score,split2_test_score,mean_test_score,std_test_score,rank_test_score,state,epochs,failure");
        assertThat(lines.get(1)).contains("COMPLETE");
    }

    @Test
    void preprocessingIsFittedOnEachFoldsTrainingRowsOnly() {
        List<Dataset> fittedOn = Collections.synchronizedList(new ArrayList<>());
        Preprocessor spy = new Preprocessor() {
            @Override
            public String name() {
                return "spy";
            }

            @Override
            public FittedTransform fit(Dataset d) {
                fittedOn.add(d);
                return StandardScaler.fit(d);
            }
        };
        MlpSpace space = small().epochs(2).build();
        SearchSpace spying = (p, seed) -> new NetworkEstimator(space.config(p), seed, spy);
        long seed = 11;
        SearchResult r = CrossValidatedSearch.builder(spying).cv(CvStrategy.stratifiedKFold(4)).nTrials(2).seed(seed)
                .build().fit(train);
        List<Split> folds = Splits.stratifiedKFold(train, 4, seed);
        // 2 candidates × 4 folds, then the refit on all training rows
        assertThat(fittedOn).hasSize(9);
        Set<String> foldTrainPrints = new HashSet<>();
        for (Split f : folds) {
            foldTrainPrints.add(f.train(train).fingerprint());
        }
        for (Dataset d : fittedOn.subList(0, 8)) {
            assertThat(foldTrainPrints).contains(d.fingerprint());
        }
        assertThat(fittedOn.get(8).fingerprint()).isEqualTo(train.fingerprint());
        // and the statistics: the refitted model's scaler holds the means of all training rows
        StandardScaler scaler = (StandardScaler) ((NetworkEstimator) r.bestEstimator()).model().preprocessing();
        assertThat(scaler.mean()).containsExactly(StandardScaler.fit(train).mean());
    }

    @Test
    void aFoldsScalerKnowsOnlyItsTrainingRows() {
        Split fold = Splits.stratifiedKFold(train, 5, 0).get(0);
        NetworkEstimator e = new NetworkEstimator(small().epochs(1).build().config(ParamSource.fixed(Map.of())), 0)
                .fit(fold.train(train));
        float[] mean = ((StandardScaler) e.model().preprocessing()).mean();
        assertThat(mean).containsExactly(StandardScaler.fit(fold.train(train)).mean());
        assertThat(mean).isNotEqualTo(StandardScaler.fit(train).mean());
    }

    @Test
    void aDivergingCandidateFailsWithItsReasonAndTheSearchGoesOn() {
        MlpSpace space = small().preprocessing("none").fix("optimizer", "sgd").fix("momentum", 0.0).epochs(30).build();
        SearchResult r = GridSearchCV.of(space, Map.of("lr", List.of(1e30, 0.05, 1e35))).cv(CvStrategy.kFold(3)).seed(1)
                .build().fit(train);
        List<CvResults.Row> rows = r.cvResults().rows();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).state()).isEqualTo(TrialState.FAIL);
        assertThat(rows.get(0).failure()).contains("diverged");
        assertThat(rows.get(0).meanScore()).isNaN();
        assertThat(rows.get(0).rank()).isEqualTo(2);
        assertThat(rows.get(1).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(rows.get(1).rank()).isEqualTo(1);
        assertThat(rows.get(2).state()).isEqualTo(TrialState.FAIL);
        assertThat(r.study().trials().get(0).state()).isEqualTo(TrialState.FAIL);
        assertThat(r.study().trials().get(0).failureReason().orElseThrow()).contains("diverged");
        assertThat(r.bestParams()).containsEntry("lr", 0.05);
        assertThat(r.cvResults().toCsv()).contains("diverged");
    }

    @Test
    void prunedCandidatesTrainFewerEpochsAndFoldsReportTheirRunningMean() {
        // the first candidates learn (good lr); later ones barely move (tiny lr) and are pruned
        MlpSpace space = small().epochs(12).fix("optimizer", "sgd").fix("momentum", 0.0).build();
        List<Object> lrs = List.of(0.3, 0.25, 0.2, 1e-6, 2e-6, 3e-6);
        SearchResult r = GridSearchCV.of(space, Map.of("lr", lrs)).cv(CvStrategy.stratifiedKFold(3))
                .pruner(new org.nntune.tune.pruner.MedianPruner(2, 2, 1, 1)).seed(5).refit(false).build().fit(train);
        List<CvResults.Row> rows = r.cvResults().rows();
        // the two start-up trials are never pruned
        assertThat(rows.subList(0, 2)).allMatch(row -> row.state() == TrialState.COMPLETE && row.maxEpochs() == 12);
        List<CvResults.Row> pruned = rows.stream().filter(row -> row.state() == TrialState.PRUNED).toList();
        long complete = rows.stream().filter(row -> row.state() == TrialState.COMPLETE).count();
        assertThat(pruned.stream().map(CvResults.Row::candidate)).contains(3, 4, 5);
        assertThat(pruned).allMatch(row -> row.maxEpochs() < 12 && row.rank() == complete + 1);
        // lock-step: every fold of a pruned candidate stopped after the same epoch
        for (CvResults.Row row : pruned) {
            assertThat(row.epochs()).containsOnly(row.epochs()[0]);
            FrozenTrial t = r.study().trials().get(row.candidate());
            assertThat(t.state()).isEqualTo(TrialState.PRUNED);
            assertThat(t.intermediateValues().lastKey()).isEqualTo(row.epochs()[0]);
        }
        // a complete candidate's last intermediate value is the mean of its folds' last-epoch scores
        FrozenTrial first = r.study().trials().get(0);
        assertThat(first.intermediateValues()).hasSize(12);
        assertThat(first.intermediateValues().get(12)).isCloseTo(rows.get(0).meanScore(), within(1e-12));
    }

    @Test
    void holdoutKeepsTheBestTrialsOwnModel() {
        MlpSpace space = small().lr(1e-2, 1e-1).build();
        SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.holdout(0.25)).nTrials(3).seed(2)
                .sampler(new RandomSampler()).pruner(Pruner.none()).keepBestTrialModel(true).refit(false).build().fit(train);
        Estimator own = r.bestTrialEstimator().orElseThrow();
        Split holdout = Splits.trainTest(train, 0.25, 2);
        assertThat(own.score(holdout.test(train))).isEqualTo(r.bestScore());
        assertThatThrownBy(r::bestEstimator).isInstanceOf(IllegalStateException.class).hasMessageContaining("refit(false)");
    }

    @Test
    void scorersAndDirections() {
        MlpSpace space = small().lr(1e-2, 1e-1).build();
        SearchResult r = RandomizedSearchCV.of(space, 3).scoring("log_loss").cv(CvStrategy.kFold(3)).seed(4).build().fit(train);
        assertThat(r.study().direction().name()).isEqualTo("MINIMIZE");
        assertThat(r.bestScore()).isEqualTo(r.cvResults().rows().stream().mapToDouble(CvResults.Row::meanScore).min().orElseThrow());
        assertThat(r.cvResults().scoring()).isEqualTo("log_loss");

        Scorer errors = Scorer.of("errors", false, (e, d) -> {
            int[] p = e.predict(d);
            int wrong = 0;
            for (int i = 0; i < p.length; i++) {
                wrong += p[i] != d.label(i) ? 1 : 0;
            }
            return wrong;
        });
        SearchResult u = RandomizedSearchCV.of(space, 2).scoring(errors).cv(CvStrategy.kFold(3)).seed(4).build().fit(train);
        assertThat(u.cvResults().rows()).allMatch(row -> row.meanScore() == Math.rint(row.meanScore() * 3) / 3);

        for (String name : Scorer.NAMES) {
            assertThat(Scorer.byName(name).name()).isEqualTo(name);
        }
        assertThatThrownBy(() -> Scorer.byName("auc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'auc'").hasMessageContaining("balanced_accuracy");
        assertThatThrownBy(() -> Scorer.r2().score(u.bestEstimator(), test)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("regression set");
    }

    @Test
    void misuseIsReported() {
        MlpSpace space = small().build();
        assertThatThrownBy(() -> CrossValidatedSearch.builder(space).nTrials(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nTrials");
        assertThatThrownBy(() -> CrossValidatedSearch.builder(space).keepBestTrialModel(true).build().fit(train))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("single split");
        assertThatThrownBy(() -> CvStrategy.parse("leave-one-out")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdout:FRACTION");
        assertThat(CvStrategy.parse(5)).isEqualTo(CvStrategy.stratifiedKFold(5));
        assertThat(CvStrategy.parse("holdout:0.2")).isEqualTo(CvStrategy.holdout(0.2));
        assertThatThrownBy(() -> GridSearchCV.of(Map.of("lr", List.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'lr' has no values");
        SearchSpace broken = (p, seed) -> {
            throw new IllegalArgumentException("no estimator for " + p.suggestFloat("x", 0, 1, false));
        };
        assertThatThrownBy(() -> CrossValidatedSearch.builder(broken).nTrials(2).build().fit(train))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no candidate completed")
                .hasMessageContaining("no estimator for");
    }

    /**
     * bestParams gives each grid value back as the grid gave it, as scikit-learn's best_params_ does
     * (a list of layer sizes, not the text the trial holds); the results' rows keep the trial's values.
     */
    @Test
    void bestParamsGivesTheGridsValuesAsGiven() {
        Map<String, List<?>> grid = new java.util.LinkedHashMap<>();
        grid.put("hidden_layer_sizes", List.of(List.of(16), List.of(8, 4)));
        grid.put("alpha", List.of(1e-4));
        grid.put("max_iter", List.of(5));
        SearchResult r = GridSearchCV.sklearn(grid).cv(CvStrategy.kFold(2)).seed(1).refit(false).build().fit(train);
        Object hidden = r.bestParams().get("hidden_layer_sizes");
        assertThat(hidden).isIn(List.of(16), List.of(8, 4));
        assertThat(r.bestParams()).containsEntry("alpha", 1e-4).containsEntry("max_iter", 5);
        assertThat(r.bestRow().params().get("hidden_layer_sizes")).isEqualTo(hidden.equals(List.of(16)) ? "16" : "8,4");
        assertThat(r.cvResults().rows()).extracting(row -> row.params().get("hidden_layer_sizes")).containsExactlyInAnyOrder("16", "8,4");

        SearchResult byText = GridSearchCV.of(small().build(), Map.of("hidden", List.of("16", "8,4"))).cv(CvStrategy.kFold(2))
                .seed(1).refit(false).build().fit(train);
        assertThat(byText.bestParams().get("hidden")).isIn("16", "8,4");
    }

    @Test
    void twinsShareTheirSplitsAcrossJobsAndGiveTheSameResultsAsOneJob() {
        // under scikit-learn semantics 'adaptive' is 'constant' for Adam: each pair of neighbours is one fit
        Map<String, List<?>> grid = new java.util.LinkedHashMap<>();
        grid.put("hidden_layer_sizes", List.of(List.of(4), List.of(8)));
        grid.put("alpha", List.of(1e-4, 1e-2));
        grid.put("learning_rate", List.of("constant", "adaptive"));
        grid.put("max_iter", List.of(30));
        List<List<double[]>> scores = new ArrayList<>();
        for (int jobs : new int[] {1, 2}) {
            SearchResult r = GridSearchCV.sklearn(grid).cv(CvStrategy.stratifiedKFold(5)).nJobs(jobs).seed(2).refit(false)
                    .build().fit(train);
            List<CvResults.Row> rows = new ArrayList<>(r.cvResults().rows());
            rows.sort(java.util.Comparator.comparingInt(CvResults.Row::candidate));
            assertThat(rows).hasSize(8).allMatch(row -> row.state() == TrialState.COMPLETE);
            List<double[]> s = new ArrayList<>();
            for (int c = 0; c < rows.size(); c += 2) {
                assertThat(rows.get(c + 1).params().get("learning_rate")).isEqualTo("adaptive");
                assertThat(rows.get(c + 1).splitScores()).containsExactly(rows.get(c).splitScores());
                assertThat(rows.get(c + 1).epochs()).containsExactly(rows.get(c).epochs());
                s.add(rows.get(c).splitScores());
            }
            scores.add(s);
        }
        for (int c = 0; c < scores.get(0).size(); c++) {
            assertThat(scores.get(1).get(c)).as("candidate pair %d", c).containsExactly(scores.get(0).get(c));
        }
    }

    @Test
    void theObjectiveOfAStudyDrivenElsewhereFitsTwinsOnce() throws Exception {
        // the CLI drives the study itself with objective(train) and a grid sampler: twins still share their fits
        java.util.concurrent.atomic.AtomicInteger fits = new java.util.concurrent.atomic.AtomicInteger();
        MlpSpace mlp = MlpSpace.builder().sklearnDefaults().fix("hidden", List.of(4)).fix("max_iter", 5)
                .choices("learning_rate", "constant", "adaptive").build();
        SearchSpace counted = (params, seed) -> new Counted(mlp.suggest(params, seed), fits);
        Objective objective = CrossValidatedSearch.builder(counted).cv(CvStrategy.stratifiedKFold(3)).seed(1).build()
                .objective(train);
        org.nntune.tune.study.Study study = org.nntune.tune.study.Study.builder("twins").storage(new org.nntune.tune.storage.InMemoryStorage())
                .direction(org.nntune.tune.trial.StudyDirection.MAXIMIZE).create();
        study.enqueueTrial(Map.of("learning_rate", "constant"));
        study.enqueueTrial(Map.of("learning_rate", "adaptive"));
        study.optimize(objective, org.nntune.tune.study.OptimizeOptions.trials(2));
        assertThat(study.trials()).hasSize(2).allMatch(t -> t.state() == TrialState.COMPLETE);
        assertThat(study.trials().get(1).values()).isEqualTo(study.trials().get(0).values());
        assertThat(fits.get()).as("splits fitted for two twin trials of 3 splits").isEqualTo(3);
    }

    @Test
    void learningCurvesWithoutAPrunerAreTheLockStepOnes() throws Exception {
        // early stopping on a 10 % split: the splits stop at different epochs, so the means mix running and final scores
        MlpSpace mlp = small().fix("early_stopping", 2).fix("lr", 0.05).epochs(12).build();
        Map<String, Object> point = Map.of();
        List<java.util.Map<Integer, Double>> curves = new ArrayList<>(); // step → mean held-out accuracy
        for (boolean lockstep : new boolean[] {true, false}) {
            CrossValidatedSearch.Builder b = CrossValidatedSearch.builder(mlp).cv(CvStrategy.stratifiedKFold(3)).seed(5);
            Objective objective = (lockstep ? b.pruner(Pruner.none()) : b.learningCurves(true)).build().objective(train);
            org.nntune.tune.study.Study study = org.nntune.tune.study.Study.builder("curves")
                    .storage(new org.nntune.tune.storage.InMemoryStorage()).direction(org.nntune.tune.trial.StudyDirection.MAXIMIZE)
                    .create();
            study.enqueueTrial(point);
            study.optimize(objective, org.nntune.tune.study.OptimizeOptions.trials(1));
            curves.add(study.trials().get(0).intermediateValues());
        }
        assertThat(curves.get(0)).isNotEmpty();
        assertThat(curves.get(1)).isEqualTo(curves.get(0));
    }

    /** An estimator that counts its fits. */
    private record Counted(Estimator inner, java.util.concurrent.atomic.AtomicInteger fits) implements Estimator {
        @Override
        public Estimator fit(Dataset data, EpochHook hook) {
            fits.incrementAndGet();
            inner.fit(data, hook);
            return this;
        }

        @Override
        public int[] predict(Dataset data) {
            return inner.predict(data);
        }

        @Override
        public float[][] predictProba(Dataset data) {
            return inner.predictProba(data);
        }

        @Override
        public float[][] predictValues(Dataset data) {
            return inner.predictValues(data);
        }

        @Override
        public Map<String, Object> describe() {
            return inner.describe();
        }

        @Override
        public java.util.Optional<Object> fitKey() {
            return inner.fitKey();
        }
    }
}
