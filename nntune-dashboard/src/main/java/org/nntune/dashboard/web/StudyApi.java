package org.nntune.dashboard.web;

import org.nntune.dashboard.ReportOptions;
import org.nntune.dashboard.StudyPlots;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The dashboard's JSON API over a {@link Storage}: study list, study, "what changed since", a
 * page of the trials table, one trial, a plot section (server-rendered SVG, the report's own
 * renderers) and, when allowed, the writes. Errors are JSON {@code {"error": "..."}} with a status:
 * 400 bad query, 403 writes off, 404 unknown, 410 a study deleted while the page was open ({@link DashboardServer}
 * adds 503, database unreachable, when the storage fails or does not answer in time).
 */
final class StudyApi {
    /** Most changed trials sent in one answer; a page that falls further behind reloads its table. */
    static final int MAX_CHANGES = 200;
    /** The study system attribute that holds the study's note written in the dashboard. */
    static final String NOTE = "dashboard:note";
    /** The study system attributes that hold trials' notes (finished trials never change, so not on the trial). */
    static final String TRIAL_NOTE = "dashboard:trial-note:";

    /** @param version the study version the body shows (plots may lag the trials), or -1 */
    record Response(int status, String contentType, String body, long version) {
        Response(int status, String contentType, String body) {
            this(status, contentType, body, -1);
        }

        static Response json(JsonOut j) {
            return new Response(200, "application/json", j.toString());
        }
    }

    /** A request refused with a status and a message for the page. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Storage storage;
    private final String storageLabel;
    private final boolean allowWrites;
    private final ReportOptions plotOptions;
    private final Map<Long, StudyCache> caches = new ConcurrentHashMap<>();
    private final Map<Long, String> deleted = new ConcurrentHashMap<>();

    StudyApi(Storage storage, String storageLabel, boolean allowWrites, ReportOptions plotOptions) {
        this.storage = storage;
        this.storageLabel = storageLabel;
        this.allowWrites = allowWrites;
        this.plotOptions = plotOptions;
    }

    /** Reads every study and draws its plots, so that the first page a browser opens is served from memory. */
    void warmUp() {
        for (StudySummary s : storage.getAllStudies()) {
            StudyCache.Plots plots = cache(s).plots();
            for (StudyPlots.Section section : plots.plots().sections()) {
                plots.html(section.id());
            }
        }
    }

    Response handle(String method, String path, Map<String, String> query, Supplier<Map<String, String>> form) {
        try {
            String[] p = path.replaceAll("^/+|/+$", "").split("/");
            boolean get = method.equals("GET");
            if (get && p.length == 1 && p[0].equals("info")) {
                return Response.json(new JsonOut().beginObject().key("storage").value(storageLabel)
                        .key("allowWrites").value(allowWrites).endObject());
            }
            if (get && p.length == 1 && p[0].equals("studies")) {
                return studies();
            }
            if (p.length < 2 || !p[0].equals("studies")) {
                throw new Refused(404, "no API at /api/" + path);
            }
            long id = parseId(p[1]);
            if (get) {
                if (p.length == 2) {
                    return study(id);
                }
                if (p.length == 3 && p[2].equals("changes")) {
                    return changes(id, query);
                }
                if (p.length == 3 && p[2].equals("trials")) {
                    return trials(id, TrialQuery.parse(query));
                }
                if (p.length == 4 && p[2].equals("trials")) {
                    return trial(id, parseNumber(p[3]));
                }
                if (p.length == 3 && p[2].equals("plots")) {
                    return allPlots(id);
                }
                if (p.length == 4 && p[2].equals("plots")) {
                    StudyCache.Plots plots = studyCache(id).plots();
                    if (p[3].equals("history") && (query.containsKey("from") || query.containsKey("to"))) {
                        // a zoom: drawn for this request only (a window is cheap; the whole history is cached)
                        return new Response(200, "text/html", plots.plots().renderHistory(
                                trialNumber(query, "from", Integer.MIN_VALUE), trialNumber(query, "to", Integer.MAX_VALUE)),
                                plots.version());
                    }
                    return new Response(200, "text/html", plots.html(p[3]), plots.version());
                }
            } else if (method.equals("POST")) {
                if (!allowWrites) {
                    throw new Refused(403, "this dashboard is read-only: start it with --allow-writes to change studies");
                }
                Map<String, String> f = form.get();
                if (p.length == 3 && p[2].equals("note")) {
                    StudyCache c = studyCache(id);
                    storage.setStudySystemAttr(c.studyId, NOTE, f.getOrDefault("text", ""));
                    return ok();
                }
                if (p.length == 5 && p[2].equals("trials") && p[4].equals("note")) {
                    FrozenTrial t = trialOf(id, parseNumber(p[3]));
                    storage.setStudySystemAttr(id, TRIAL_NOTE + t.number(), f.getOrDefault("text", ""));
                    return ok();
                }
                if (p.length == 3 && p[2].equals("enqueue")) {
                    return enqueue(id, f);
                }
                if (p.length == 3 && p[2].equals("delete")) {
                    return delete(id, f);
                }
            }
            throw new Refused(404, "no API " + method + " /api/" + path);
        } catch (Refused r) {
            return error(r.status, r.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (IllegalStateException e) {
            return error(409, e.getMessage()); // the storage refused a change that the study's state does not allow
        }
    }

    private static Response error(int status, String message) {
        return new Response(status, "application/json",
                new JsonOut().beginObject().key("error").value(message).endObject().toString());
    }

    private static Response ok() {
        return Response.json(new JsonOut().beginObject().key("ok").value(true).endObject());
    }

    private static long parseId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new Refused(404, "no study with id '" + s + "'");
        }
    }

