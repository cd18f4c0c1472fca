package org.nntune.tune.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link Storage}, run against every backend: extend this class, implement
 * {@link #newStorage()} (an empty storage for each test) and the suite runs. Shipped in
 * nntune-tune's test-jar for the database storages.
 */
public abstract class StorageContractTest {

    /** @return a new, empty storage; closed after each test */
    protected abstract Storage newStorage();

    /** @return a new, empty storage whose {@link Storage#artifacts()} hold at most {@code capBytes} per study */
    protected abstract Storage newStorageWithArtifactCap(long capBytes);

    protected Storage storage;
    private int names;

    @BeforeEach
    void openStorage() {
        storage = newStorage();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    /** A study name unique to this test run (database backends may share a schema). */
    protected String uniqueName(String base) {
        return base + "-" + System.nanoTime() + "-" + (names++);
    }

    private long newStudy(StudyDirection... directions) {
        return storage.createStudy(uniqueName("s"), List.of(directions));
    }

    private static final FloatDistribution X = FloatDistribution.uniform(-5, 5);

    // ---------------------------------------------------------------- studies

    @Test
    void createsFindsAndDescribesStudies() {
        String name = uniqueName("study");
        long id = storage.createStudy(name, List.of(StudyDirection.MAXIMIZE));
        assertThat(storage.findStudyId(name)).hasValue(id);
        assertThat(storage.getStudyId(name)).isEqualTo(id);
        assertThat(storage.findStudyId(uniqueName("absent"))).isEmpty();
        StudySummary s = storage.getStudy(id);
        assertThat(s.name()).isEqualTo(name);
        assertThat(s.directions()).containsExactly(StudyDirection.MAXIMIZE);
        assertThat(s.nTrials()).isZero();
        assertThat(s.datetimeStart()).isEmpty();
        assertThat(storage.getStudyDirections(id)).containsExactly(StudyDirection.MAXIMIZE);
        assertThat(storage.getAllStudies()).extracting(StudySummary::studyId).contains(id);
        storage.createTrial(id);
        assertThat(storage.getStudy(id).nTrials()).isEqualTo(1);
        assertThat(storage.getStudy(id).datetimeStart()).isPresent();
    }

    @Test
    void rejectsDuplicateBlankAndDirectionlessStudies() {
        String name = uniqueName("dup");
        storage.createStudy(name, List.of(StudyDirection.MINIMIZE));
        assertThatThrownBy(() -> storage.createStudy(name, List.of(StudyDirection.MINIMIZE)))
                .isInstanceOf(StudyAlreadyExistsException.class).hasMessageContaining(name);
        assertThatThrownBy(() -> storage.createStudy(" ", List.of(StudyDirection.MINIMIZE)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.createStudy(uniqueName("nodir"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.getStudyId(uniqueName("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no study");
    }

    @Test
    void concurrentCreationOfOneNameHasOneWinner() throws Exception {
        String name = uniqueName("race");
        AtomicInteger wins = new AtomicInteger();
        runConcurrently(4, i -> {
            try {
                storage.createStudy(name, List.of(StudyDirection.MINIMIZE));
                wins.incrementAndGet();
            } catch (StudyAlreadyExistsException expected) {
                // lost the race
            }
        });
        assertThat(wins.get()).isEqualTo(1);
    }

    @Test
    void deletesStudiesWithTheirTrials() {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial t = storage.createTrial(id);
        storage.deleteStudy(id);
        assertThat(storage.getAllStudies()).extracting(StudySummary::studyId).doesNotContain(id);
        assertThatThrownBy(() -> storage.getStudy(id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.getTrial(t.trialId())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.deleteStudy(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownIdsAreIllegalArguments() {
        assertThatThrownBy(() -> storage.getStudy(987654321L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.createTrial(987654321L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.getTrial(987654321L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.getTrial(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.getTrial(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.getAllTrials(987654321L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void studyAttributesRoundTripNormalised() {
        long id = newStudy(StudyDirection.MINIMIZE);
        storage.setStudyUserAttr(id, "int", 3);
        storage.setStudyUserAttr(id, "list", List.of(1, "a", true, 0.5));
        storage.setStudyUserAttr(id, "int", 4);
        storage.setStudySystemAttr(id, "definition", Map.of("lr", List.of(0.1, 0.01)));
        assertThat(storage.getStudyUserAttrs(id)).containsEntry("int", 4L)
                .containsEntry("list", List.of(1L, "a", true, 0.5));
        assertThat(storage.getStudySystemAttrs(id)).containsEntry("definition", Map.of("lr", List.of(0.1, 0.01)));
        assertThat(storage.getStudy(id).userAttrs()).containsKeys("int", "list");
    }

    @Test
    void studyCreatedWithSystemAttributesAtOnceAndOneRemoved() {
        String name = uniqueName("with-attrs");
        long id = storage.createStudy(name, List.of(StudyDirection.MAXIMIZE),
                Map.of("copy_in_progress", Map.of("trials", 3), "seed", 7));
        assertThat(storage.getStudySystemAttrs(id)).containsEntry("copy_in_progress", Map.of("trials", 3L))
                .containsEntry("seed", 7L);
        assertThat(storage.getAllStudies()).filteredOn(s -> s.studyId() == id).singleElement()
                .satisfies(s -> assertThat(s.isIncompleteCopy()).isTrue());
        assertThat(storage.getStudyDirections(id)).containsExactly(StudyDirection.MAXIMIZE);
        assertThatThrownBy(() -> storage.createStudy(name, List.of(StudyDirection.MINIMIZE), Map.of("other", 1)))
                .isInstanceOf(StudyAlreadyExistsException.class);
        assertThat(storage.getStudySystemAttrs(id)).doesNotContainKey("other");

        storage.deleteStudySystemAttr(id, "copy_in_progress");
        storage.deleteStudySystemAttr(id, "never-set"); // nothing to remove: no error
        assertThat(storage.getStudySystemAttrs(id)).containsOnlyKeys("seed");
        assertThat(storage.getStudy(id).isIncompleteCopy()).isFalse();
        assertThatThrownBy(() -> storage.deleteStudySystemAttr(987654321L, "seed")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compareAndSetOfStudySystemAttributes() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        assertThat(storage.compareAndSetStudySystemAttr(id, "k", Optional.empty(), 1)).isTrue();
        assertThat(storage.compareAndSetStudySystemAttr(id, "k", Optional.empty(), 2)).isFalse();
        assertThat(storage.compareAndSetStudySystemAttr(id, "k", Optional.of(5), 2)).isFalse();
        assertThat(storage.compareAndSetStudySystemAttr(id, "k", Optional.of(1), 2)).isTrue();
        assertThat(storage.getStudySystemAttrs(id)).containsEntry("k", 2L);

        AtomicInteger wins = new AtomicInteger();
        runConcurrently(4, i -> {
            if (storage.compareAndSetStudySystemAttr(id, "race", Optional.empty(), "worker-" + i)) {
                wins.incrementAndGet();
            }
        });
        assertThat(wins.get()).isEqualTo(1);
        AtomicInteger swaps = new AtomicInteger();
        Object current = storage.getStudySystemAttrs(id).get("race");
        runConcurrently(4, i -> {
            if (storage.compareAndSetStudySystemAttr(id, "race", Optional.of(current), "second-" + i)) {
                swaps.incrementAndGet();
            }
        });
        assertThat(swaps.get()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- trials

    @Test
    void createsRunningTrialsNumberedFromZero() {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial a = storage.createTrial(id);
        FrozenTrial b = storage.createTrial(id);
        assertThat(a.number()).isZero();
        assertThat(b.number()).isEqualTo(1);
        assertThat(a.trialId()).isNotEqualTo(b.trialId());
        assertThat(a.state()).isEqualTo(TrialState.RUNNING);
        assertThat(a.datetimeStart()).isPresent();
        assertThat(a.datetimeComplete()).isEmpty();
        assertThat(a.values()).isEmpty();
        assertThat(a.params()).isEmpty();
        assertThat(storage.getTrial(b.trialId())).isEqualTo(b);
        long other = newStudy(StudyDirection.MINIMIZE);
        assertThat(storage.createTrial(other).number()).isZero();
    }

    @Test
    void concurrentCreationGivesGaplessUniqueNumbers() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        List<Integer> numbers = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(4, i -> {
            for (int k = 0; k < 10; k++) {
                numbers.add(storage.createTrial(id).number());
            }
        });
        assertThat(numbers).hasSize(40).doesNotHaveDuplicates();
        assertThat(new HashSet<>(numbers)).isEqualTo(rangeSet(40));
    }

    @Test
    void startTrialWithinKeepsTheBudgetUnderConcurrency() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        Set<TrialState> counted = EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
        storage.finishTrial(storage.createTrial(id).trialId(), TrialState.COMPLETE, List.of(1.0), Optional.empty());
        List<Integer> numbers = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(4, i -> {
            while (true) {
                Optional<FrozenTrial> t = storage.startTrialWithin(id, counted, 13);
                if (t.isEmpty()) {
                    break;
                }
                numbers.add(t.get().number());
                if (t.get().number() % 2 == 0) { // finished trials count as well as running ones
                    storage.finishTrial(t.get().trialId(), TrialState.FAIL, List.of(), Optional.of("test"));
                }
            }
        });
        assertThat(numbers).hasSize(12).doesNotHaveDuplicates();
        assertThat(storage.countTrials(id, EnumSet.allOf(TrialState.class))).isEqualTo(13);
        assertThat(storage.startTrialWithin(id, counted, 13)).isEmpty();
        assertThat(storage.startTrialWithin(id, EnumSet.of(TrialState.COMPLETE), 2)).isPresent();
        assertThatThrownBy(() -> storage.startTrialWithin(id + 1_000_000, counted, 5))
                .isInstanceOf(IllegalArgumentException.class);
        // without a budget (PostgreSQL: the one-statement creation, which inserts nothing for an unknown study)
        assertThatThrownBy(() -> storage.startTrialWithin(id + 1_000_000, counted, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startTrialWithinClaimsWaitingTrialsFirstInNumberOrder() {
        long id = newStudy(StudyDirection.MINIMIZE);
        Set<TrialState> counted = EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
        FrozenTrial template = FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(), Map.of());
        FrozenTrial first = storage.createTrial(id, withSystemAttr(template, "fixed_params", Map.of("x", 1.5)));
        FrozenTrial second = storage.createTrial(id, template);

        FrozenTrial a = storage.startTrialWithin(id, counted, 3).orElseThrow();
        assertThat(a.trialId()).isEqualTo(first.trialId());
        assertThat(a.state()).isEqualTo(TrialState.RUNNING);
        assertThat(a.datetimeStart()).isPresent();
        assertThat(a.systemAttrs()).containsEntry("fixed_params", Map.of("x", 1.5));
        assertThat(storage.getTrial(first.trialId()).state()).isEqualTo(TrialState.RUNNING);

        FrozenTrial b = storage.startTrialWithin(id, counted, Integer.MAX_VALUE).orElseThrow();
        assertThat(b.trialId()).isEqualTo(second.trialId());
        FrozenTrial c = storage.startTrialWithin(id, counted, 3).orElseThrow();
        assertThat(c.number()).isEqualTo(2);
        assertThat(c.state()).isEqualTo(TrialState.RUNNING);
        assertThat(storage.startTrialWithin(id, counted, 3)).isEmpty();
    }

    @Test
    void aTrialStartedWithItsFirstBeatIsFoundStaleIfItsWorkerDiesAtOnce() {
        long id = newStudy(StudyDirection.MINIMIZE);
        Set<TrialState> counted = EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
        FrozenTrial silent = storage.startTrialWithin(id, counted, 5).orElseThrow(); // no beat: never stale
        FrozenTrial created = storage.startTrialWithin(id, counted, 5, true).orElseThrow();
        storage.createTrial(id, FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(), Map.of()));
        FrozenTrial claimed = storage.startTrialWithin(id, counted, 5, true).orElseThrow();
        assertThat(claimed.number()).isEqualTo(2);
        assertThat(storage.failStaleTrials(id, Duration.ofSeconds(-60)))
                .containsExactlyInAnyOrder(created.trialId(), claimed.trialId());
        assertThat(storage.getTrial(silent.trialId()).state()).isEqualTo(TrialState.RUNNING);
    }

    /** What {@code nntune delete} asks before deleting a study: the RUNNING trials whose worker beats. */
    @Test
    void liveTrialsAreTheRunningOnesWithAFreshHeartbeat() {
        long id = newStudy(StudyDirection.MINIMIZE);
        long other = newStudy(StudyDirection.MINIMIZE);
        Set<TrialState> counted = EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
        FrozenTrial silent = storage.startTrialWithin(id, counted, 9).orElseThrow(); // no beat: no worker known
        FrozenTrial beating = storage.startTrialWithin(id, counted, 9, true).orElseThrow();
        FrozenTrial finished = storage.startTrialWithin(id, counted, 9, true).orElseThrow();
        FrozenTrial later = storage.createTrial(id);
        storage.recordHeartbeat(later.trialId());
        storage.finishTrial(finished.trialId(), TrialState.COMPLETE, List.of(1.0), Optional.empty());
        storage.startTrialWithin(other, counted, 9, true).orElseThrow();
        assertThat(silent.number()).isZero();
        assertThat(storage.liveTrialNumbers(id, Duration.ofHours(1))).containsExactly(beating.number(), later.number());
        assertThat(storage.liveTrialNumbers(id, Duration.ofSeconds(-60))).as("every beat older than the grace").isEmpty();
        assertThatThrownBy(() -> storage.liveTrialNumbers(Math.max(id, other) + 1000, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startTrialWithinWritesTheSystemAttrsOfTheStartInEveryPath() {
        long id = newStudy(StudyDirection.MINIMIZE);
        Set<TrialState> counted = EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
        TrialStart stamp = TrialStart.PLAIN.withSystemAttr("worker", "host:1/w-0").withSystemAttr("n", "start");
        // created without a budget or a beat (PostgreSQL: the one-statement creation), within a budget with a beat,
        // and claimed from the queue (keeping what it was queued with; the start's value of a key wins)
        FrozenTrial free = storage.startTrialWithin(id, counted, Integer.MAX_VALUE, stamp).orElseThrow();
        FrozenTrial beating = storage.startTrialWithin(id, counted, 10, new TrialStart(true, stamp.systemAttrs()))
                .orElseThrow();
        storage.createTrial(id, withSystemAttr(withSystemAttr(FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(),
                Map.of()), "fixed_params", Map.of("x", 1.5)), "n", "queued"));
        FrozenTrial claimed = storage.startTrialWithin(id, counted, 10, stamp).orElseThrow();
        assertThat(claimed.number()).isEqualTo(2);
        for (FrozenTrial t : List.of(free, beating, claimed)) {
            for (FrozenTrial seen : List.of(t, storage.getTrial(t.trialId()))) {
                assertThat(seen.state()).isEqualTo(TrialState.RUNNING);
                assertThat(seen.systemAttrs()).as("trial " + t.number()).containsEntry("worker", "host:1/w-0")
                        .containsEntry("n", "start");
            }
        }
        assertThat(storage.getTrial(claimed.trialId()).systemAttrs()).containsEntry("fixed_params", Map.of("x", 1.5));
        assertThat(storage.failStaleTrials(id, Duration.ofSeconds(-60))).containsExactly(beating.trialId());
    }

    @Test
    void createTrialWithAStartWritesItsBeatAndSystemAttrsWithTheTrial() {
        long id = newStudy(StudyDirection.MINIMIZE);
        storage.createTrial(id, FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(), Map.of())); // never claimed
        TrialStart stamp = TrialStart.PLAIN.withSystemAttr("worker", "host:1/w-0").withSystemAttr("round", 3L)
                .withSystemAttr("changes", Map.of("lr", List.of(0.1, 0.2)));
        // without a beat (PostgreSQL: one statement either way), with one, and a start that asks for nothing
        FrozenTrial silent = storage.createTrial(id, stamp);
        FrozenTrial beating = storage.createTrial(id, new TrialStart(true, stamp.systemAttrs()));
        FrozenTrial plain = storage.createTrial(id, TrialStart.PLAIN);
        assertThat(List.of(silent.number(), beating.number(), plain.number())).containsExactly(1, 2, 3);
        for (FrozenTrial t : List.of(silent, beating)) {
            for (FrozenTrial seen : List.of(t, storage.getTrial(t.trialId()))) {
                assertThat(seen.state()).as("trial " + t.number()).isEqualTo(TrialState.RUNNING);
                assertThat(seen.datetimeStart()).as("trial " + t.number()).isPresent();
                assertThat(seen.systemAttrs()).as("trial " + t.number()).containsEntry("worker", "host:1/w-0")
                        .containsEntry("round", 3L).containsEntry("changes", Map.of("lr", List.of(0.1, 0.2)));
            }
        }
        assertThat(storage.getTrial(plain.trialId()).systemAttrs()).isEmpty();
        assertThat(storage.getAllTrials(id).get(0).state()).isEqualTo(TrialState.WAITING);
        assertThat(storage.failStaleTrials(id, Duration.ofSeconds(-60))).containsExactly(beating.trialId());
        assertThatThrownBy(() -> storage.createTrial(id + 1_000_000, stamp)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.createTrial(id + 1_000_000, new TrialStart(true, stamp.systemAttrs())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void claimsOfWaitingTrialsAreCountedInTheBudgetUnderConcurrency() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        Set<TrialState> counted = EnumSet.of(TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL);
        FrozenTrial template = FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(), Map.of());
        for (int i = 0; i < 10; i++) {
            storage.createTrial(id, template);
        }
        List<Long> started = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(4, i -> {
            while (true) {
                Optional<FrozenTrial> t = storage.startTrialWithin(id, counted, 6);
                if (t.isEmpty()) {
                    break;
                }
                started.add(t.get().trialId());
                storage.finishTrial(t.get().trialId(), TrialState.COMPLETE, List.of(1.0), Optional.empty());
            }
        });
        assertThat(started).hasSize(6).doesNotHaveDuplicates();
        assertThat(storage.countTrials(id, EnumSet.of(TrialState.COMPLETE))).isEqualTo(6);
        assertThat(storage.countTrials(id, EnumSet.of(TrialState.WAITING))).isEqualTo(4);
        assertThat(storage.getAllTrials(id, EnumSet.of(TrialState.COMPLETE))).extracting(FrozenTrial::number)
                .containsExactly(0, 1, 2, 3, 4, 5); // the queue is taken in order
        assertThat(storage.countTrials(id, EnumSet.allOf(TrialState.class))).isEqualTo(10); // nothing created
    }

    private static Set<Integer> rangeSet(int n) {
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < n; i++) {
            s.add(i);
        }
        return s;
    }

    @Test
    void paramsOfEveryDistributionRoundTripInOrder() {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial t = storage.createTrial(id);
        Map<String, Distribution> dists = new LinkedHashMap<>();
        dists.put("z_lr", FloatDistribution.logUniform(1e-5, 1e-1));
        dists.put("a_drop", FloatDistribution.stepped(0, 0.5, 0.1));
        dists.put("m_units", new IntDistribution(16, 512, false, 16));
        dists.put("layers", IntDistribution.logUniform(1, 8));
        dists.put("opt", CategoricalDistribution.of("sgd", 3, 0.5, true));
        double[] internal = {1e-3, 0.30000000000000004, 64, 2, 2};
        int k = 0;
        for (Map.Entry<String, Distribution> e : dists.entrySet()) {
            storage.setTrialParam(t.trialId(), e.getKey(), internal[k++], e.getValue());
        }
        FrozenTrial read = storage.getTrial(t.trialId());
        assertThat(read.params().keySet()).containsExactly("z_lr", "a_drop", "m_units", "layers", "opt");
        assertThat(read.distributions()).isEqualTo(dists);
        assertThat(read.params().get("z_lr")).isEqualTo(1e-3);
        assertThat(read.params().get("m_units")).isEqualTo(64L);
        assertThat(read.params().get("opt")).isEqualTo(0.5);
        assertThat(read.internalParam("opt")).isEqualTo(2.0);
        assertThat(read.internalParam("z_lr")).isEqualTo(1e-3);
    }

    @Test
    void rejectsBadAndRepeatedParams() {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial t = storage.createTrial(id);
        assertThatThrownBy(() -> storage.setTrialParam(t.trialId(), "x", 7, X))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.setTrialParam(t.trialId(), "c", 3, CategoricalDistribution.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class);
        storage.setTrialParam(t.trialId(), "x", 1, X);
        assertThatThrownBy(() -> storage.setTrialParam(t.trialId(), "x", 2, X))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("x");
        assertThat(storage.getTrial(t.trialId()).params()).containsExactly(Map.entry("x", 1.0));
    }

    @Test
    void writesThatHandTheTrialBackHandBackWhatIsStored() {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial t = storage.createTrial(id);
        FrozenTrial afterParam = storage.setTrialParamAndGet(t.trialId(), "x", 1, X);
        if (afterParam != null) { // null: the storage does not hand it back (a database storage)
            assertThat(afterParam).isEqualTo(storage.getTrial(t.trialId()));
        }
        assertThat(storage.getTrial(t.trialId()).params()).containsExactly(Map.entry("x", 1.0));
        assertThatThrownBy(() -> storage.setTrialParamAndGet(t.trialId(), "x", 2, X))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("x");
        assertThatThrownBy(() -> storage.setTrialParamAndGet(t.trialId(), "y", 7, X))
                .isInstanceOf(IllegalArgumentException.class);
        FrozenTrial done = storage.finishTrialAndGet(t.trialId(), TrialState.COMPLETE, List.of(2.5), Optional.empty());
        FrozenTrial read = storage.getTrial(t.trialId());
        if (done != null) {
            assertThat(done).isEqualTo(read);
        }
        assertThat(read.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(read.values()).containsExactly(2.5);
        assertThatThrownBy(() -> storage.finishTrialAndGet(t.trialId(), TrialState.FAIL, List.of(), Optional.empty()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void finishesTrialsAtomicallyAndFinishedTrialsNeverChange() {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial t = storage.createTrial(id);
        storage.setTrialParam(t.trialId(), "x", 1, X);
        storage.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(2.5), Optional.empty());
        FrozenTrial done = storage.getTrial(t.trialId());
        assertThat(done.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(done.values()).containsExactly(2.5);
        assertThat(done.value()).isEqualTo(2.5);
        assertThat(done.datetimeComplete()).isPresent();
        assertThat(done.duration()).isPresent();

        assertThatThrownBy(() -> storage.setTrialParam(t.trialId(), "y", 1, X)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> storage.finishTrial(t.trialId(), TrialState.FAIL, List.of(), Optional.of("late")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> storage.setTrialIntermediateValue(t.trialId(), 1, 1.0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> storage.setTrialUserAttr(t.trialId(), "k", "v"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> storage.setTrialSystemAttr(t.trialId(), "k", "v"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> storage.recordHeartbeat(t.trialId())).isInstanceOf(IllegalStateException.class);
        assertThat(storage.getTrial(t.trialId())).isEqualTo(done);
    }

    @Test
    void rejectsFinishesThatBreakTheContract() {
        long id = newStudy(StudyDirection.MINIMIZE);
        long t = storage.createTrial(id).trialId();
        assertThatThrownBy(() -> storage.finishTrial(t, TrialState.RUNNING, List.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RUNNING");
        assertThatThrownBy(() -> storage.finishTrial(t, TrialState.COMPLETE, List.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.finishTrial(t, TrialState.COMPLETE, List.of(1.0, 2.0), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.finishTrial(t, TrialState.COMPLETE, List.of(Double.NaN), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.finishTrial(t, TrialState.COMPLETE, List.of(1.0), Optional.of("why")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.getTrial(t).state()).isEqualTo(TrialState.RUNNING);
        storage.finishTrial(t, TrialState.FAIL, List.of(), Optional.of("objective threw: boom"));
        assertThat(storage.getTrial(t).failureReason()).hasValue("objective threw: boom");
        assertThat(storage.getTrial(t).state()).isEqualTo(TrialState.FAIL);
    }

    @Test
    void prunedTrialsMayKeepTheirLastValue() {
        long id = newStudy(StudyDirection.MINIMIZE);
        long t = storage.createTrial(id).trialId();
        storage.setTrialIntermediateValue(t, 3, 0.7);
        storage.finishTrial(t, TrialState.PRUNED, List.of(0.7), Optional.empty());
        assertThat(storage.getTrial(t).values()).containsExactly(0.7);
        assertThat(storage.getTrial(t).state()).isEqualTo(TrialState.PRUNED);
    }

    @Test
    void intermediateValuesAreSortedByStepAndReplaceable() {
        long id = newStudy(StudyDirection.MINIMIZE);
        long t = storage.createTrial(id).trialId();
        storage.setTrialIntermediateValue(t, 5, 0.5);
        storage.setTrialIntermediateValue(t, 1, 0.9);
        storage.setTrialIntermediateValue(t, 3, 0.7);
        storage.setTrialIntermediateValue(t, 3, 0.6);
        FrozenTrial read = storage.getTrial(t);
        assertThat(read.intermediateValues().keySet()).containsExactly(1, 3, 5);
        assertThat(read.intermediateValues()).containsEntry(3, 0.6);
        assertThat(read.lastStep()).hasValue(5);
    }

    @Test
    void trialAttributesRoundTrip() {
        long id = newStudy(StudyDirection.MINIMIZE);
        long t = storage.createTrial(id).trialId();
        storage.setTrialUserAttr(t, "epochs", 12);
        storage.setTrialUserAttr(t, "note", "first");
        storage.setTrialUserAttr(t, "note", "second");
        storage.setTrialSystemAttr(t, "grid_id", 7);
        FrozenTrial read = storage.getTrial(t);
        assertThat(read.userAttrs()).containsEntry("epochs", 12L).containsEntry("note", "second");
        assertThat(read.systemAttrs()).containsEntry("grid_id", 7L);
    }

    @Test
    void enqueuedTrialsAreClaimedExactlyOnce() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial template = FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(), Map.of());
        FrozenTrial w = storage.createTrial(id, withSystemAttr(template, "fixed_params", Map.of("x", 1.5)));
        assertThat(w.state()).isEqualTo(TrialState.WAITING);
        assertThat(w.datetimeStart()).isEmpty();
        assertThat(w.systemAttrs()).containsEntry("fixed_params", Map.of("x", 1.5));
        storage.setTrialSystemAttr(w.trialId(), "note", "waiting trials take attributes");

        AtomicInteger wins = new AtomicInteger();
        runConcurrently(4, i -> {
            if (storage.claimWaitingTrial(w.trialId())) {
                wins.incrementAndGet();
            }
        });
        assertThat(wins.get()).isEqualTo(1);
        FrozenTrial running = storage.getTrial(w.trialId());
        assertThat(running.state()).isEqualTo(TrialState.RUNNING);
        assertThat(running.datetimeStart()).isPresent();
        assertThat(storage.claimWaitingTrial(w.trialId())).isFalse();
    }

    private static FrozenTrial withSystemAttr(FrozenTrial t, String key, Object value) {
        Map<String, Object> attrs = new LinkedHashMap<>(t.systemAttrs());
        attrs.put(key, value);
        return new FrozenTrial(t.number(), t.trialId(), t.state(), t.values(), t.params(), t.distributions(),
                t.userAttrs(), attrs, t.intermediateValues(), t.datetimeStart(), t.datetimeComplete(), t.failureReason());
    }

    @Test
    void importsFinishedTrialsFromTemplates() {
        long id = newStudy(StudyDirection.MINIMIZE);
        FrozenTrial done = storage.createTrial(id, FrozenTrial.template(TrialState.COMPLETE, List.of(0.25),
                Map.of("x", 0.5), Map.of("x", X)));
        assertThat(done.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(done.params()).containsEntry("x", 0.5);
        assertThat(done.datetimeComplete()).isPresent();
        assertThat(storage.getBestTrial(id)).map(FrozenTrial::number).hasValue(done.number());
        assertThatThrownBy(() -> storage.createTrial(id, FrozenTrial.template(TrialState.RUNNING, List.of(1.0),
                Map.of(), Map.of()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.createTrial(id, FrozenTrial.template(TrialState.COMPLETE, List.of(),
                Map.of(), Map.of()))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void importedTrialsKeepTheirTimes() {
        long id = newStudy(StudyDirection.MINIMIZE);
        // whole seconds: the coarsest precision of any backend (Optuna's DATETIME on MariaDB)
        java.time.Instant start = java.time.Instant.parse("2021-03-04T05:06:07Z");
        java.time.Instant end = start.plusSeconds(93);
        FrozenTrial t = FrozenTrial.template(TrialState.COMPLETE, List.of(0.5), Map.of("x", 0.5), Map.of("x", X));
        FrozenTrial done = storage.createTrial(id, withTimes(t, Optional.of(start), Optional.of(end)));
        for (FrozenTrial read : List.of(done, storage.getTrial(done.trialId()), storage.getAllTrials(id).get(0))) {
            assertThat(read.datetimeStart()).hasValue(start);
            assertThat(read.datetimeComplete()).hasValue(end);
            assertThat(read.duration()).hasValue(Duration.ofSeconds(93));
        }
        FrozenTrial pruned = FrozenTrial.template(TrialState.PRUNED, List.of(), Map.of(), Map.of());
        FrozenTrial p = storage.createTrial(id, withTimes(pruned, Optional.of(start), Optional.empty()));
        assertThat(p.datetimeStart()).hasValue(start);
        assertThat(p.datetimeComplete()).hasValueSatisfying(c -> assertThat(c).isAfter(start));
        // a template without times is stamped now, as before
        FrozenTrial plain = storage.createTrial(id, pruned);
        assertThat(plain.datetimeStart()).hasValueSatisfying(s -> assertThat(s).isAfter(end));
        // times that contradict the state are refused, and nothing is created
        FrozenTrial waiting = FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(), Map.of());
        assertThatThrownBy(() -> storage.createTrial(id, withTimes(waiting, Optional.of(start), Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WAITING");
        FrozenTrial running = FrozenTrial.template(TrialState.RUNNING, List.of(), Map.of(), Map.of());
        assertThatThrownBy(() -> storage.createTrial(id, withTimes(running, Optional.of(start), Optional.of(end))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("completion");
        assertThatThrownBy(() -> storage.createTrial(id, withTimes(t, Optional.empty(), Optional.of(end))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start time");
        assertThat(storage.getAllTrials(id)).hasSize(3);
    }

    private static FrozenTrial withTimes(FrozenTrial t, Optional<java.time.Instant> start, Optional<java.time.Instant> end) {
        return new FrozenTrial(t.number(), t.trialId(), t.state(), t.values(), t.params(), t.distributions(),
                t.userAttrs(), t.systemAttrs(), t.intermediateValues(), start, end, t.failureReason());
    }

    @Test
    void filtersAndCountsTrialsByState() {
        long id = newStudy(StudyDirection.MINIMIZE);
        long a = storage.createTrial(id).trialId();
        long b = storage.createTrial(id).trialId();
        storage.createTrial(id);
        storage.finishTrial(a, TrialState.COMPLETE, List.of(1.0), Optional.empty());
        storage.finishTrial(b, TrialState.FAIL, List.of(), Optional.of("x"));
        assertThat(storage.getAllTrials(id)).extracting(FrozenTrial::number).containsExactly(0, 1, 2);
        assertThat(storage.getAllTrials(id, EnumSet.of(TrialState.COMPLETE, TrialState.RUNNING)))
                .extracting(FrozenTrial::number).containsExactly(0, 2);
        assertThat(storage.countTrials(id, EnumSet.of(TrialState.FAIL))).isEqualTo(1);
        assertThat(storage.countTrials(id, EnumSet.of(TrialState.WAITING))).isZero();
    }

    @Test
    void incrementalReadsReturnExactlyWhatChanged() {
        long id = newStudy(StudyDirection.MINIMIZE);
        long a = storage.createTrial(id).trialId();
        long b = storage.createTrial(id).trialId();
        TrialChanges first = storage.getTrialsChangedSince(id, 0);
        assertThat(first.trials()).extracting(FrozenTrial::trialId).containsExactly(a, b);
        TrialChanges none = storage.getTrialsChangedSince(id, first.cursor());
        assertThat(none.trials()).isEmpty();
        storage.finishTrial(b, TrialState.COMPLETE, List.of(3.0), Optional.empty());
        long c = storage.createTrial(id).trialId();
        TrialChanges next = storage.getTrialsChangedSince(id, none.cursor());
        assertThat(next.trials()).extracting(FrozenTrial::trialId).contains(b, c);
        assertThat(next.trials()).filteredOn(t -> t.trialId() == b).singleElement()
                .extracting(FrozenTrial::state).isEqualTo(TrialState.COMPLETE);
        assertThat(next.trials()).extracting(FrozenTrial::number).isSorted();
        storage.setTrialUserAttr(a, "k", 1);
        TrialChanges last = storage.getTrialsChangedSince(id, next.cursor());
        assertThat(last.trials()).extracting(FrozenTrial::trialId).contains(a);
        assertThat(last.trials()).filteredOn(t -> t.trialId() == a).singleElement()
                .satisfies(t -> assertThat(t.userAttrs()).containsEntry("k", 1L));
    }

    @Test
    void incrementalReadsMissNothingUnderConcurrentWrites() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        Map<Long, FrozenTrial> mirror = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch writersDone = new CountDownLatch(3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int w = 0; w < 3; w++) {
                pool.submit(() -> {
                    try {
                        for (int k = 0; k < 15; k++) {
                            long t = storage.createTrial(id).trialId();
                            storage.setTrialParam(t, "x", k % 5, X);
                            storage.finishTrial(t, TrialState.COMPLETE, List.of((double) k), Optional.empty());
                        }
                    } finally {
                        writersDone.countDown();
                    }
                    return null;
                });
            }
            Future<?> reader = pool.submit(() -> {
                long cursor = 0;
                while (true) {
                    boolean finished = writersDone.getCount() == 0;
                    TrialChanges ch = storage.getTrialsChangedSince(id, cursor);
                    ch.trials().forEach(t -> mirror.put(t.trialId(), t));
                    cursor = ch.cursor();
                    if (finished) {
                        return null;
                    }
                    Thread.onSpinWait();
                }
            });
            reader.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(mirror).hasSize(45);
        assertThat(mirror.values()).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(t).isEqualTo(storage.getTrial(t.trialId()));
        });
    }

    @Test
    void bestTrialIsTheBestCompleteOne() {
        long min = newStudy(StudyDirection.MINIMIZE);
        assertThat(storage.getBestTrial(min)).isEmpty();
        finish(min, TrialState.FAIL, List.of());
        finish(min, TrialState.PRUNED, List.of(-100.0));
        assertThat(storage.getBestTrial(min)).isEmpty();
        finish(min, TrialState.COMPLETE, List.of(3.0));
        int second = finish(min, TrialState.COMPLETE, List.of(1.0));
        finish(min, TrialState.COMPLETE, List.of(1.0));
        finish(min, TrialState.COMPLETE, List.of(2.0));
        storage.createTrial(min);
        assertThat(storage.getBestTrial(min)).map(FrozenTrial::number).hasValue(second);

        long max = newStudy(StudyDirection.MAXIMIZE);
        finish(max, TrialState.COMPLETE, List.of(3.0));
        int top = finish(max, TrialState.COMPLETE, List.of(5.0));
        finish(max, TrialState.PRUNED, List.of(50.0));
        assertThat(storage.getBestTrial(max)).map(FrozenTrial::number).hasValue(top);

        long multi = newStudy(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE);
        finish(multi, TrialState.COMPLETE, List.of(1.0, 2.0));
        assertThatThrownBy(() -> storage.getBestTrial(multi)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 objectives");
    }

    private int finish(long studyId, TrialState state, List<Double> values) {
        FrozenTrial t = storage.createTrial(studyId);
        storage.finishTrial(t.trialId(), state, values,
                state == TrialState.FAIL ? Optional.of("test failure") : Optional.empty());
        return t.number();
    }

    @Test
    void staleTrialsAreFailedOnceAndOthersLeftAlone() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        long beating = storage.createTrial(id).trialId();
        long silent = storage.createTrial(id).trialId();
        storage.recordHeartbeat(beating);
        assertThat(storage.failStaleTrials(id, Duration.ofHours(1))).isEmpty();
        assertThat(storage.getTrial(beating).state()).isEqualTo(TrialState.RUNNING);
        // a negative grace makes every heartbeat stale without waiting
        List<Long> failed = new ArrayList<>();
        runConcurrently(3, i -> {
            List<Long> mine = storage.failStaleTrials(id, Duration.ofSeconds(-60));
            synchronized (failed) {
                failed.addAll(mine);
            }
        });
        assertThat(failed).containsExactly(beating);
        FrozenTrial stale = storage.getTrial(beating);
        assertThat(stale.state()).isEqualTo(TrialState.FAIL);
        assertThat(stale.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("heartbeat"));
        assertThat(storage.getTrial(silent).state()).isEqualTo(TrialState.RUNNING);
    }

    @Test
    void staleTrialsAreFailedOnlyInTheirOwnStudy() {
        long a = newStudy(StudyDirection.MINIMIZE);
        long b = newStudy(StudyDirection.MINIMIZE);
        long inA = storage.createTrial(a).trialId();
        long inB = storage.createTrial(b).trialId();
        long finishedInA = storage.createTrial(a).trialId();
        storage.recordHeartbeat(inA);
        storage.recordHeartbeat(inB);
        storage.recordHeartbeat(finishedInA);
        storage.finishTrial(finishedInA, TrialState.COMPLETE, List.of(1.0), Optional.empty());
        assertThat(storage.failStaleTrials(b, Duration.ofSeconds(-60))).containsExactly(inB);
        assertThat(storage.getTrial(inA).state()).isEqualTo(TrialState.RUNNING);
        assertThat(storage.getTrial(finishedInA).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(storage.failStaleTrials(a, Duration.ofSeconds(-60))).containsExactly(inA);
        assertThat(storage.failStaleTrials(a, Duration.ofSeconds(-60))).isEmpty();
    }

    @Test
    void manyWorkersRunWholeTrialsConcurrently() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        runConcurrently(4, w -> {
            for (int k = 0; k < 10; k++) {
                FrozenTrial t = storage.createTrial(id);
                storage.setTrialParam(t.trialId(), "x", w, X);
                storage.setTrialIntermediateValue(t.trialId(), 0, k);
                storage.setTrialUserAttr(t.trialId(), "worker", w);
                storage.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(w + k / 100.0), Optional.empty());
            }
        });
        List<FrozenTrial> all = storage.getAllTrials(id);
        assertThat(all).hasSize(40).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(t.params().get("x")).isEqualTo(((Long) t.userAttrs().get("worker")).doubleValue());
        });
        assertThat(storage.getBestTrial(id)).map(FrozenTrial::value).hasValue(0.0);
    }

    // ---------------------------------------------------------------- artifacts

    private static byte[] blob(int size, int seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void artifactsRoundTripAreReplacedListedAndDeleted() {
        long id = newStudy(StudyDirection.MINIMIZE);
        ArtifactStore a = storage.artifacts();
        assertThat(a.get(id, "pbt/r0/m0/a0")).isEmpty();
        a.put(id, "pbt/r0/m0/a0", blob(1000, 1));
        a.put(id, "model.bin", blob(3, 2));
        a.put(id, "empty", new byte[0]);
        assertThat(a.get(id, "pbt/r0/m0/a0")).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob(1000, 1)));
        assertThat(a.get(id, "empty")).hasValueSatisfying(b -> assertThat(b).isEmpty());
        a.put(id, "pbt/r0/m0/a0", blob(10, 3));
        assertThat(a.get(id, "pbt/r0/m0/a0")).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob(10, 3)));
        assertThat(a.list(id)).containsExactly(Map.entry("empty", 0L), Map.entry("model.bin", 3L),
                Map.entry("pbt/r0/m0/a0", 10L));
        assertThat(a.usedBytes(id)).isEqualTo(13);
        a.delete(id, "model.bin");
        a.delete(id, "model.bin");
        assertThat(a.list(id)).containsOnlyKeys("empty", "pbt/r0/m0/a0");
    }

    @Test
    void artifactsBelongToTheirStudyAndGoWithIt() {
        long one = newStudy(StudyDirection.MINIMIZE);
        long two = newStudy(StudyDirection.MINIMIZE);
        ArtifactStore a = storage.artifacts();
        a.put(one, "k", blob(5, 1));
        a.put(two, "k", blob(7, 2));
        assertThat(a.get(one, "k")).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob(5, 1)));
        assertThat(a.get(two, "k")).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob(7, 2)));
        storage.deleteStudy(one);
        assertThat(a.list(one)).isEmpty();
        assertThat(a.list(two)).containsOnlyKeys("k");
    }

    @Test
    void badArtifactKeysAreRefused() {
        long id = newStudy(StudyDirection.MINIMIZE);
        for (String bad : List.of("", "../escape", "/abs", "a//b", "trailing/", "sp ace", "x".repeat(201))) {
            assertThatThrownBy(() -> storage.artifacts().put(id, bad, new byte[1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad artifact key");
        }
        assertThat(storage.artifacts().list(id)).isEmpty();
    }

    @Test
    void aCappedArtifactStoreRefusesWhatWouldPassItsCapAndKeepsTheRest() {
        try (Storage capped = newStorageWithArtifactCap(100)) {
            long id = capped.createStudy(uniqueName("capped"), List.of(StudyDirection.MINIMIZE));
            ArtifactStore a = capped.artifacts();
            assertThat(a.capBytes()).isEqualTo(100);
            a.put(id, "a", blob(60, 1));
            a.put(id, "b", blob(40, 2));
            assertThatThrownBy(() -> a.put(id, "c", blob(1, 3)))
                    .isInstanceOfSatisfying(ArtifactStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(ArtifactStoreException.Kind.FULL))
                    .hasMessageContaining("'c'").hasMessageContaining("cap of 100 bytes");
            // replacing counts only the difference
            a.put(id, "a", blob(59, 4));
            assertThatThrownBy(() -> a.put(id, "b", blob(42, 5))).isInstanceOf(ArtifactStoreException.class);
            assertThat(a.get(id, "b")).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob(40, 2)));
            assertThat(a.list(id)).containsOnlyKeys("a", "b");
            a.delete(id, "b");
            a.put(id, "c", blob(41, 6));
            assertThat(a.usedBytes(id)).isEqualTo(100);
        }
    }

    @Test
    void concurrentArtifactWritesAllLandWhole() throws Exception {
        long id = newStudy(StudyDirection.MINIMIZE);
        ArtifactStore a = storage.artifacts();
        runConcurrently(4, w -> {
            for (int k = 0; k < 5; k++) {
                a.put(id, "w" + w + "/k" + k, blob(100 + k, w * 10 + k));
                a.put(id, "shared", blob(2000, w));
            }
        });
        Map<String, Long> listed = a.list(id);
        assertThat(listed).hasSize(21);
        for (int w = 0; w < 4; w++) {
            for (int k = 0; k < 5; k++) {
                int ww = w;
                int kk = k;
                assertThat(a.get(id, "w" + w + "/k" + k)).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob(100 + kk,
                        ww * 10 + kk)));
            }
        }
        byte[] shared = a.get(id, "shared").orElseThrow();
        assertThat(List.of(0, 1, 2, 3)).anySatisfy(w -> assertThat(shared).isEqualTo(blob(2000, w)));
    }

    /** Runs {@code body(i)} on {@code n} threads started together and rethrows the first failure. */
    protected static void runConcurrently(int n, ThrowingIntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<Object> task = () -> {
                    start.await();
                    body.accept(index);
                    return null;
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Object> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A per-thread body that may throw. */
    @FunctionalInterface
    protected interface ThrowingIntConsumer {
        void accept(int i) throws Exception;
    }
}
