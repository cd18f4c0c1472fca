package org.nntune.cli.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.nntune.dashboard.FanovaImportance;
import org.nntune.dashboard.ParamImportances;
import org.nntune.storage.StudyCopier;
import org.nntune.tune.space.JsonNull;
import org.nntune.tune.storage.AtomicFile;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Writes trials as an aligned text table, CSV (RFC 4180) or JSON, with one column per parameter. */
public final class TrialsFormat {
    private TrialsFormat() {}

    /**
     * One summary line: the five most important parameters of a single-objective study by the
     * report's fANOVA ({@link FanovaImportance#defaults()}: bounded cost however many trials), or why
     * there are none, with what was not assessed.
     */
    public static String importanceLine(List<FrozenTrial> trials, StudyDirection direction) {
        List<FrozenTrial> complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE
                && t.values().size() == 1 && Double.isFinite(t.values().get(0))).toList();
        FanovaImportance fanova = FanovaImportance.defaults();
        ParamImportances imp = fanova.compute(complete, 0, direction);
        StringBuilder sb = new StringBuilder("parameter importance (fANOVA, ").append(complete.size())
                .append(complete.size() == 1 ? " complete trial" : " complete trials");
        if (complete.size() > fanova.maxTrials()) {
            sb.append(", fitted on ").append(fanova.maxTrials()).append(" drawn at random");
        }
        sb.append("):");
        int shown = 0;
        for (Map.Entry<String, Double> e : imp.values().entrySet()) {
            if (shown++ == 5) {
                sb.append(" …");
                break;
            }
            sb.append(shown > 1 ? ", " : " ").append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.3f", e.getValue()));
        }
        for (String note : imp.notes()) {
            // after the values a note is a clause of its own: "lr 0.603, units 0.117; not assessed (…): c."
            sb.append(shown > 0 ? "; " + Character.toLowerCase(note.charAt(0)) + note.substring(1) : " " + note);
        }
        return sb.toString();
    }

    /** Parameter names over all trials, in first-seen order. */
    static List<String> paramNames(List<FrozenTrial> trials) {
        Set<String> names = new LinkedHashSet<>();
        for (FrozenTrial t : trials) {
            names.addAll(t.shownParams().keySet());
        }
        return new ArrayList<>(names);
    }

    static int objectiveCount(List<FrozenTrial> trials) {
        int n = 1;
        for (FrozenTrial t : trials) {
            n = Math.max(n, t.values().size());
        }
        return n;
    }

    static List<String> header(List<FrozenTrial> trials) {
        List<String> h = new ArrayList<>(List.of("number", "state"));
        int k = objectiveCount(trials);
        for (int i = 0; i < k; i++) {
            h.add(k == 1 ? "value" : "value_" + i);
        }
        h.add("duration_s");
        for (String p : paramNames(trials)) {
            h.add("param_" + p);
        }
        h.add("failure");
        return h;
    }

    /** Why a trial failed, as recorded; empty for the others. */
    static String failure(FrozenTrial t) {
        return t.state() == TrialState.FAIL ? t.failureReason().orElse("(no reason recorded)") : "";
    }

    static List<String> row(FrozenTrial t, int objectives, List<String> params) {
        return row(t, objectives, params, TrialsFormat::number);
    }

    /** A trial's cells, its numbers written by {@code number} (the table's 6 digits, or a file's every digit). */
    static List<String> row(FrozenTrial t, int objectives, List<String> params, java.util.function.DoubleFunction<String> number) {
        List<String> r = new ArrayList<>();
        r.add(Integer.toString(t.number()));
        r.add(t.state().name());
        for (int i = 0; i < objectives; i++) {
            r.add(i < t.values().size() ? number.apply(t.values().get(i)) : "");
        }
        r.add(duration(t).map(d -> String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9)).orElse(""));
        for (String p : params) {
            Object v = t.shownParam(p); // a waiting enqueued trial: the values it will run with
            r.add(v == null ? "" : v instanceof Double d ? number.apply(d) : String.valueOf(v));
        }
        r.add(failure(t));
        return r;
    }

    /**
     * Start to completion. A trial copied by an earlier build of nntune (its {@link StudyCopier}) carries the
     * copy's time in its columns and the times it ran in system attributes: those are its times.
     */
    static java.util.Optional<Duration> duration(FrozenTrial t) {
        java.util.Optional<Instant> start = start(t);
        java.util.Optional<Instant> complete = complete(t);
        return start.isPresent() && complete.isPresent()
                ? java.util.Optional.of(Duration.between(start.get(), complete.get())) : java.util.Optional.empty();
    }

    /** When the trial started (see {@link #duration}). */
    static java.util.Optional<Instant> start(FrozenTrial t) {
        return originalTimes(t).map(times -> times[0]).or(t::datetimeStart);
    }

    /** When the trial finished (see {@link #duration}). */
    static java.util.Optional<Instant> complete(FrozenTrial t) {
        return originalTimes(t).map(times -> times[1]).or(t::datetimeComplete);
    }

    /** An older copy's original start and completion, both or none (as {@link #duration} used them). */
    private static java.util.Optional<Instant[]> originalTimes(FrozenTrial t) {
        java.util.Optional<Instant> start = StudyCopier.olderCopyTime(t, StudyCopier.COPIED_START);
        java.util.Optional<Instant> complete = StudyCopier.olderCopyTime(t, StudyCopier.COPIED_COMPLETE);
        return start.isPresent() && complete.isPresent()
                ? java.util.Optional.of(new Instant[] {start.get(), complete.get()}) : java.util.Optional.empty();
    }

    /**
     * {@code v} with every digit it needs to be read back as the same double (Java's shortest form; an integer
     * without a fraction), as a CSV file of the trials writes it: the table's 6 digits lost a parameter's precision.
     */
    public static String exact(double v) {
        return whole(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** {@code v} to 6 significant digits (an integer without a fraction), as the tables show it. */
    public static String number(double v) {
        return whole(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    /** Whether {@code v} is an integer a long writes exactly, without a fraction. */
    private static boolean whole(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15;
    }

    public static void table(List<FrozenTrial> trials, PrintWriter out) {
        List<String> params = paramNames(trials);
        int k = objectiveCount(trials);
        // the failure column only when a trial failed, its reason cut to keep the table readable
        boolean anyFailed = trials.stream().anyMatch(t -> t.state() == TrialState.FAIL);
        List<List<String>> rows = new ArrayList<>();
        rows.add(header(trials));
        for (FrozenTrial t : trials) {
            rows.add(row(t, k, params));
        }
        for (List<String> r : rows) {
            int last = r.size() - 1;
            if (!anyFailed) {
                r.remove(last);
            } else {
                r.set(last, TextTable.cut(r.get(last), 60));
            }
        }
        TextTable.print(rows, i -> i >= 2 && i < 3 + k, out); // numbers right-aligned
        out.flush();
    }

    public static void csv(List<FrozenTrial> trials, PrintWriter out) {
        List<String> params = paramNames(trials);
        int k = objectiveCount(trials);
        out.print(csvLine(header(trials)));
        for (FrozenTrial t : trials) {
            out.print(csvLine(row(t, k, params, TrialsFormat::exact)));
        }
        out.flush();
    }

    public static String csvLine(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(CsvCells.cell(cells.get(i)));
        }
        return sb.append("\r\n").toString();
    }

    /** Indented JSON; a {@link JsonNull} (an Optuna categorical's {@code None}) is written as {@code null}. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule().addSerializer(JsonNull.class, new StdSerializer<>(JsonNull.class) {
                @Override
                public void serialize(JsonNull value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                    gen.writeNull();
                }
            }));

    /** {@code value} as indented JSON, as {@code trials --format json} writes it. */
    public static String jsonText(Object value) throws IOException {
        return MAPPER.writeValueAsString(value);
    }

    public static void json(List<FrozenTrial> trials, PrintWriter out) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FrozenTrial t : trials) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", t.number());
            m.put("state", t.state().name());
            m.put("values", t.values());
            m.put("params", t.shownParams());
            Map<String, Object> enqueued = t.enqueuedNotAsked();
            if (!enqueued.isEmpty()) {
                // which of params are enqueued values the trial has not asked for yet (it waits, or runs)
                m.put("enqueued", List.copyOf(enqueued.keySet()));
            }
            m.put("intermediate_values", t.intermediateValues());
            m.put("user_attrs", t.userAttrs());
            m.put("datetime_start", start(t).map(Object::toString).orElse(null));
            m.put("datetime_complete", complete(t).map(Object::toString).orElse(null));
            m.put("duration_s", duration(t).map(d -> d.toNanos() / 1e9).orElse(null));
            t.failureReason().ifPresent(r -> m.put("failure_reason", r));
            list.add(m);
        }
        out.println(MAPPER.writeValueAsString(list));
        out.flush();
    }

    /** Writes trials as CSV to a file, replacing it atomically (never half written). */
    public static void csv(List<FrozenTrial> trials, java.nio.file.Path file) throws IOException {
        AtomicFile.write(file, out -> {
            PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8));
            csv(trials, w);
            w.flush();
        });
    }

    /**
     * The final value of each hyperparameter the trial's training adapted itself (the last epoch of
     * {@link org.nntune.tune.trial.SystemAttrs#ADAPTED_HYPERPARAMETERS}), by name; empty when none.
     */
    public static Map<String, Double> adaptedFinal(FrozenTrial t) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (t.systemAttrs().get(org.nntune.tune.trial.SystemAttrs.ADAPTED_HYPERPARAMETERS) instanceof Map<?, ?> m) {
            m.forEach((name, values) -> {
                if (values instanceof List<?> l && !l.isEmpty() && l.get(l.size() - 1) instanceof Number n) {
                    out.put(String.valueOf(name), n.doubleValue());
                }
            });
        }
        return out;
    }

    /** Writes a study's best trial as JSON: study name, trial number, value and parameters. */
    public static void bestParamsJson(String study, FrozenTrial best, Map<String, Object> fixed, java.nio.file.Path file)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("study", study);
        m.put("trial", best.number());
        if (best.values().size() == 1) {
            m.put("value", best.values().get(0));
        } else {
            m.put("values", best.values()); // a trial of a study of several objectives (of its Pareto front, say)
        }
        m.put("params", best.params());
        // the values the study did not search: with params they rebuild the network
        m.put("fixed", fixed);
        Map<String, Double> adapted = adaptedFinal(best);
        if (!adapted.isEmpty()) {
            // what training adapted itself (hypergradient lr, implicit L2): the values it ended with
            m.put("adapted_final", adapted);
        }
        byte[] json = (MAPPER.writeValueAsString(m) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(json));
    }
}
