package org.nntune.search;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.tune.pruner.HyperbandPruner;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The time-budget mode of a search: its settings, the clock (with a hand-driven time, so nothing
 * here depends on the machine's speed), the brackets' promotions, and whole searches on digits that
 * keep their budget, refit included (asserted with a generous tolerance, never a tight time).
 */
class TimeBudgetTest {
    static Dataset train;
    static Dataset test;

    @BeforeAll
    static void data() {
        Dataset digits = Datasets.digits();
        Split s = Splits.canonical(digits);
        train = s.train(digits);
        test = s.test(digits);
    }

    @Test
    void settingsAreCheckedAndEachPartCanBeTurnedOff() {
        TimeBudget b = TimeBudget.of(Duration.ofSeconds(30));
        assertThat(b.maxEpochs()).isEqualTo(27);
        assertThat(b.brackets()).isEqualTo(4);
        assertThat(b.minEpochs()).isEqualTo(1);
        assertThat(b.refit()).isTrue();
        assertThat(b.pruner()).isNotSameAs(Pruner.none());
        assertThat(TimeBudget.maxBrackets(9)).isEqualTo(3);
        assertThat(TimeBudget.maxBrackets(8)).isEqualTo(2);
        assertThat(TimeBudget.maxBrackets(1)).isEqualTo(1);
        assertThat(b.withBrackets(2).minEpochs()).isEqualTo(9);
        assertThat(b.withBrackets(1).pruner()).isSameAs(Pruner.none());
        assertThat(b.withMaxEpochs(3).brackets()).isEqualTo(2);
        assertThat(b.withRefit(false).refit()).isFalse();
        assertThatThrownBy(() -> b.withBrackets(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brackets must be 1 to 4 with 27 max epochs");
        assertThatThrownBy(() -> b.withMaxEpochs(0)).hasMessageContaining("maxEpochs must be >= 1");
        assertThatThrownBy(() -> TimeBudget.of(Duration.ZERO)).hasMessageContaining("must be positive");
    }

    private static FrozenTrial curve(int number, double... values) {
        TreeMap<Integer, Double> iv = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            iv.put(i + 1, values[i]);
        }
        return new FrozenTrial(number, number, TrialState.COMPLETE, List.of(values[values.length - 1]), Map.of(), Map.of(),
                Map.of(), Map.of(), iv, java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty());
    }

    @Test
    void clockReservesTheBestTrialsRefitAndStopsEpochsThatWouldOverrun() {
        AtomicLong now = new AtomicLong();
        BudgetClock clock = new BudgetClock(new TimeBudget(Duration.ofSeconds(100), 9, 3, true), 1000, true, now::get);
        assertThat(clock.allowsNewTrial()).isTrue(); // nothing measured yet
        assertThat(clock.reserveSeconds()).isZero();
        // trial 0: 1 s per epoch on 800 rows; before a best is known, the median trial at max epochs
        clock.epochDone(0, 1.0, 800);
        // plus the allowance: 2 % of the 100 s budget
        assertThat(clock.reserveSeconds()).isCloseTo(1.0 / 800 * 1000 * 9 * BudgetClock.MARGIN + 2,
                org.assertj.core.api.Assertions.within(1e-9));
        // its validation accuracy peaked at epoch 4: the refit is 4 epochs on 1000 rows
        FrozenTrial best = curve(0, 0.5, 0.7, 0.8, 0.85, 0.84, 0.83);
        assertThat(clock.refitEpochs(best)).isEqualTo(4);
        clock.bestIs(best);
        double reserve = 1.0 / 800 * 1000 * 4 * BudgetClock.MARGIN + 2;
        assertThat(clock.reserveSeconds()).isCloseTo(reserve, org.assertj.core.api.Assertions.within(1e-9));
        // 100 s − 8.25 s reserve: at 90 s one more 1-second epoch fits, at 91 s it does not
        now.set(Duration.ofSeconds(90).toNanos());
        assertThat(clock.allowsEpoch(1.0)).isTrue();
        now.set(Duration.ofSeconds(91).toNanos() + 1);
        assertThat(clock.allowsEpoch(1.0)).isFalse();
        assertThat(clock.allowsNewTrial()).isFalse();
        // the refit stops before an epoch that would end after the budget; building its network (4 s, from 89 s) is
        // not an epoch: counted as one, the first epoch would have taken 6 s, and 5 s left would have stopped the refit
        now.set(Duration.ofSeconds(89).toNanos());
        List<Integer> epochs = new ArrayList<>();
        EpochHook hook = clock.refitHook(epochs::add);
        now.addAndGet(Duration.ofMillis(4000).toNanos());
        hook.started();
        now.addAndGet(Duration.ofMillis(2000).toNanos());
        assertThat(hook.afterEpoch(1)).isTrue();   // at 95 s, 2 s epochs, 5 s left
        now.addAndGet(Duration.ofMillis(2000).toNanos());
        assertThat(hook.afterEpoch(2)).isTrue();   // at 97 s, 3 s left
        now.addAndGet(Duration.ofMillis(2000).toNanos());
        assertThat(hook.afterEpoch(3)).isFalse();  // at 99 s, 1 s left: a 2 s epoch would overrun
        assertThat(epochs).containsExactly(1, 2, 3);
        // refit off: no reserve
        BudgetClock noRefit = new BudgetClock(new TimeBudget(Duration.ofSeconds(100), 9, 3, false), 1000, true, now::get);
        noRefit.epochDone(0, 1.0, 800);
        assertThat(noRefit.reserveSeconds()).isZero();
        // minimising (a loss): the refit epochs are where the loss was lowest
        BudgetClock loss = new BudgetClock(TimeBudget.of(Duration.ofSeconds(10)), 10, false, now::get);
        assertThat(loss.refitEpochs(curve(1, 0.9, 0.5, 0.4, 0.6))).isEqualTo(3);
    }

    /**
     * A running trial whose score already beats the best's may become the best late: the reserve covers
     * its refit too (at its own speed and peak epoch), so that the search does not spend the time it needs.
     */
    @Test
    void aRunningTrialThatBeatsTheBestIsReservedForToo() {
        AtomicLong now = new AtomicLong();
        BudgetClock clock = new BudgetClock(new TimeBudget(Duration.ofSeconds(100), 9, 3, true), 1000, true, now::get);
        clock.epochDone(0, 1.0, 800, 1, 0.8);
        clock.epochDone(0, 1.0, 800, 2, 0.85);
        clock.trialDone(0);
        clock.bestIs(curve(0, 0.8, 0.85));
        double bestReserve = 2.0 / 1600 * 1000 * 2 * BudgetClock.MARGIN + 2;
        assertThat(clock.reserveSeconds()).isCloseTo(bestReserve, org.assertj.core.api.Assertions.within(1e-9));
        // trial 1: a network 4 times slower, not yet better: the best's reserve
        clock.epochDone(1, 4.0, 800, 1, 0.6);
        assertThat(clock.reserveSeconds()).isCloseTo(bestReserve, org.assertj.core.api.Assertions.within(1e-9));
        // at its third epoch it beats the best: its refit (3 epochs at 4 s per 800 rows) is reserved
        clock.epochDone(1, 4.0, 800, 2, 0.8);
        clock.epochDone(1, 4.0, 800, 3, 0.9);
        double contender = 4.0 / 800 * 1000 * 3 * BudgetClock.MARGIN + 2;
        assertThat(clock.reserveSeconds()).isCloseTo(contender, org.assertj.core.api.Assertions.within(1e-9));
        // a lower score later does not move its peak
        clock.epochDone(1, 4.0, 800, 4, 0.7);
        assertThat(clock.reserveSeconds()).isCloseTo(contender, org.assertj.core.api.Assertions.within(1e-9));
        // once it has finished, the best trial (whichever it is) sets the reserve again
        clock.trialDone(1);
        assertThat(clock.reserveSeconds()).isCloseTo(bestReserve, org.assertj.core.api.Assertions.within(1e-9));
        // minimising: a lower loss is the better score
        BudgetClock loss = new BudgetClock(new TimeBudget(Duration.ofSeconds(100), 9, 3, true), 1000, false, now::get);
        loss.epochDone(0, 1.0, 800, 1, 0.5);
        loss.trialDone(0);
        loss.bestIs(curve(0, 0.5));
        loss.epochDone(1, 4.0, 800, 1, 0.7);
        double lossBest = 1.0 / 800 * 1000 * 1 * BudgetClock.MARGIN + 2;
        assertThat(loss.reserveSeconds()).isCloseTo(lossBest, org.assertj.core.api.Assertions.within(1e-9));
        loss.epochDone(1, 4.0, 800, 2, 0.4);
        assertThat(loss.reserveSeconds()).isCloseTo(4.0 / 800 * 1000 * 2 * BudgetClock.MARGIN + 2,
                org.assertj.core.api.Assertions.within(1e-9));
    }

    /** A new trial may draw the space's largest network: it starts only if the longest epoch seen still fits. */
    @Test
    void aNewTrialStartsOnlyIfTheLongestEpochSeenFits() {
        AtomicLong now = new AtomicLong();
        BudgetClock clock = new BudgetClock(new TimeBudget(Duration.ofSeconds(100), 9, 3, false), 1000, true, now::get);
        clock.epochDone(0, 0.1, 800);
        clock.epochDone(1, 2.0, 800);
        now.set(Duration.ofMillis(98_500).toNanos()); // 1.5 s left: the quick trial's epoch fits, the large one's not
        assertThat(clock.allowsEpoch(0.1)).isTrue();
        assertThat(clock.allowsNewTrial()).isFalse();
        now.set(Duration.ofMillis(97_000).toNanos());
        assertThat(clock.allowsNewTrial()).isTrue();
    }

    /**
     * A process's first epochs run while the JVM compiles: with two trials warming up side by side they
     * took 1.9 s where later epochs took milliseconds, and the refit's estimate (and the advice of a
     * budget "too short": 20 of those epochs) was off tenfold. The estimates follow warm epochs: a
     * trial's epochs after its first, or a first epoch started once the JVM was warm.
     */
    @Test
    void theEstimatesFollowWarmEpochsNotTheProcesssColdFirstOnes() {
        AtomicLong now = new AtomicLong();
        BudgetClock clock = new BudgetClock(new TimeBudget(Duration.ofSeconds(10), 9, 3, true), 1000, true, now::get);
        // trials 0 and 1 start together; their first epochs end at 2 s, both cold
        now.set(Duration.ofMillis(2000).toNanos());
        clock.epochDone(0, 2.0, 800, 1, 0.8);
        clock.epochDone(1, 1.9, 800, 1, 0.7);
        // nothing warm yet: the cold epochs are all there is
        assertThat(clock.warm()).isFalse();
        assertThat(clock.refitEpochSeconds(curve(0, 0.8))).isCloseTo(2.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(clock.longestEpochSeconds()).isEqualTo(2.0);
        // trial 0's second epoch: 20 ms
        now.set(Duration.ofMillis(2020).toNanos());
        clock.epochDone(0, 0.02, 800, 2, 0.9);
        assertThat(clock.warm()).isTrue();
        // the refit of trial 0 (2 epochs): 25 ms an epoch on 1000 rows, not (2 + 0.02) / 1600 × 1000 = 1.26 s
        assertThat(clock.refitEpochSeconds(curve(0, 0.8, 0.9))).isCloseTo(0.025, org.assertj.core.api.Assertions.within(1e-9));
        clock.bestIs(curve(0, 0.8, 0.9));
        assertThat(clock.reserveSeconds()).isCloseTo(0.025 * 2 * BudgetClock.MARGIN + 0.2, org.assertj.core.api.Assertions.within(1e-9));
        // trial 1 had only its cold first epoch: it stands at the warm median, no slower than it was
        assertThat(clock.refitEpochSeconds(curve(1, 0.7))).isCloseTo(0.025, org.assertj.core.api.Assertions.within(1e-9));
        // a new trial must fit the longest warm epoch, and trial 1's next epoch is expected no longer than it
        assertThat(clock.longestEpochSeconds()).isEqualTo(0.02);
        now.set(Duration.ofMillis(8000).toNanos()); // 2 s left, 1.74 s for the search
        assertThat(clock.allowsNewTrial()).isTrue();
        assertThat(clock.allowsEpoch(1.9)).isFalse();
        assertThat(clock.allowsNextEpoch(1, 1.9)).isTrue();
        // trial 0's next epoch is expected as long as its last
        assertThat(clock.allowsNextEpoch(0, 1.9)).isFalse();
        // a trial started after the JVM was warm: its first epoch counts, even if it is a larger network
        clock.epochDone(2, 0.4, 800, 1, 0.5);
        assertThat(clock.refitEpochSeconds(curve(2, 0.5))).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(clock.longestEpochSeconds()).isEqualTo(0.4);
    }

    @Test
    void aClockStartedElsewhereKeepsItsDeadlineAndReservesForABestItDidNotTime() {
        // started 30 s ago by another process: 70 s of a 100 s budget left
        BudgetClock clock = BudgetClock.startedAt(new TimeBudget(Duration.ofSeconds(100), 9, 3, true),
                java.time.Instant.now().minusSeconds(30), 1000, true);
        assertThat(clock.elapsed().toSeconds()).isBetween(30L, 31L);
        assertThat(clock.secondsLeft()).isBetween(69.0, 70.0);
        // the best trial ran in another worker: its peak epoch (2) at the speed measured here (1 s per 800 rows)
        clock.epochDone(5, 1.0, 800);
        clock.bestIs(curve(0, 0.7, 0.9, 0.8));
        assertThat(clock.reserveSeconds()).isCloseTo(1.0 / 800 * 1000 * 2 * BudgetClock.MARGIN + 2,
                org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void bracketsPromoteTheTopThirdOfEachRung() {
        // 9 max epochs, 2 brackets: min 3 epochs, rungs at 3 (bracket 0) and none before 9 (bracket 1)
        TimeBudget b = new TimeBudget(Duration.ofMinutes(1), 9, 2, true);
        assertThat(b.minEpochs()).isEqualTo(3);
        HyperbandPruner pruner = b.hyperband();
        Study s = Study.builder("brackets").direction(StudyDirection.MAXIMIZE).pruner(b.pruner()).create();
        java.util.Random rnd = new java.util.Random(7);
        List<Double> rung3 = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            Trial t = s.ask();
            double quality = rnd.nextDouble();
            int bracket = -1;
            boolean pruned = false;
            int step = 1;
            for (; step <= 9; step++) {
                t.report(step, quality);
                if (bracket < 0) {
                    bracket = pruner.bracketOf(s.view(), t.number());
                }
                if (t.shouldPrune()) {
                    pruned = true;
                    break;
                }
            }
            if (bracket == 1) {
                // its first rung is at 9 epochs, the end of training: never pruned
                assertThat(pruned).as("trial %d of the bracket without rungs before 9", n).isFalse();
            } else {
                // bracket 0: at epoch 3 it goes on only if among the top third of the values seen at that rung
                rung3.add(quality);
                List<Double> sorted = new ArrayList<>(rung3);
                sorted.sort(java.util.Comparator.reverseOrder());
                int keep = Math.max(1, sorted.size() / 3);
                boolean top = quality >= sorted.get(keep - 1);
                assertThat(pruned).as("trial %d, value %.3f, rung %s", n, quality, sorted).isEqualTo(!top);
                if (pruned) {
                    assertThat(step).isEqualTo(3);
                }
            }
            if (pruned) {
                s.tellPruned(t);
            } else {
                s.tell(t, quality);
            }
        }
        assertThat(s.trials(java.util.EnumSet.of(TrialState.PRUNED))).isNotEmpty();
    }

    static MlpSpace.Builder digitsSpace() {
        return MlpSpace.builder().fixedDefaults().preprocessing("standard").fix("batch_size", 32)
                .lr(1e-3, 3e-2).choices("hidden", 32, 64).range("dropout", 0, 0.3);
    }

    @Test
    void searchKeepsItsBudgetRefitIncludedAndRefitsTheBestEpochCount() {
        Duration budget = Duration.ofSeconds(8);
        long t0 = System.nanoTime();
        SearchResult r = CrossValidatedSearch.builder(digitsSpace().build()).cv(CvStrategy.holdout(0.2)).seed(1)
                .timeBudget(new TimeBudget(budget, 9, 3, true)).build().fit(train);
        double wall = (System.nanoTime() - t0) / 1e9;
        // generous: the budget holds up to the last epoch's length and the bookkeeping; a loaded machine never fails this
        assertThat(wall).isLessThan(budget.toSeconds() * 1.5 + 5);
        List<FrozenTrial> trials = r.study().trials();
        assertThat(trials).isNotEmpty(); // how many depends on the machine's speed and load
        for (FrozenTrial t : trials) {
            assertThat(t.intermediateValues().keySet()).allMatch(step -> step >= 1 && step <= 9);
            if (t.state() == TrialState.COMPLETE && t.userAttrs().containsKey(BudgetClock.STOPPED_ATTR)) {
                // a trial the budget stopped keeps its last reported value
                assertThat(t.value()).isEqualTo(t.intermediateValues().lastEntry().getValue());
            }
        }
        FrozenTrial best = r.study().trials().get(r.bestCandidate());
        int peak = new BudgetClock(TimeBudget.of(budget), 1, true, System::nanoTime).refitEpochs(best);
        NetworkEstimator refitted = (NetworkEstimator) r.bestEstimator();
        assertThat(refitted.epochsTrained()).isBetween(1, peak);
        assertThat(refitted.config().epochs()).isEqualTo(peak);
        assertThat(r.score(test)).isGreaterThan(0.8);
    }

    @Test
    void randomizedSearchWithKFoldAndNoBracketsTrainsEveryTrialToMaxEpochsUnlessTheBudgetStopsIt() {
        SearchResult r = RandomizedSearchCV.within(digitsSpace().build(), new TimeBudget(Duration.ofSeconds(6), 4, 1, false))
                .cv(CvStrategy.stratifiedKFold(3)).seed(2).build().fit(train);
        for (FrozenTrial t : r.study().trials()) {
            assertThat(t.state()).isIn(TrialState.COMPLETE, TrialState.PRUNED);
            if (t.state() == TrialState.PRUNED) {
                // only a trial that found no time for an epoch
                assertThat(t.intermediateValues()).isEmpty();
            } else if (!t.userAttrs().containsKey(BudgetClock.STOPPED_ATTR)) {
                assertThat(t.intermediateValues().lastKey()).isEqualTo(4);
            }
        }
        assertThat(r.cvResults().splits()).isEqualTo(3);
        assertThatThrownBy(r::bestEstimator).hasMessageContaining("refit(false)");
    }

    @Test
    void gridsAndPlainSpacesAreRefused() {
        assertThatThrownBy(() -> GridSearchCV.of(Map.of("lr", List.of(0.01, 0.1))).timeBudget(Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a grid keeps its exact grid");
        SearchSpace plain = (p, seed) -> { throw new AssertionError(); };
        assertThatThrownBy(() -> CrossValidatedSearch.builder(plain).timeBudget(Duration.ofSeconds(5)).build())
                .hasMessageContaining("a time budget needs a network space");
    }
}
