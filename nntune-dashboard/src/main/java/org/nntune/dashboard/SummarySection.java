package org.nntune.dashboard;

import org.nntune.dashboard.svg.Fmt;
import org.nntune.dashboard.svg.Xml;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The study summary: name, directions, trial counts by state, the best trial(s) and durations. */
final class SummarySection {
    private SummarySection() {}

    static void render(StudyView v, StringBuilder out) {
        List<FrozenTrial> all = v.data.trials();
        Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
        for (FrozenTrial t : all) {
            counts.merge(t.state(), 1, Integer::sum);
        }
        out.append("<table class=\"summary\">\n");
        row(out, "Study", v.data.studyName());
        List<String> dirs = new ArrayList<>();
        for (int k = 0; k < v.objectives(); k++) {
            // with the objectives' names as nntune tune prints them: "maximize accuracy, minimize parameter_count"
            dirs.add(v.direction(k).name().toLowerCase(Locale.ROOT) + (v.data.objectiveNames().isEmpty() ? "" : " " + v.objectiveName(k)));
        }
        row(out, v.objectives() == 1 ? "Direction" : "Directions (" + v.objectives() + " objectives)", String.join(", ", dirs));
        StringBuilder c = new StringBuilder(Fmt.count(all.size()));
        if (!all.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (TrialState s : List.of(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING, TrialState.WAITING)) {
                parts.add(Fmt.count(counts.getOrDefault(s, 0)) + " " + s.name().toLowerCase(Locale.ROOT));
            }
            c.append(" (").append(String.join(", ", parts)).append(')');
        }
        row(out, "Trials", c.toString());
        if (v.objectives() == 1) {
            best(v, out);
        } else if (!v.complete.isEmpty()) {
            boolean[] on = ParetoPlot.front(v);
            List<String> nums = new ArrayList<>();
            int count = 0;
            for (int i = 0; i < on.length; i++) {
                if (on[i]) {
                    if (count++ < 12) {
                        nums.add("#" + v.complete.get(i).number());
                    }
                }
            }
            row(out, "Pareto-optimal trials", count + ": " + String.join(", ", nums) + (count > 12 ? ", …" : ""));
        }
        durations(all, out);
        out.append("</table>\n");
        if (all.isEmpty()) {
            Html.note(out, "This study has no trials yet: the plots below are empty.");
        } else if (v.complete.isEmpty()) {
            Html.note(out, "No trial has completed, so there is no best value and nothing to plot but the trials table"
                    + (counts.getOrDefault(TrialState.FAIL, 0) > 0 ? failures(all) : "."));
        }
        if (v.unplottable > 0) {
            Html.note(out, v.unplottable + " COMPLETE trial(s) have values that are not finite or do not match the "
                    + v.objectives() + " objective(s); they are left out of the plots.");
        }
    }

    private static void best(StudyView v, StringBuilder out) {
        if (v.complete.isEmpty()) {
            return;
        }
        StudyDirection dir = v.direction(0);
        FrozenTrial best = v.complete.get(0);
        for (FrozenTrial t : v.complete) {
            if (dir.isBetter(t.values().get(0), best.values().get(0))) {
                best = t;
            }
        }
        row(out, "Best value", Fmt.num(best.values().get(0)) + " (trial #" + best.number() + ")");
        List<String> ps = new ArrayList<>();
        for (Map.Entry<String, Object> e : best.params().entrySet()) {
            ps.add(e.getKey() + " = " + ParamAxis.label(e.getValue()));
        }
        row(out, "Best parameters", ps.isEmpty() ? "(none)" : String.join("; ", ps));
        int bestNumber = best.number();
        v.data.finalModel().ifPresent(m -> row(out, "Final model", finalModel(m, bestNumber)));
        // a forecaster is worth its baselines' difference: beside the best value and the test score, in the same metric
        v.data.naiveBaseline().ifPresent(b -> row(out, "Naive forecasts", b.describe()));
    }