    private static int parseNumber(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new Refused(404, "no trial number '" + s + "'");
        }
    }

    private StudyCache cache(StudySummary s) {
        return caches.computeIfAbsent(s.studyId(),
                id -> new StudyCache(storage, id, s.name(), s.directions(), plotOptions));
    }

    /** The cache of a study that exists; 410 if it was deleted while open, 404 if it never was here. */
    private StudyCache studyCache(long id) {
        StudyCache c = caches.get(id);
        if (c == null) {
            Optional<StudySummary> s = storage.getAllStudies().stream().filter(x -> x.studyId() == id).findFirst();
            if (s.isEmpty()) {
                throw gone(id);
            }
            c = cache(s.get());
        }
        return c;
    }

    private Refused gone(long id) {
        String name = deleted.get(id);
        return name != null
                ? new Refused(410, "the study '" + name + "' was deleted from " + storageLabel)
                : new Refused(404, "no study with id " + id + " in " + storageLabel);
    }

    /** A snapshot of a study; a study deleted meanwhile (its read fails) becomes a 410. */
    private StudyCache.Snapshot snapshot(StudyCache c) {
        try {
            return c.refresh();
        } catch (IllegalArgumentException e) {
            if (storage.getAllStudies().stream().noneMatch(s -> s.studyId() == c.studyId)) {
                caches.remove(c.studyId);
                deleted.put(c.studyId, c.name);
                throw gone(c.studyId);
            }
            throw e;
        }
    }

    private Response studies() {
        List<StudySummary> all = storage.getAllStudies();
        JsonOut j = new JsonOut().beginObject().key("storage").value(storageLabel).key("studies").beginArray();
        for (StudySummary s : all) {
            StudyCache c = cache(s);
            StudyCache.Snapshot snap;
            try {
                snap = snapshot(c);
            } catch (Refused gone) {
                continue; // deleted between the list and its read
            }
            j.beginObject().key("id").value(s.studyId()).key("name").value(s.name())
                    .key("incompleteCopy").value(s.isIncompleteCopy());
            directions(j, s.directions());
            summary(j, snap);
            j.endObject();
        }
        caches.keySet().removeIf(id -> all.stream().noneMatch(s -> s.studyId() == id));
        return Response.json(j.endArray().endObject());
    }

    private static void directions(JsonOut j, List<StudyDirection> dirs) {
        j.key("directions").beginArray();
        for (StudyDirection d : dirs) {
            j.value(d.name().toLowerCase(Locale.ROOT));
        }
        j.endArray();
    }

    /** Version, counts by state, best trial and last activity: what the study list and header show. */
    private static void summary(JsonOut j, StudyCache.Snapshot snap) {
        j.key("version").value(snap.version()).key("nTrials").value(snap.trials().size()).key("counts").beginObject();
        for (Map.Entry<TrialState, Integer> e : snap.counts().entrySet()) {
            j.key(e.getKey().name()).value(e.getValue());
        }
        j.endObject().key("best");
        if (snap.best().isPresent()) {
            FrozenTrial b = snap.best().get();
            j.beginObject().key("number").value(b.number()).key("values").any(b.values()).endObject();
        } else {
            j.nullValue();
        }
        j.key("lastActivity").value(snap.lastActivity());
    }

    private Response study(long id) {
        StudyCache c = studyCache(id);
        StudyCache.Snapshot snap = snapshot(c);
        StudySummary s = storage.getStudy(id);
        JsonOut j = new JsonOut().beginObject().key("id").value(id).key("name").value(c.name)
                .key("allowWrites").value(allowWrites).key("incompleteCopy").value(s.isIncompleteCopy());
        directions(j, c.directions);
        // the objectives' names (the metrics a run records), or null: the page then says "objective k"
        List<String> names = org.nntune.dashboard.StudyReportData.objectiveNames(s.systemAttrs(), c.directions);
        j.key("objectives").any(names.isEmpty() ? null : names);
        summary(j, snap);
        j.key("note").any(s.systemAttrs().get(NOTE)).key("userAttrs").any(s.userAttrs());
        j.key("params").beginArray();
        for (Map.Entry<String, Distribution> e : snap.distributions().entrySet()) {
            Distribution d = e.getValue();
            j.beginObject().key("name").value(e.getKey()).key("type").value(d.typeName());
            if (d instanceof FloatDistribution f) {
                j.key("low").value(f.low()).key("high").value(f.high()).key("log").value(f.log());
            } else if (d instanceof IntDistribution in) {
                j.key("low").value(in.low()).key("high").value(in.high()).key("log").value(in.log());
            } else if (d instanceof CategoricalDistribution cd) {
                j.key("choices").any(cd.choices());
            }
            j.endObject();
        }
        // names that only values enqueued for waiting or running trials have so far: no distribution yet
        for (String name : snap.enqueuedParams()) {
            j.beginObject().key("name").value(name).key("enqueuedOnly").value(true).endObject();
        }
        j.endArray().key("sections").beginArray();
        // the sections of this kind of study (population-based training adds its own)
        for (StudyPlots.Section sec : c.anyPlots().plots().sections()) {
            j.beginObject().key("id").value(sec.id()).key("title").value(sec.title())
                    .key("subtitle").value(sec.subtitle().orElse(null)).endObject();
        }
        return Response.json(j.endArray().endObject());
    }

    /**
     * Every plot section of a study and the header's summary (counts, best, last activity), all of
     * one snapshot: a page that shows them together never has a header ahead of its summary and plots.
     */
    private Response allPlots(long id) {
        StudyCache c = studyCache(id);
        snapshot(c); // a deleted study is a 410 here too
        StudyCache.Plots plots = c.plots();
        JsonOut j = new JsonOut().beginObject();
        summary(j, plots.snapshot());
        j.key("sections").beginObject();
        for (StudyPlots.Section sec : plots.plots().sections()) {
            if (!sec.id().equals("trials")) { // the page pages its own table
                j.key(sec.id()).value(plots.html(sec.id()));
            }
        }
        return new Response(200, "application/json", j.endObject().endObject().toString(), plots.version());
    }

    /** A zoom bound: a trial number (a fraction is rounded toward the inside of the window). */
    private static int trialNumber(Map<String, String> query, String key, int absent) {
        String raw = query.get(key);
        if (raw == null || raw.isBlank()) {
            return absent;
        }
        try {
            double d = Double.parseDouble(raw);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            double r = key.equals("from") ? Math.ceil(d) : Math.floor(d);
            return (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE - 1, r));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a trial number, got '" + raw + "'");
        }
    }

    private Response changes(long id, Map<String, String> query) {
        StudyCache c = studyCache(id);
        long since;
        try {
            since = Long.parseLong(query.getOrDefault("since", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("since must be a version number, got '" + query.get("since") + "'");
        }
        StudyCache.Snapshot snap = snapshot(c);
        JsonOut j = new JsonOut().beginObject();
        summary(j, snap);
        // a version from before this server started (it restarted while the page stayed open): start over
        j.key("reset").value(since > snap.version());
        List<FrozenTrial> changed = snap.version() > since ? c.changedSince(since, MAX_CHANGES + 1) : List.of();
        j.key("truncated").value(changed.size() > MAX_CHANGES).key("trials").beginArray();
        for (FrozenTrial t : changed.size() > MAX_CHANGES ? changed.subList(1, changed.size()) : changed) {
            row(j, t);
        }
        return Response.json(j.endArray().endObject());
    }

    private Response trials(long id, TrialQuery q) {
        StudyCache c = studyCache(id);
        StudyCache.Snapshot snap = snapshot(c);
        TrialQuery.Page page = q.run(snap.trials());
        JsonOut j = new JsonOut().beginObject().key("version").value(snap.version())
                .key("total").value(snap.trials().size()).key("matched").value(page.matched())
                .key("offset").value(q.offset()).key("rows").beginArray();
        for (FrozenTrial t : page.rows()) {
            row(j, t);
        }
        return Response.json(j.endArray().endObject());
    }

    /**
     * One table row: what the trials table shows of a trial. Its {@code params} are the ones it shows
     * ({@link FrozenTrial#shownParams}); {@code enqueued}, when present, names those of them that were enqueued
     * and not asked for yet.
     */
    private static void row(JsonOut j, FrozenTrial t) {
        j.beginObject().key("number").value(t.number()).key("state").value(t.state().name())
                .key("values").any(t.values()).key("params").any(t.shownParams());
        Map<String, Object> enqueued = t.enqueuedNotAsked();
        if (!enqueued.isEmpty()) {
            j.key("enqueued").any(enqueued.keySet());
        }
        times(j, t);
        j.endObject();
    }

    /** When a trial started and finished, and its duration in seconds (null when not known). */
    private static void times(JsonOut j, FrozenTrial t) {
        j.key("start").value(t.datetimeStart()).key("complete").value(t.datetimeComplete()).key("duration");
        if (t.duration().isPresent()) {
            j.value(t.duration().get().toNanos() / 1e9);
        } else {
            j.nullValue();
        }
    }

    private FrozenTrial trialOf(long id, int number) {
        StudyCache c = studyCache(id);
        snapshot(c);
        return c.byNumber(number).orElseThrow(() -> new Refused(404, "study '" + c.name + "' has no trial " + number));
    }

    private Response trial(long id, int number) {
        FrozenTrial t = trialOf(id, number);
        JsonOut j = new JsonOut();
        j.beginObject().key("number").value(t.number()).key("trialId").value(t.trialId())
                .key("state").value(t.state().name()).key("values").any(t.values());
        j.key("params").beginArray();
        for (Map.Entry<String, Object> e : t.params().entrySet()) {
            j.beginObject().key("name").value(e.getKey()).key("value").any(e.getValue())
                    .key("distribution").value(shown(t.distributions().get(e.getKey()))).endObject();
        }
        // enqueued for the trial, not asked for yet: no distribution until it is
        for (Map.Entry<String, Object> e : t.enqueuedNotAsked().entrySet()) {
            j.beginObject().key("name").value(e.getKey()).key("value").any(e.getValue())
                    .key("distribution").nullValue().key("enqueued").value(true).endObject();
        }
        j.endArray().key("intermediate").beginArray();
        for (Map.Entry<Integer, Double> e : t.intermediateValues().entrySet()) {
            j.beginArray().value(e.getKey()).value(e.getValue()).endArray();
        }
        j.endArray().key("userAttrs").any(t.userAttrs()).key("systemAttrs").any(t.systemAttrs())
                .key("failureReason").value(t.failureReason().orElse(null));
        times(j, t);
        Map<String, Object> studyAttrs = storage.getStudySystemAttrs(id);
        j.key("worker").any(t.systemAttrs().get(SystemAttrs.WORKER)).key("modelFile").any(modelFile(studyAttrs, t))
                .key("note").any(studyAttrs.get(TRIAL_NOTE + t.number()));
        return Response.json(j.endObject());
    }

    /** The model file a run saved for this trial's configuration (only the best one is saved), or null. */
    private static Object modelFile(Map<String, Object> studyAttrs, FrozenTrial t) {
        if (studyAttrs.get(SystemAttrs.BEST_MODEL) instanceof Map<?, ?> m && m.get("trial") instanceof Number n
                && n.intValue() == t.number()) {
            return m.get("path");
        }
        return null;
    }

    /** Enqueues a WAITING trial with the parameters of the form ({@code param.NAME=value}), checked against their distributions. */
    private Response enqueue(long id, Map<String, String> form) {
        StudyCache c = studyCache(id);
        Map<String, Distribution> known = snapshot(c).distributions();
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, Distribution> dists = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : form.entrySet()) {
            if (!e.getKey().startsWith("param.") || e.getValue().isBlank()) {
                continue;
            }
            String name = e.getKey().substring(6);
            Distribution d = known.get(name);
            if (d == null) {
                throw new IllegalArgumentException("the study has no parameter '" + name + "'; it has " + known.keySet());
            }
            Object v = parseValue(name, e.getValue().trim(), d);
            params.put(name, v);
            dists.put(name, d);
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("give at least one parameter value to enqueue a trial");
        }
        FrozenTrial created = storage.createTrial(c.studyId, FrozenTrial.template(TrialState.WAITING, List.of(), params, dists));
        return Response.json(new JsonOut().beginObject().key("number").value(created.number()).endObject());
    }

    private static Object parseValue(String name, String text, Distribution d) {
        Object v;
        try {
            if (d instanceof FloatDistribution) {
                v = Double.parseDouble(text);
            } else if (d instanceof IntDistribution) {
                v = Long.parseLong(text);
            } else if (d instanceof CategoricalDistribution cd) {
                v = cd.choices().stream().filter(ch -> String.valueOf(ch).equals(text)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("parameter '" + name + "': '" + text
                                + "' is not one of " + cd.choices()));
            } else {
                throw new IllegalArgumentException("parameter '" + name + "' has an unknown distribution " + d);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' needs a number, got '" + text + "'");
        }
        if (!d.contains(v)) {
            throw new IllegalArgumentException("parameter '" + name + "' = " + text + " is not in " + shown(d));
        }
        return v;
    }

    /**
     * A distribution as a user writes a range or a choice, not as its Java record prints:
     * {@code int 1..4}, {@code int 8..256 log}, {@code int 0..100 step 10}, {@code float 1e-4..0.1 log}, {@code float 0..5e6},
     * {@code [relu, tanh]}.
     */
    static String shown(Distribution d) {
        if (d instanceof IntDistribution i) {
            return "int " + i.low() + ".." + i.high() + (i.step() != 1 ? " step " + i.step() : "") + (i.log() ? " log" : "");
        }
        if (d instanceof FloatDistribution f) {
            return "float " + number(f.low()) + ".." + number(f.high())
                    + (f.step().isPresent() ? " step " + number(f.step().getAsDouble()) : "") + (f.log() ? " log" : "");
        }
        if (d instanceof CategoricalDistribution c) {
            return "[" + String.join(", ", c.choices().stream().map(String::valueOf).toList()) + "]";
        }
        return String.valueOf(d);
    }

    /** A bound as a study file writes it: 0.1, 2.5, 1e-4, 3e6 (six significant digits at most). */
    private static String number(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : String.valueOf(v);
        }
        java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            return b.toPlainString();
        }
        int exp = b.precision() - b.scale() - 1;
        return b.movePointLeft(exp).stripTrailingZeros().toPlainString() + "e" + (exp < 0 ? "-" : "") + Math.abs(exp);
    }

    private Response delete(long id, Map<String, String> form) {
        StudyCache c = studyCache(id);
        if (!c.name.equals(form.get("confirm"))) {
            throw new IllegalArgumentException("to delete the study, confirm with its exact name");
        }
        // a worker whose study is deleted under it dies mid-trial (nntune delete --force does it on purpose)
        List<Integer> live = storage.liveTrialNumbers(c.studyId,
                org.nntune.tune.run.Heartbeats.grace(org.nntune.tune.run.Heartbeats.configuredInterval()));
        if (!live.isEmpty()) {
            throw new Refused(409, "workers are running study '" + c.name + "' (running trial" + (live.size() == 1 ? " " : "s ")
                    + String.join(", ", live.stream().limit(10).map(String::valueOf).toList()) + (live.size() > 10 ? ", …" : "")
                    + " with a live heartbeat): stop them first, or delete it with nntune delete --force");
        }
        storage.deleteStudy(c.studyId);
        caches.remove(c.studyId);
        deleted.put(c.studyId, c.name);
        return ok();
    }


}
