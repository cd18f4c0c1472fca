package org.nntune.tune.population;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One member's finished round, as the study's trials record it.
 *
 * @param round the round, 0-based
 * @param member the member
 * @param trialNumber the number of the trial that trained it
 * @param params the hyperparameters it trained with (external values)
 * @param value the metric at the end of the round
 * @param donor the member whose checkpoint it started from (itself unless it exploited)
 * @param checkpoint the artifact key of the checkpoint it left
 * @param exploit the exploit and explore step that started it, if it copied another member
 * @param adapted what the member's training adapted itself in the round (hypergradient learning
 *     rates, implicit L2), name → one value per epoch of the round; empty when nothing adapted
 */
public record MemberRound(int round, int member, int trialNumber, Map<String, Object> params, double value, int donor,
                          String checkpoint, Optional<LineageEvent> exploit, Map<String, List<Double>> adapted) {
    /** Copies the maps and lists, unmodifiable. */
    public MemberRound {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        Map<String, List<Double>> a = new java.util.LinkedHashMap<>();
        adapted.forEach((k, v) -> a.put(k, List.copyOf(v)));
        adapted = java.util.Collections.unmodifiableMap(a);
    }

    /** A round whose training adapted nothing. */
    public MemberRound(int round, int member, int trialNumber, Map<String, Object> params, double value, int donor,
                       String checkpoint, Optional<LineageEvent> exploit) {
        this(round, member, trialNumber, params, value, donor, checkpoint, exploit, Map.of());
    }
}
