package org.nntune.tune.storage;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A {@link Storage} in this JVM's memory: fast, shared by the threads of one process, gone when
 * the process ends. All methods synchronise on the storage object.
 *
 * <p>Each trial is kept as one immutable {@link FrozenTrial} that a write replaces
 * (copy-on-write), so reads hand out the stored snapshots without copying. Incremental reads
 * use a per-study log of changed trial numbers.
 */
public final class InMemoryStorage implements Storage {

    private static final class StudyData {
        final long id;
        final String name;
        final List<StudyDirection> directions;
        final Map<String, Object> userAttrs = new LinkedHashMap<>();
        final Map<String, Object> systemAttrs = new LinkedHashMap<>();
        final List<FrozenTrial> trials = new ArrayList<>();
        /** trial numbers in the order of their changes; the cursor is a position in this log */
        int[] changeLog = new int[64];
        int changeCount;
        /** how many trials are in each state */
        final int[] stateCounts = new int[STATES.length];
        /** number of the best COMPLETE trial (single objective), or -1 */
        int best = -1;

        StudyData(long id, String name, List<StudyDirection> directions) {
            this.id = id;
            this.name = name;
            this.directions = List.copyOf(directions);
        }

        void logChange(int number) {
            if (changeCount == changeLog.length) {
                changeLog = Arrays.copyOf(changeLog, changeLog.length * 2);
            }
            changeLog[changeCount++] = number;
        }
    }

    private record TrialRef(StudyData study, int number) {}

    private static final TrialState[] STATES = TrialState.values();

    private final Clock clock;
    private final Map<Long, StudyData> studies = new LinkedHashMap<>();
    private final Map<String, StudyData> studiesByName = new HashMap<>();
    /** trial id - 1 → where the trial is (ids are handed out 1, 2, 3, …; null once its study is deleted) */
    private final List<TrialRef> trialsById = new ArrayList<>();
    private final Map<Long, Instant> heartbeats = new HashMap<>();
    private final ArtifactStore artifacts;
    private long nextStudyId = 1;

    /** A storage using the system clock, with its artifacts in the heap. */
    public InMemoryStorage() {
        this(Clock.systemUTC());
    }

    /** A storage using the given clock for trial timestamps and heartbeats (tests use a fixed one). */
    public InMemoryStorage(Clock clock) {
        this(clock, new InMemoryArtifactStore());
    }

    /** A storage with the given clock and artifact store (e.g. a capped one, or a folder). */
    public InMemoryStorage(Clock clock, ArtifactStore artifacts) {
        this.clock = clock;
        this.artifacts = artifacts;
    }

    @Override
    public ArtifactStore artifacts() {
        return artifacts;
    }

    // ---------------------------------------------------------------- studies

