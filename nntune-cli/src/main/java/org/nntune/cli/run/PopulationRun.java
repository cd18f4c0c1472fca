package org.nntune.cli.run;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.TrialsFormat;
import org.nntune.cli.studyfile.Families;
import org.nntune.cli.studyfile.Strategies;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.dashboard.HtmlReport;
import org.nntune.nn.data.Split;
import org.nntune.nn.model.Sequential;
import org.nntune.search.NetworkPopulation;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSpec;
import org.nntune.storage.StudyProvenance;
import org.nntune.tune.population.LineageEvent;
import org.nntune.tune.population.MemberRound;
import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.population.PopulationTrainingException;
import org.nntune.tune.population.ScheduleStep;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.ArtifactStoreException;
import org.nntune.tune.storage.Storage;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A study file's {@code sampler: {type: pbt, …}}: population-based training of the file's network
 * through the study's storage, with progress by round, and the best member's network and
 * hyperparameter schedule written at the end. Any number of {@code nntune tune}/{@code worker}
 * processes on the same storage share the population.
 *
 * <p>Each member trains on the training part less a held-out part ({@code validation.fraction},
 * split with the study seed, so every worker splits alike) that ranks it after every round; the best
 * member's network is scored on the test part as it is, without a refit.
 */
public final class PopulationRun {
    private final StudyFile sf;
    private final StudyRun.Overrides ov;
    private final PrintWriter out;

    public PopulationRun(StudyFile sf, StudyRun.Overrides ov, PrintWriter out) {
        this.sf = sf;
        this.ov = ov;
        this.out = out;
    }

