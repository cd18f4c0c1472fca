package org.nntune.tune.population;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a population-based training study did, read from its trials alone (each member's round is
 * one trial whose system attributes say which member, which round and whom it copied): the rounds
 * by member, the lineage of exploit/explore steps, the best member and its hyperparameter schedule.
 * Reports and dashboards build it from the trials they already read.
 */
public final class PopulationHistory {
    static final String MEMBER = "pbt.member";
    static final String ROUND = "pbt.round";
    static final String ATTEMPT = "pbt.attempt";
    static final String DONOR = "pbt.donor";
    static final String CHECKPOINT = "pbt.checkpoint";
    static final String CHANGES = "pbt.changes";

    private final StudyDirection direction;
    /** round → member → its finished round */
    private final TreeMap<Integer, TreeMap<Integer, MemberRound>> rounds = new TreeMap<>();

    private PopulationHistory(StudyDirection direction) {
        this.direction = direction;
    }

    /** @return whether a trial is a member's round of population-based training */
    public static boolean isMemberRound(FrozenTrial t) {
        return t.systemAttrs().get(ROUND) instanceof Number && t.systemAttrs().get(MEMBER) instanceof Number;
    }

    /** Builds the history from a study's trials (other trials are ignored; only COMPLETE rounds count). */
    public static PopulationHistory of(List<FrozenTrial> trials, StudyDirection direction) {
        PopulationHistory h = new PopulationHistory(direction);
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.COMPLETE && isMemberRound(t)) {
                MemberRound mr = memberRound(t);
                h.rounds.computeIfAbsent(mr.round(), r -> new TreeMap<>()).put(mr.member(), mr);
            }
        }
        return h;
    }

    static MemberRound memberRound(FrozenTrial t) {
        Map<String, Object> a = t.systemAttrs();
        int round = ((Number) a.get(ROUND)).intValue();
        int member = ((Number) a.get(MEMBER)).intValue();
        int donor = a.get(DONOR) instanceof Number n ? n.intValue() : member;
        Optional<LineageEvent> exploit = Optional.empty();
        if (donor != member && a.get(CHANGES) instanceof Map<?, ?> ch) {
            Map<String, LineageEvent.Change> changes = new LinkedHashMap<>();
            ch.forEach((k, v) -> {
                List<?> fromTo = (List<?>) v;
                changes.put((String) k, new LineageEvent.Change(fromTo.get(0), fromTo.get(1)));
            });
            exploit = Optional.of(new LineageEvent(round, member, donor, changes));
        }
        return new MemberRound(round, member, t.number(), t.params(), t.value(), donor,
                String.valueOf(a.getOrDefault(CHECKPOINT, "")), exploit, adapted(a.get(SystemAttrs.ADAPTED_HYPERPARAMETERS)));
    }

    /** A trial's {@link SystemAttrs#ADAPTED_HYPERPARAMETERS} as name → values (empty when absent or malformed). */
    private static Map<String, List<Double>> adapted(Object stored) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        if (stored instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof List<?> l) {
                    List<Double> d = new ArrayList<>(l.size());
                    l.forEach(x -> d.add(x instanceof Number n ? n.doubleValue() : Double.NaN));
                    out.put(String.valueOf(k), d);
                }
            });
        }
        return out;
    }

    /**
     * What a member's training adapted itself over its whole training so far, name → one value per
     * epoch from epoch 1: its ancestry's rounds in order (before an exploit, the donor's rounds, whose
     * checkpoint and so whose adapted rates the member continued from); empty when nothing adapted.
     */
    public Map<String, List<Double>> adapted(int member) {
        List<MemberRound> chain = new ArrayList<>(ancestry(member));
        Collections.reverse(chain);
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (MemberRound mr : chain) {
            mr.adapted().forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        return out;
    }

    /** @return round → member → finished round, ascending */
    public Map<Integer, Map<Integer, MemberRound>> rounds() {
        Map<Integer, Map<Integer, MemberRound>> out = new TreeMap<>();
        rounds.forEach((r, m) -> out.put(r, Collections.unmodifiableMap(m)));
        return Collections.unmodifiableMap(out);
    }

    /** @return every exploit/explore step, by round then member */
    public List<LineageEvent> lineage() {
        List<LineageEvent> out = new ArrayList<>();
        for (TreeMap<Integer, MemberRound> r : rounds.values()) {
            for (MemberRound mr : r.values()) {
                mr.exploit().ifPresent(out::add);
            }
        }
        return out;
    }

    /** @return the latest finished round of each member, by member */
    public Map<Integer, MemberRound> latest() {
        Map<Integer, MemberRound> out = new TreeMap<>();
        for (TreeMap<Integer, MemberRound> r : rounds.values()) {
            out.putAll(r);
        }
        return out;
    }

    /** @return the member round that is best among each member's latest one (lowest member among ties) */
    public Optional<MemberRound> best() {
        return latest().values().stream().min(ranking());
    }

    /** Best first, ties by member number. */
    Comparator<MemberRound> ranking() {
        Comparator<MemberRound> byValue = Comparator.comparingDouble(MemberRound::value);
        if (direction == StudyDirection.MAXIMIZE) {
            byValue = byValue.reversed();
        }
        return byValue.thenComparingInt(MemberRound::member);
    }

    /**
     * The hyperparameter schedule that produced a member's latest checkpoint: the member's rounds,
     * and before each exploit the donor's rounds, back to epoch 0. Consecutive rounds with the same
     * hyperparameters are merged into one step.
     *
     * @param options for the epochs of each round
     */
    public List<ScheduleStep> schedule(int member, PbtOptions options) {
        MemberRound at = latest().get(member);
        if (at == null) {
            throw new IllegalArgumentException("member " + member + " has not finished a round yet");
        }
        List<MemberRound> chain = new ArrayList<>(ancestry(member));
        if (chain.size() != at.round() + 1) {
            throw new IllegalStateException("member " + member + "'s ancestry misses round " + (at.round() - chain.size()));
        }
        Collections.reverse(chain);
        List<ScheduleStep> steps = new ArrayList<>();
        for (MemberRound mr : chain) {
            int from = options.firstEpoch(mr.round());
            int n = options.epochsOf(mr.round());
            ScheduleStep last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            if (last != null && last.params().equals(mr.params())) {
                steps.set(steps.size() - 1, new ScheduleStep(last.fromEpoch(), last.epochs() + n, last.params()));
            } else {
                steps.add(new ScheduleStep(from, n, mr.params()));
            }
        }
        return steps;
    }

    /**
     * @return the seed a replay of {@link #schedule}{@code (member, options)} starts from: the seed of
     *     the member's first ancestor, whose fresh model its history began with
     */
    public long replaySeed(int member, PbtOptions options) {
        List<MemberRound> chain = ancestry(member);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("member " + member + " has not finished a round yet");
        }
        return PopulationTraining.memberSeed(options.seed(), chain.get(chain.size() - 1).member());
    }

    /** @return the members in a member's ancestry, newest first: the member, then each donor it copied back to round 0 */
    public List<MemberRound> ancestry(int member) {
        MemberRound at = latest().get(member);
        List<MemberRound> chain = new ArrayList<>();
        int current = member;
        for (int r = at == null ? -1 : at.round(); r >= 0; r--) {
            MemberRound mr = rounds.getOrDefault(r, new TreeMap<>()).get(current);
            if (mr == null) {
                break;
            }
            chain.add(mr);
            current = mr.donor();
        }
        return chain;
    }
}