    @Override
    public synchronized long createStudy(String name, List<StudyDirection> directions) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("a study name must not be blank");
        }
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("study '" + name + "': at least one direction is needed");
        }
        if (studiesByName.containsKey(name)) {
            throw new StudyAlreadyExistsException(name);
        }
        StudyData s = new StudyData(nextStudyId++, name, directions);
        studies.put(s.id, s);
        studiesByName.put(name, s);
        return s.id;
    }

    @Override
    public synchronized long createStudy(String name, List<StudyDirection> directions, Map<String, Object> systemAttrs) {
        return Storage.super.createStudy(name, directions, systemAttrs); // atomic under this storage's monitor
    }

    @Override
    public synchronized OptionalLong findStudyId(String name) {
        StudyData s = studiesByName.get(name);
        return s == null ? OptionalLong.empty() : OptionalLong.of(s.id);
    }

    @Override
    public synchronized void deleteStudy(long studyId) {
        StudyData s = study(studyId);
        studies.remove(studyId);
        studiesByName.remove(s.name);
        for (FrozenTrial t : s.trials) {
            trialsById.set((int) (t.trialId() - 1), null);
            heartbeats.remove(t.trialId());
        }
        artifacts.deleteStudy(studyId);
    }

    @Override
    public synchronized StudySummary getStudy(long studyId) {
        return summary(study(studyId));
    }

    private StudySummary summary(StudyData s) {
        Optional<Instant> start = s.trials.stream().map(FrozenTrial::datetimeStart).flatMap(Optional::stream)
                .min(Instant::compareTo);
        return new StudySummary(s.id, s.name, s.directions, s.userAttrs, s.systemAttrs, s.trials.size(), start);
    }

    @Override
    public synchronized List<StudySummary> getAllStudies() {
        List<StudySummary> out = new ArrayList<>();
        for (StudyData s : studies.values()) {
            out.add(summary(s));
        }
        return out;
    }

    @Override
    public synchronized List<StudyDirection> getStudyDirections(long studyId) {
        return study(studyId).directions;
    }

    @Override
    public synchronized Map<String, Object> getStudyUserAttrs(long studyId) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(study(studyId).userAttrs));
    }

    @Override
    public synchronized Map<String, Object> getStudySystemAttrs(long studyId) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(study(studyId).systemAttrs));
    }

    @Override
    public synchronized void setStudyUserAttr(long studyId, String key, Object value) {
        study(studyId).userAttrs.put(key, Json.normalize(value));
    }

    @Override
    public synchronized void setStudySystemAttr(long studyId, String key, Object value) {
        study(studyId).systemAttrs.put(key, Json.normalize(value));
    }

    @Override
    public synchronized void deleteStudySystemAttr(long studyId, String key) {
        study(studyId).systemAttrs.remove(key);
    }

    @Override
    public synchronized boolean compareAndSetStudySystemAttr(long studyId, String key, Optional<Object> expected,
                                                             Object value) {
        StudyData s = study(studyId);
        Object now = s.systemAttrs.get(key);
        Object want = expected.map(Json::normalize).orElse(null);
        if (!java.util.Objects.equals(now, want)) {
            return false;
        }
        s.systemAttrs.put(key, Json.normalize(value));
        return true;
    }

    private StudyData study(long studyId) {
        StudyData s = studies.get(studyId);
        if (s == null) {
            throw new IllegalArgumentException("no study with id " + studyId + " in this storage");
        }
        return s;
    }

    // ---------------------------------------------------------------- trials

    @Override
    public synchronized FrozenTrial createTrial(long studyId) {
        StudyData s = study(studyId);
        FrozenTrial t = new FrozenTrial(s.trials.size(), nextTrialId(), TrialState.RUNNING, List.of(), Map.of(),
                Map.of(), Map.of(), Map.of(), Collections.emptyNavigableMap(), Optional.of(clock.instant()), Optional.empty(),
                Optional.empty());
        add(s, t);
        return t;
    }

    @Override
    public synchronized Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit,
                                                            boolean beat) {
        return Storage.super.startTrialWithin(studyId, counted, limit, beat); // atomic under this storage's monitor
    }

    @Override
    public synchronized Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit,
                                                            TrialStart start) {
        return Storage.super.startTrialWithin(studyId, counted, limit, start); // the attributes too
    }

    @Override
    public synchronized FrozenTrial createTrial(long studyId, TrialStart start) {
        return Storage.super.createTrial(studyId, start); // atomic under this storage's monitor
    }

    @Override
    public synchronized FrozenTrial createTrial(long studyId, FrozenTrial template) {
        StudyData s = study(studyId);
        TrialState state = template.state();
        StorageChecks.checkTemplate(s.name, s.directions.size(), template);
        Instant now = clock.instant();
        Optional<Instant> start = state == TrialState.WAITING ? Optional.empty() : template.datetimeStart().or(() -> Optional.of(now));
        Optional<Instant> end = state.isFinished() ? template.datetimeComplete().or(() -> Optional.of(now)) : Optional.empty();
        FrozenTrial t = new FrozenTrial(s.trials.size(), nextTrialId(), state, template.values(), template.params(),
                template.distributions(), normalized(template.userAttrs()), normalized(template.systemAttrs()),
                template.intermediateValues(), start, end,
                state == TrialState.FAIL ? template.failureReason() : Optional.empty());
        add(s, t);
        updateBest(s, t);
        return t;
    }

    private static Map<String, Object> normalized(Map<String, Object> attrs) {
        Map<String, Object> m = new LinkedHashMap<>();
        attrs.forEach((k, v) -> m.put(k, Json.normalize(v)));
        return m;
    }

    /** Trial ids are 1, 2, 3, … in creation order, so a trial's id - 1 is its index in {@link #trialsById}. */
    private long nextTrialId() {
        return trialsById.size() + 1L;
    }

    private void add(StudyData s, FrozenTrial t) {
        s.trials.add(t);
        s.stateCounts[t.state().ordinal()]++;
        trialsById.add(new TrialRef(s, t.number())); // at index trialId - 1
        s.logChange(t.number());
    }

    private TrialRef ref(long trialId) {
        TrialRef r = trialId >= 1 && trialId <= trialsById.size() ? trialsById.get((int) (trialId - 1)) : null;
        if (r == null) {
            throw new IllegalArgumentException("no trial with id " + trialId + " in this storage");
        }
        return r;
    }

    private FrozenTrial current(TrialRef r) {
        return r.study.trials.get(r.number);
    }

    private void replace(TrialRef r, FrozenTrial t) {
        FrozenTrial old = r.study.trials.set(r.number, t);
        r.study.stateCounts[old.state().ordinal()]--;
        r.study.stateCounts[t.state().ordinal()]++;
        r.study.logChange(r.number);
    }

    /** The trial, checked to be in one of the states a write allows. */
    private FrozenTrial writable(TrialRef r, String action, Object subject, boolean allowWaiting) {
        FrozenTrial t = current(r);
        if (t.state() != TrialState.RUNNING && !(allowWaiting && t.state() == TrialState.WAITING)) {
            throw new IllegalStateException("cannot " + action + subject + " of trial " + t.number() + " of study '"
                    + r.study.name + "': it is " + t.state() + (t.state().isFinished() ? " and finished trials never change" : ""));
        }
        return t;
    }

    @Override
    public synchronized boolean claimWaitingTrial(long trialId) {
        TrialRef r = ref(trialId);
        FrozenTrial t = current(r);
        if (t.state() != TrialState.WAITING) {
            return false;
        }
        replace(r, new FrozenTrial(t.number(), t.trialId(), TrialState.RUNNING, t.values(), t.params(),
                t.distributions(), t.userAttrs(), t.systemAttrs(), t.intermediateValues(),
                Optional.of(clock.instant()), Optional.empty(), Optional.empty()));
        return true;
    }

    @Override
    public synchronized void setTrialParam(long trialId, String name, double internalValue, Distribution distribution) {
        setTrialParamAndGet(trialId, name, internalValue, distribution);
    }

    @Override
    public synchronized FrozenTrial setTrialParamAndGet(long trialId, String name, double internalValue,
                                                        Distribution distribution) {
        TrialRef r = ref(trialId);
        FrozenTrial t = writable(r, "set parameter ", name, false);
        if (t.params().containsKey(name)) {
            throw new IllegalStateException("trial " + t.number() + " of study '" + r.study.name
                    + "' already has parameter '" + name + "' = " + t.params().get(name));
        }
        FrozenTrial stored = t.withParam(name, distribution.toExternal(internalValue), distribution);
        replace(r, stored);
        return stored;
    }

    @Override
    public synchronized void finishTrial(long trialId, TrialState state, List<Double> values,
                                         Optional<String> failureReason) {
        finishTrialAndGet(trialId, state, values, failureReason);
    }

    @Override
    public synchronized FrozenTrial finishTrialAndGet(long trialId, TrialState state, List<Double> values,
                                                      Optional<String> failureReason) {
        TrialRef r = ref(trialId);
        FrozenTrial t = writable(r, "set the state to ", state, false);
        StorageChecks.checkFinish(r.study.name, t.number(), r.study.directions.size(), state, values, failureReason);
        FrozenTrial done = t.finished(state, values, clock.instant(), failureReason);
        replace(r, done);
        if (!heartbeats.isEmpty()) { // no boxing and hashing per trial when no heartbeat runs
            heartbeats.remove(trialId);
        }
        updateBest(r.study, done);
        return done;
    }

    private void updateBest(StudyData s, FrozenTrial t) {
        if (t.state() != TrialState.COMPLETE || s.directions.size() != 1) {
            return;
        }
        if (s.best < 0 || s.directions.get(0).isBetter(t.value(), s.trials.get(s.best).value())
                || (t.value() == s.trials.get(s.best).value() && t.number() < s.best)) {
            s.best = t.number();
        }
    }

    @Override
    public synchronized void setTrialIntermediateValue(long trialId, int step, double value) {
        TrialRef r = ref(trialId);
        FrozenTrial t = writable(r, "report step ", step, false);
        replace(r, t.withIntermediateValue(step, value));
    }

    @Override
    public synchronized void setTrialUserAttr(long trialId, String key, Object value) {
        setTrialAttr(trialId, key, value, false);
    }

    @Override
    public synchronized void setTrialSystemAttr(long trialId, String key, Object value) {
        setTrialAttr(trialId, key, value, true);
    }

    private void setTrialAttr(long trialId, String key, Object value, boolean system) {
        TrialRef r = ref(trialId);
        FrozenTrial t = writable(r, system ? "set system attribute " : "set user attribute ", key, true);
        Object normal = Json.normalize(value);
        replace(r, system ? t.withSystemAttr(key, normal) : t.withUserAttr(key, normal));
    }

    // ---------------------------------------------------------------- reads

    @Override
    public synchronized FrozenTrial getTrial(long trialId) {
        return current(ref(trialId));
    }

    @Override
    public synchronized List<FrozenTrial> getAllTrials(long studyId, Set<TrialState> states) {
        StudyData s = study(studyId);
        List<FrozenTrial> out = new ArrayList<>();
        for (FrozenTrial t : s.trials) {
            if (states.contains(t.state())) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public synchronized int countTrials(long studyId, Set<TrialState> states) {
        StudyData s = study(studyId);
        int n = 0;
        for (TrialState state : STATES) { // no iterator per call
            if (states.contains(state)) {
                n += s.stateCounts[state.ordinal()];
            }
        }
        return n;
    }

    @Override
    public synchronized TrialChanges getTrialsChangedSince(long studyId, long cursor) {
        StudyData s = study(studyId);
        if (cursor < 0 || cursor > s.changeCount) {
            throw new IllegalArgumentException("cursor " + cursor + " was not given out for study '" + s.name
                    + "' (allowed: 0.." + s.changeCount + ")");
        }
        int from = (int) cursor;
        int[] numbers = Arrays.copyOfRange(s.changeLog, from, s.changeCount);
        Arrays.sort(numbers);
        List<FrozenTrial> out = new ArrayList<>();
        int previous = -1;
        for (int n : numbers) {
            if (n != previous) {
                out.add(s.trials.get(n));
                previous = n;
            }
        }
        return new TrialChanges(out, s.changeCount);
    }

    @Override
    public synchronized Optional<FrozenTrial> getBestTrial(long studyId) {
        StudyData s = study(studyId);
        if (s.directions.size() != 1) {
            throw new IllegalStateException("study '" + s.name + "' has " + s.directions.size()
                    + " objectives, so there is no single best trial; look at the Pareto front instead");
        }
        return s.best < 0 ? Optional.empty() : Optional.of(s.trials.get(s.best));
    }

    // ---------------------------------------------------------------- heartbeats

    @Override
    public synchronized void recordHeartbeat(long trialId) {
        TrialRef r = ref(trialId);
        writable(r, "record a heartbeat", "", false);
        heartbeats.put(trialId, clock.instant());
    }

    @Override
    public synchronized List<Integer> liveTrialNumbers(long studyId, Duration grace) {
        StudyData s = study(studyId);
        Instant now = clock.instant();
        List<Integer> live = new ArrayList<>();
        for (Map.Entry<Long, Instant> e : heartbeats.entrySet()) {
            TrialRef r = ref(e.getKey());
            if (r.study == s && !e.getValue().plus(grace).isBefore(now)
                    && s.trials.get(r.number).state() == org.nntune.tune.trial.TrialState.RUNNING) {
                live.add(r.number);
            }
        }
        live.sort(null);
        return live;
    }

    @Override
    public synchronized List<Long> failStaleTrials(long studyId, Duration grace) {
        StudyData s = study(studyId);
        if (heartbeats.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        // only RUNNING trials have a heartbeat (finishing one removes it): look at those, not the whole study
        List<Long> stale = new ArrayList<>();
        for (Map.Entry<Long, Instant> e : heartbeats.entrySet()) {
            if (ref(e.getKey()).study == s && e.getValue().plus(grace).isBefore(now)) {
                stale.add(e.getKey());
            }
        }
        stale.sort(null);
        for (long id : stale) {
            Instant beat = heartbeats.get(id);
            finishTrial(id, TrialState.FAIL, List.of(), Optional.of(
                    STALE_REASON_PREFIX + "no heartbeat since " + beat + " (grace " + grace + "); the worker is presumed dead"));
        }
        return stale;
    }
}