    /**
     * Runs (or resumes, or joins as a worker) the study file's population; {@code nntune tune} then
     * writes the results, a worker only says what the study holds.
     *
     * @return the exit code
     */
    public int run(boolean worker) {
        String name = ov.studyName().orElse(sf.name());
        String url = StudyRun.storageUrl(sf, ov);
        int jobs = ov.jobs().orElse(sf.budget().jobs());
        StudyData data = start(name, url);
        try (Storage storage = CliStorage.open(url)) {
            OptionalLong found = CliStorage.findStudyId(storage, name, url);
            if (worker && found.isEmpty()) {
                throw new CliException(ExitCode.STORAGE, "no study named '" + name + "' in " + CliStorage.shown(url));
            }
            Optional<PbtOptions> stored = found.isPresent() ? PopulationTraining.load(storage, name).map(PopulationTraining::options)
                    : Optional.empty();
            long seed = StudyRun.studySeed(stored.map(PbtOptions::seed), ov.seed().or(sf::seed), name, worker ? null : out);
            PbtOptions options = Strategies.population(sf.sampler(), epochs(), seed);
            if (found.isPresent()) {
                StudyRun.checkSameData(storage, found.getAsLong(), sf, name, url, data, worker);
            }
            NetworkSpace space = space(sf, data, storage, found);
            if (!space.params().equals(data.space(sf).params()) && !worker) {
                out.println("note: study '" + name + "' was started by an earlier nntune, whose text networks took the space's"
                        + " max_length and vocab_size as they were, not the data's; its members keep them, so that their"
                        + " checkpoints still fit");
            }
            NetworkPopulation objective = objective(sf, space, data, seed);
            PopulationTraining pbt;
            try {
                pbt = PopulationTraining.createOrLoad(storage, name, objective.direction(), objective.tuneSpace(), options);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, sf.file() + ": " + e.getMessage(), e);
            }
            if (found.isEmpty()) {
                storage.setStudySystemAttr(pbt.studyId(), LIMITS_ATTR, true);
                StudyProvenance.recordDefinition(storage, pbt.studyId(), StudyRun.definition(sf));
                StudyProvenance.recordDataFingerprint(storage, pbt.studyId(), data.train().fingerprint());
            } else {
                out.printf(Locale.ROOT, "resuming: the population has finished %d of its %d member rounds%n",
                        pbt.history().rounds().values().stream().mapToInt(Map::size).sum(),
                        options.population() * options.rounds());
            }
            // tune's resume command, its words quoted for a shell; --trials does not apply to a population
            String resume = StudyRun.resumeCommand(sf, new StudyRun.Overrides(ov.storage(), Optional.empty(), ov.timeout(),
                    ov.jobs(), ov.seed(), ov.studyName()), name, url, worker);
            PopulationHistory h;
            try {
                h = run(pbt, objective, new StudyFileAdvice(sf).members(objective), jobs, resume, out);
            } catch (RuntimeException e) {
                if (storage.studyDeleted(name, pbt.studyId())) {
                    // 'nntune delete --force' (or another program) took the study: whatever failed, that is why
                    throw StudyRun.deleted(name, url, e);
                }
                throw e;
            }
            if (worker) {
                out.printf(Locale.ROOT, "worker done: every member of study '%s' has trained its %d epochs%n", name,
                        options.epochs());
                return ExitCode.OK;
            }
            return finish(pbt, objective, h, data);
        }
    }

    /**
     * {@code nntune tune --dry-run} of a population: what {@link #run} checks before it opens the
     * storage, and the population's settings and tuned space, which {@link #run} checks when it
     * creates the study; the same messages and exit codes.
     *
     * @return {@link ExitCode#OK}
     */
    public int dryRun() {
        long seed = ov.seed().or(sf::seed).orElse(0L);
        StudyData data = start(ov.studyName().orElse(sf.name()), StudyRun.storageUrl(sf, ov));
        Strategies.population(sf.sampler(), epochs(), seed);
        NetworkPopulation objective = objective(sf, data.space(sf), data, seed);
        try {
            PbtOptions.check(objective.tuneSpace());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": " + e.getMessage(), e);
        }
        out.println(StudyRun.DRY_RUN_DONE);
        return ExitCode.OK;
    }

    /** The checks before the storage, the data, and the run's first lines. */
    private StudyData start(String name, String url) {
        if (ov.timeout().isPresent()) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": a population-based training study ends when every member"
                    + " has trained its epochs; it has no time budget (--timeout)");
        }
        StudyData data = StudyData.load(sf, Families.images(sf.model().family()));
        StudyRun.checkClassWeights(sf, data.train());
        StudyRun.printStart(sf, name, data, url, out);
        StudyRun.warnIfFewWords(sf, data, out);
        // members train on the hold-out split's training part (its rows, whatever the seed)
        Split split = StudyRun.holdout(sf).splits(data.train(), 0).get(0);
        StudyRun.checkSmallestNetwork(sf, data.space(sf), data, data.train().subset(split.train()), out);
        ov.trials().ifPresent(n -> out.println("note: --trials does not apply to population-based training: the study has"
                + " one trial per member and round"));
        if (ov.trials().isEmpty() && sf.budget().trialsGiven()) {
            out.println("note: budget.trials does not apply to population-based training: the study has one trial per member"
                    + " and round (its size is sampler.population and the space's epochs)");
        }
        return data;
    }

    /** Every member's epochs in all: the space's fixed {@code epochs}. */
    private int epochs() {
        return ((Number) ((ParamSpec.Fixed) sf.model().network().params().get("epochs")).value()).intValue();
    }

    /**
     * Study system attribute: the population's networks take a text model's unnamed token limits
     * from the data ({@link StudyData#space}). A population stored by an earlier nntune lacks it:
     * its checkpoints hold networks of the file's space as it was (a 20,000-row embedding), which
     * the members it resumes and the best network it rebuilds must keep.
     */
    static final String LIMITS_ATTR = "nntune:cli:token-limits-from-data";

    /** The space of the population {@code study} (empty: one about to be created): {@link StudyData#space}, or the file's for an earlier nntune's. */
    static NetworkSpace space(StudyFile sf, StudyData data, Storage storage, OptionalLong study) {
        return study.isPresent() && !Boolean.TRUE.equals(storage.getStudySystemAttrs(study.getAsLong()).get(LIMITS_ATTR))
                ? sf.model().network() : data.space(sf);
    }

    /** The members of a study file's population: networks of {@code space}, trained on the training part less the held-out part. */
    static NetworkPopulation objective(StudyFile sf, NetworkSpace space, StudyData data, long seed) {
        Split split = StudyRun.holdout(sf).splits(data.train(), seed).get(0);
        String metric = sf.objectives().get(0).metric();
        return new NetworkPopulation(space, data.train().subset(split.train()),
                data.train().subset(split.test()), metric);
    }

    /** Writes the best member's network (and what predict needs beside it), its schedule, the trials and the report. */
    private int finish(PopulationTraining pbt, NetworkPopulation objective, PopulationHistory h, StudyData data) {
        MemberRound best = h.best().orElseThrow();
        Path dir = sf.outputDir();
        Path model = dir.resolve("best.model");
        Path schedule = dir.resolve("best-schedule.json");
        Path trials = dir.resolve("trials.csv");
        Path report = dir.resolve("report.html");
        Optional<ModelFiles.Sidecar> sidecar;
        try {
            Files.createDirectories(dir);
            Sequential network = export(pbt, objective, h, model, schedule);
            sidecar = ModelFiles.writeSidecars(model, data);
            String metric = sf.objectives().get(0).metric();
            // a forecaster's naive baselines in the members' metric (not for 'loss'), on the held-out and the test windows
            Optional<org.nntune.dashboard.NaiveBaseline> naive = org.nntune.search.Scorer.NAMES.contains(metric)
                    ? NaiveForecasts.score(sf, org.nntune.search.Scorer.byName(metric), data)
                    : Optional.empty();
            naive.flatMap(n -> NaiveForecasts.line("validation", metric, n.validation(), n.season(), n.seasonalValidation()))
                    .ifPresent(out::println);
            naive.ifPresent(n -> pbt.storage().setStudySystemAttr(pbt.studyId(), org.nntune.tune.trial.SystemAttrs.NAIVE_BASELINE, n.toSystemAttr()));
            if (data.test().isPresent()) {
                out.printf(Locale.ROOT, "best member %d's network (no refit); test %s: %.6g (%d test rows)%n", best.member(),
                        metric, network.evaluate(data.test().get()).metric(metric), data.test().get().size());
                naive.flatMap(n -> NaiveForecasts.line("test", metric, n.test(), n.season(), n.seasonalTest())).ifPresent(out::println);
            }
            TrialsFormat.csv(pbt.storage().getAllTrials(pbt.studyId()), trials);
            HtmlReport.fromStorage(pbt.storage(), pbt.name()).write(report);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write results to " + dir + ": " + CliException.ioReason(e), e);
        } catch (ArtifactStoreException | IllegalStateException e) {
            throw new CliException(ExitCode.STORAGE, e.getMessage(), e);
        }
        Map<String, Path> written = new LinkedHashMap<>();
        written.put("best model", model);
        sidecar.ifPresent(f -> written.put(f.what(), f.file()));
        written.put("best schedule", schedule);
        written.put("trials", trials);
        written.put("report", report);
        ModelFiles.printWritten(written, out);
        return ExitCode.OK;
    }

    /**
     * {@code nntune best} on a population-based training study: the best member, its value and its
     * hyperparameter schedule; {@code export} gets the schedule as JSON, {@code model} the member's
     * network as it is (loaded from its checkpoint; the study's data are read again for the
     * preprocessing the network was fitted with).
     *
     * @param definition the study file the study was started from, if stored
     */
    public static void best(PopulationTraining pbt, Optional<StudyFile> definition, Optional<Path> export,
                            Optional<Path> model, PrintWriter out) throws IOException {
        PopulationHistory h = pbt.history();
        MemberRound best = h.best().orElseThrow(() -> new CliException(ExitCode.OTHER, "study '" + pbt.name()
                + "' has no finished member round yet"));
        PbtOptions o = pbt.options();
        out.printf(Locale.ROOT, "best member %d: value %s after round %d of %d (trial %d); population-based training,"
                        + " %d members, %d exploit/explore steps%n", best.member(), best.value(), best.round() + 1, o.rounds(),
                best.trialNumber(), o.population(), h.lineage().size());
        out.println("params: " + best.params());
        out.println("schedule:");
        for (ScheduleStep step : h.schedule(best.member(), o)) {
            out.printf(Locale.ROOT, "  epochs %d-%d: %s%n", step.fromEpoch() + 1, step.fromEpoch() + step.epochs(), step.params());
        }
        printAdapted(h, best, out);
        if (export.isPresent()) {
            Files.writeString(export.get(), scheduleJson(o, h, best) + "\n");
            out.println("wrote " + export.get());
        }
        if (model.isPresent()) {
            StudyFile sf = definition.orElseThrow(() -> new CliException(ExitCode.STORAGE, "study '" + pbt.name()
                    + "' has no stored study definition, so its network cannot be rebuilt here"));
            StudyData data = StudyData.load(sf, Families.images(sf.model().family()));
            NetworkPopulation objective = objective(sf, space(sf, data, pbt.storage(), OptionalLong.of(pbt.studyId())), data, o.seed());
            try {
                objective.network(best.params(), pbt.checkpoint(best)).save(model.get());
            } catch (IllegalStateException e) {
                throw new CliException(ExitCode.STORAGE, e.getMessage(), e);
            }
            Optional<ModelFiles.Sidecar> sidecar = ModelFiles.writeSidecars(model.get(), data);
            out.println("wrote member " + best.member() + "'s network to " + model.get()
                    + ModelFiles.Sidecar.andIts(sidecar));
        }
    }

    /**
     * Trains the population with progress by round, and says which member is best.
     *
     * @param jobs worker threads in this process
     * @throws CliException exit 4 when the artifact store is full or gone, 1 when a member's round failed too often
     */
    static PopulationHistory run(PopulationTraining pbt, NetworkPopulation objective, int jobs, PrintWriter out) {
        return run(pbt, objective, objective, jobs, "the same command", out);
    }

    /** What an interrupted population says (after "interrupted; "), then how to resume. */
    static final String INTERRUPTED = "the member rounds in flight were recorded as failed and are trained again from their"
            + " members' last checkpoints; every finished round is kept and the study is consistent";

    /**
     * {@link #run(PopulationTraining, NetworkPopulation, int, PrintWriter)} training {@code trained}, {@code objective}'s
     * members wrapped; an interruption (Ctrl-C, SIGTERM, the thread interrupted) says what was kept and {@code resume}.
     *
     * @throws CliException exit 130 when the thread was interrupted
     */
    private static PopulationHistory run(PopulationTraining pbt, NetworkPopulation objective, PopulationObjective trained, int jobs,
                                         String resume, PrintWriter out) {
        PbtOptions options = pbt.options();
        out.printf(Locale.ROOT, "population-based training: %d members, %s, %s rounds; exploring %s%n",
                options.population(), roundsWords(options),
                options.synchronous() ? "synchronous" : "asynchronous", objective.tuneSpace().keySet());
        out.flush();
        java.util.concurrent.atomic.AtomicInteger mine = new java.util.concurrent.atomic.AtomicInteger();
        pbt.addListener((t, done, h) -> {
            mine.incrementAndGet();
            progress(out, options, done, h);
        });
        pbt.onNotice(notice -> {
            synchronized (out) {
                out.println(notice);
                out.flush();
            }
        });
        PopulationHistory h;
        // Ctrl-C or SIGTERM: the JVM ends once its shutdown hooks have run, so the hint is one of them (as tune's)
        Thread hint = StudyRun.resumeHint(System.lineSeparator() + "nntune: interrupted; " + INTERRUPTED + ". Resume with: "
                + resume);
        try {
            h = pbt.run(trained, jobs);
        } catch (PopulationTrainingException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CliException(ExitCode.INTERRUPTED, "interrupted; " + INTERRUPTED + ". Resume with: " + resume, e);
            }
            throw new CliException(e.isStorageProblem() ? ExitCode.STORAGE : ExitCode.OTHER, e.getMessage(), e);
        } finally {
            StudyRun.dropHint(hint);
        }
        MemberRound best = h.best().orElseThrow();
        out.printf(Locale.ROOT, "best: member %d, value %s after %d epochs, %d exploit/explore steps in the study;"
                        + " this process trained %d of the %d member rounds%n", best.member(), best.value(), options.epochs(),
                h.lineage().size(), mine.get(), options.population() * options.rounds());
        printAdapted(h, best, out);
        out.flush();
        return h;
    }

    /** What lr_adapt / l2_adapt had adapted when the member finished (the line an ordinary study's best trial has). */
    private static void printAdapted(PopulationHistory h, MemberRound best, PrintWriter out) {
        Map<String, Double> adapted = adaptedFinal(h.adapted(best.member()));
        if (!adapted.isEmpty()) {
            out.println("adapted during training (final values): " + adapted);
        }
    }

    /** The last value of each adapted hyperparameter. */
    private static Map<String, Double> adaptedFinal(Map<String, List<Double>> trajectory) {
        Map<String, Double> out = new LinkedHashMap<>();
        trajectory.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v.get(v.size() - 1));
            }
        });
        return out;
    }

    /**
     * The rounds as trained: "3 rounds of 4 epochs", or, when {@code interval} does not divide the
     * epochs, the shorter last round too ("2 rounds: 4 epochs, then 2"; "4 rounds: 3 of 4 epochs, then 1").
     */
    static String roundsWords(PbtOptions o) {
        int rounds = o.rounds();
        int last = o.epochsOf(rounds - 1);
        if (last == o.interval()) {
            return String.format(Locale.ROOT, "%d round%s of %s", rounds, rounds == 1 ? "" : "s", epochWords(o.interval()));
        }
        int full = rounds - 1;
        return String.format(Locale.ROOT, "%d rounds: %s%s, then %d", rounds, full == 1 ? "" : full + " of ",
                epochWords(o.interval()), last);
    }

    private static String epochWords(int n) {
        return n + (n == 1 ? " epoch" : " epochs");
    }

    private static void progress(PrintWriter out, PbtOptions options, MemberRound done, PopulationHistory h) {
        Map<Integer, MemberRound> round = h.rounds().getOrDefault(done.round(), Map.of());
        synchronized (out) {
            if (!options.synchronous() || round.size() == options.population()) {
                MemberRound best = h.best().orElse(done);
                long exploits = h.lineage().stream().filter(e -> e.round() == done.round()).count();
                out.printf(Locale.ROOT, "round %d/%d: %d/%d members done, best %s (member %d)%s%n", done.round() + 1,
                        options.rounds(), round.size(), options.population(), best.value(), best.member(),
                        exploits > 0 ? ", " + exploits + " member(s) copied a better one" : "");
                out.flush();
            }
        }
    }

    /**
     * Writes the best member's network (the engine's model file) and its schedule and lineage (JSON).
     *
     * @throws IllegalStateException if the study has no finished member, or its checkpoint is gone
     */
    public static Sequential export(PopulationTraining pbt, NetworkPopulation objective, PopulationHistory h, Path model,
                                    Path schedule) throws IOException {
        MemberRound best = h.best().orElseThrow(() -> new IllegalStateException("study '" + pbt.name()
                + "' has no finished member round yet"));
        Sequential network = objective.network(best.params(), pbt.checkpoint(best));
        network.save(model);
        Files.writeString(schedule, scheduleJson(pbt.options(), h, best) + "\n");
        return network;
    }

    static String scheduleJson(PbtOptions options, PopulationHistory h, MemberRound best) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("member", (long) best.member());
        m.put("value", best.value());
        m.put("epochs", (long) options.epochs());
        m.put("replay_seed", h.replaySeed(best.member(), options));
        List<Object> steps = new ArrayList<>();
        for (ScheduleStep s : h.schedule(best.member(), options)) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("from_epoch", (long) s.fromEpoch());
            step.put("epochs", (long) s.epochs());
            step.put("params", s.params());
            steps.add(step);
        }
        m.put("schedule", steps);
        Map<String, List<Double>> adapted = h.adapted(best.member());
        if (!adapted.isEmpty()) {
            // what lr_adapt / l2_adapt adapted during the member's training (its ancestry's, epoch by epoch): a replay
            // of the schedule adapts them again from the starting values; these are the values they reached
            m.put("adapted_final", adaptedFinal(adapted));
            m.put("adapted", adapted);
        }
        List<Object> lineage = new ArrayList<>();
        for (MemberRound mr : h.ancestry(best.member())) {
            if (mr.exploit().isPresent()) {
                LineageEvent e = mr.exploit().get();
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("round", (long) e.round());
                ev.put("member", (long) e.member());
                ev.put("copied", (long) e.donor());
                Map<String, Object> changes = new LinkedHashMap<>();
                e.changes().forEach((k, c) -> changes.put(k, List.of(c.from(), c.to())));
                ev.put("changes", changes);
                lineage.add(ev);
            }
        }
        m.put("lineage", lineage);
        return Json.encode(m);
    }
}
