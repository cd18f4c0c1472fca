package org.nntune.dashboard.web;

import org.nntune.dashboard.ReportOptions;
import org.nntune.dashboard.StudyPlots;
import org.nntune.dashboard.StudyReportData;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's copy of one study's trials, kept up to date by incremental reads: each
 * {@link #refresh} asks the storage only for the trials changed since its cursor
 * ({@link Storage#getTrialsChangedSince}), so a poll costs one cheap query however many trials
 * the study has. Every batch of changes bumps a local {@link #version}; each trial remembers the
 * version it last changed in, which answers a browser's "what changed since version v" without
 * asking the storage again. Refreshes are throttled (several browsers polling share one read).
 *
 * <p>Thread-safe: all state is guarded by this object's monitor; readers get immutable snapshots.
 */
final class StudyCache {
    /** How old a refresh may be before a request reads the storage again. */
    static final long REFRESH_MILLIS = 250;
    /** The shortest time between two builds of a study's plots. */
    static final long PLOT_MIN_MILLIS = 1000;

    final long studyId;
    final String name;
    final List<StudyDirection> directions;
    private final Storage storage;
    private final ReportOptions plotOptions;

    private final List<FrozenTrial> trials = new ArrayList<>();
    private long[] changedIn = new long[16];
    private final Map<Long, Integer> indexById = new HashMap<>();
    private final Map<Integer, Integer> indexByNumber = new HashMap<>();
    /** The latest distribution of every parameter the trials have, in first-seen order. */
    private final Map<String, Distribution> distributions = new LinkedHashMap<>();
    private long cursor;
    private long version;
    private long refreshedAt = Long.MIN_VALUE;
    private Instant lastActivity;
    private Snapshot snapshot;
    private final Object plotLock = new Object(); // a plot build may take a while: polls must not wait for it
    private Plots plots;
    private long builtAt;
    private long buildNanos;

    StudyCache(Storage storage, long studyId, String name, List<StudyDirection> directions, ReportOptions plotOptions) {
        this.storage = storage;
        this.studyId = studyId;
        this.name = name;
        this.directions = List.copyOf(directions);
        this.plotOptions = plotOptions;
    }

    /**
     * An immutable view of the trials at one version, in trial-number order.
     *
     * @param distributions   the latest distribution of every parameter the trials asked for, in first-seen order
     * @param enqueuedParams  the names that only values enqueued for unfinished trials have ({@link FrozenTrial#shownParams}):
     *                        no trial asked for them yet, so they have no distribution
     */
    record Snapshot(long version, List<FrozenTrial> trials, Map<TrialState, Integer> counts,
                    Optional<FrozenTrial> best, Optional<Instant> lastActivity, Map<String, Distribution> distributions,
                    List<String> enqueuedParams) {}

    /** Reads the changes from the storage unless that was done less than {@link #REFRESH_MILLIS} ago. */
    synchronized Snapshot refresh() {
        long now = System.nanoTime() / 1_000_000;
        if (snapshot != null && now - refreshedAt < REFRESH_MILLIS) {
            return snapshot;
        }
        TrialChanges changes = storage.getTrialsChangedSince(studyId, cursor);
        refreshedAt = now;
        cursor = changes.cursor();
        if (!changes.trials().isEmpty() || snapshot == null) {
            version++;
            boolean appendedInOrder = true;
            for (FrozenTrial t : changes.trials()) {
                Integer at = indexById.get(t.trialId());
                if (at == null) {
                    at = trials.size();
                    if (at > 0 && trials.get(at - 1).number() > t.number()) {
                        appendedInOrder = false;
                    }
                    trials.add(t);
                    indexById.put(t.trialId(), at);
                } else {
                    trials.set(at, t);
                }
                if (at >= changedIn.length) {
                    changedIn = Arrays.copyOf(changedIn, Math.max(at + 1, changedIn.length * 2));
                }
                changedIn[at] = version;
                noteActivity(t);
                distributions.putAll(t.distributions());
            }
            if (!appendedInOrder) {
                reorder();
            }
            for (int i = indexByNumber.size(); i < trials.size(); i++) {
                indexByNumber.put(trials.get(i).number(), i);
            }
            snapshot = new Snapshot(version, List.copyOf(trials), counts(), best(), Optional.ofNullable(lastActivity),
                    Collections.unmodifiableMap(new LinkedHashMap<>(distributions)), enqueuedParams());
        }
        return snapshot;
    }

    /** Keeps the list in trial-number order (numbers are given at creation, so this is rare). */
    private void reorder() {
        Integer[] order = new Integer[trials.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(trials.get(a).number(), trials.get(b).number()));
        List<FrozenTrial> sorted = new ArrayList<>(order.length);
        long[] changed = new long[changedIn.length];
        for (int i = 0; i < order.length; i++) {
            sorted.add(trials.get(order[i]));
            changed[i] = changedIn[order[i]];
        }
        trials.clear();
        trials.addAll(sorted);
        changedIn = changed;
        indexById.clear();
        indexByNumber.clear();
        for (int i = 0; i < trials.size(); i++) {
            indexById.put(trials.get(i).trialId(), i);
        }
    }

    private void noteActivity(FrozenTrial t) {
        Optional<Instant> at = t.datetimeComplete().or(t::datetimeStart);
        if (at.isPresent() && (lastActivity == null || at.get().isAfter(lastActivity))) {
            lastActivity = at.get();
        }
    }

    private Map<TrialState, Integer> counts() {
        Map<TrialState, Integer> c = new EnumMap<>(TrialState.class);
        for (TrialState s : TrialState.values()) {
            c.put(s, 0);
        }
        for (FrozenTrial t : trials) {
            c.merge(t.state(), 1, Integer::sum);
        }
        return c;
    }

    /** The names that only values enqueued for unfinished trials have, in first-seen order. */
    private List<String> enqueuedParams() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (FrozenTrial t : trials) {
            if (!t.state().isFinished()) {
                names.addAll(t.enqueuedNotAsked().keySet());
            }
        }
        names.removeAll(distributions.keySet());
        return List.copyOf(names);
    }

    /** The best complete trial of objective 0 (finite values only). */
    private Optional<FrozenTrial> best() {
        StudyDirection d = directions.get(0);
        FrozenTrial best = null;
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.COMPLETE && t.values().size() == directions.size()
                    && Double.isFinite(t.values().get(0))
                    && (best == null || d.isBetter(t.values().get(0), best.values().get(0)))) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The trials changed after version {@code since}, at most {@code limit} of them (the newest last). */
    synchronized List<FrozenTrial> changedSince(long since, int limit) {
        List<FrozenTrial> out = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            if (changedIn[i] > since) {
                out.add(trials.get(i));
            }
        }
        return out.size() <= limit ? out : out.subList(out.size() - limit, out.size());
    }

    synchronized Optional<FrozenTrial> byNumber(int number) {
        Integer at = indexByNumber.get(number);
        return at == null ? Optional.empty() : Optional.of(trials.get(at));
    }

    /**
     * The plots of one version of the study, with the snapshot they were drawn from (so that a page
     * shows its header from the same trials as its plots); each section is rendered once, when first asked for.
     */
    record Plots(StudyPlots plots, Snapshot snapshot, Map<String, String> rendered) {
        Plots(StudyPlots plots, Snapshot snapshot) {
            this(plots, snapshot, new java.util.concurrent.ConcurrentHashMap<>());
        }

        long version() {
            return snapshot.version();
        }

        /** @return the HTML of a section (the same string for every browser that asks for this version) */
        String html(String section) {
            return rendered.computeIfAbsent(section, plots::render);
        }
    }

    /**
     * The plots, rebuilt (importances and all) when trials changed since the last build, but not
     * sooner than {@link #PLOT_MIN_MILLIS} or five times the last build's duration after it: a large
     * study that changes all the time then costs the server a bounded share of a core, and the
     * page, which sees the version of what it got, asks again later. One build at a time per study.
     */
    /**
     * @return the plots built last, without rebuilding them for newer trials; built now if none
     *     were (what a page's list of sections needs: it depends on the kind of study, not its last trial)
     */
    Plots anyPlots() {
        synchronized (plotLock) {
            if (plots != null) {
                return plots;
            }
        }
        return plots();
    }

    Plots plots() {
        Snapshot s = refresh();
        synchronized (plotLock) {
            long now = System.nanoTime();
            boolean stale = plots == null || plots.version() != s.version();
            if (stale && (plots == null || now - builtAt >= Math.max(PLOT_MIN_MILLIS * 1_000_000, 5 * buildNanos))) {
                // the names are read at each build: a run records them just after it creates the study
                StudyPlots p = StudyPlots.of(new StudyReportData(name, directions, s.trials()).withObjectiveNames(
                        StudyReportData.objectiveNames(storage.getStudySystemAttrs(studyId), directions)), plotOptions);
                buildNanos = System.nanoTime() - now;
                builtAt = System.nanoTime();
                plots = new Plots(p, s);
            }
            return plots;
        }
    }
}