    /**
     * "trial #3's configuration refitted on 112 training rows; test accuracy 0.857143 on 28 held-out rows
     * (…/best.model)": the one honest score of a study, which the best validation value above is not (it chose the
     * configuration).
     */
    static String finalModel(FinalModel m, int best) {
        StringBuilder sb = new StringBuilder("trial #").append(m.trial()).append("'s configuration");
        if (m.trial() != best) {
            sb.append(" (the best trial's refit failed)");
        }
        sb.append(m.trainRows() > 0 ? " refitted on " + Fmt.count(m.trainRows()) + " training rows" : " refitted");
        if (m.testScore().isPresent()) {
            sb.append("; test ").append(m.metric().orElse("score")).append(' ').append(Fmt.num(m.testScore().getAsDouble()))
                    .append(" on ").append(Fmt.count(m.testRows())).append(" held-out rows");
        } else {
            sb.append("; no test rows to score it on");
        }
        return sb.append(" (").append(m.path()).append(')').toString();
    }

    private static String failures(List<FrozenTrial> all) {
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (FrozenTrial t : all) {
            if (t.state() == TrialState.FAIL) {
                reasons.merge(t.failureReason().orElse("(no reason recorded)"), 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> top = new ArrayList<>(reasons.entrySet());
        top.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        StringBuilder sb = new StringBuilder("; failure reasons: ");
        for (int i = 0; i < Math.min(3, top.size()); i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            String r = top.get(i).getKey();
            sb.append(top.get(i).getValue()).append("× ").append(r.length() > 200 ? r.substring(0, 199) + "…" : r);
        }
        return sb.append('.').toString();
    }

    private static void durations(List<FrozenTrial> all, StringBuilder out) {
        Optional<Instant> first = Optional.empty();
        Optional<Instant> last = Optional.empty();
        double[] secs = new double[all.size()];
        int n = 0;
        for (FrozenTrial t : all) {
            if (t.datetimeStart().isPresent() && (first.isEmpty() || t.datetimeStart().get().isBefore(first.get()))) {
                first = t.datetimeStart();
            }
            if (t.datetimeComplete().isPresent() && (last.isEmpty() || t.datetimeComplete().get().isAfter(last.get()))) {
                last = t.datetimeComplete();
            }
            Optional<Duration> d = t.duration();
            if (d.isPresent()) {
                secs[n++] = d.get().toNanos() / 1e9;
            }
        }
        if (first.isPresent()) {
            // readable, in UTC (the report's bytes depend on no machine's zone); the page's script shows it in the
            // reader's time zone, as the dashboard shows its times
            Instant at = first.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            out.append("<tr><th>Started</th><td><time class=\"local\" datetime=\"").append(at).append("\">")
                    .append(UTC.format(at)).append("</time></td></tr>\n");
        }
        if (first.isPresent() && last.isPresent() && !last.get().isBefore(first.get())) {
            row(out, "Wall time (first start to last finish)", Fmt.seconds(Duration.between(first.get(), last.get()).toNanos() / 1e9));
        }
        if (n > 0) {
            double[] s = Arrays.copyOf(secs, n);
            Arrays.sort(s);
            double sum = 0;
            for (double x : s) {
                sum += x;
            }
            double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            row(out, "Trial duration", "median " + Fmt.seconds(median) + ", mean " + Fmt.seconds(sum / n) + ", max "
                    + Fmt.seconds(s[n - 1]) + ", total " + Fmt.seconds(sum) + " over " + Fmt.count(n) + " finished trials");
        }
    }

    private static final java.time.format.DateTimeFormatter UTC =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private static void row(StringBuilder out, String key, String value) {
        out.append("<tr><th>");
        Xml.escapeTo(out, key);
        out.append("</th><td>");
        Xml.escapeTo(out, value);
        out.append("</td></tr>\n");
    }
}
