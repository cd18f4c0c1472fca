package org.nntune.cli.run;

import org.nntune.cli.CliException;
import org.nntune.cli.ExitCode;
import org.nntune.nn.model.Sequential;
import org.nntune.search.NetworkPopulation;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSpec;
import org.nntune.tune.population.LineageEvent;
import org.nntune.tune.population.MemberRound;
import org.nntune.tune.population.PbtOptions;
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

/**
 * A study file's {@code sampler: {type: pbt, …}}: population-based training of the file's network
 * through the study's storage, with progress by round, and the best member's network and
 * hyperparameter schedule written at the end. Any number of {@code nntune tune}/{@code worker}
 * processes on the same storage share the population.
 */
public final class PopulationRun {
    private PopulationRun() {}

    /** The options the {@code pbt} sampler takes. */
    public static final List<String> OPTIONS = List.of("population", "interval", "quantile", "resample_probability",
            "factors", "synchronous", "max_attempts");

    /**
     * The PBT settings of a study file's sampler section.
     *
     * @param options the section's options as written
     * @param epochs the model's epochs (each member trains this many)
     * @param seed the study seed
     * @throws IllegalArgumentException naming the option when a value is missing, of the wrong type or refused
     */
    public static PbtOptions settings(Map<String, Object> options, int epochs, long seed) {
        int population = intOption(options, "population", 8);
        int interval = intOption(options, "interval", 1);
        PbtOptions o = PbtOptions.defaults(population, interval, epochs).withSeed(seed);
        if (options.containsKey("quantile")) {
            o = o.withQuantile(number(options, "quantile"));
        }
        if (options.containsKey("resample_probability")) {
            o = o.withResampleProbability(number(options, "resample_probability"));
        }
        if (options.containsKey("factors")) {
            if (!(options.get("factors") instanceof List<?> f) || f.size() != 2 || !(f.get(0) instanceof Number down)
                    || !(f.get(1) instanceof Number up)) {
                throw new IllegalArgumentException("factors: expected two numbers [down, up], e.g. [0.8, 1.2], found "
                        + options.get("factors"));
            }
            o = o.withFactors(down.doubleValue(), up.doubleValue());
        }
        if (options.containsKey("synchronous")) {
            if (!(options.get("synchronous") instanceof Boolean b)) {
                throw new IllegalArgumentException("synchronous: expected true or false, found " + options.get("synchronous"));
            }
            o = o.withSynchronous(b);
        }
        if (options.containsKey("max_attempts")) {
            o = o.withMaxAttempts(intOption(options, "max_attempts", 3));
        }
        return o;
    }

    /**
     * Checks a study file's PBT section against its network space: the settings, the epochs each
     * member trains (the space's fixed {@code epochs}), and that the space searches something PBT
     * can explore and nothing it cannot.
     *
     * @throws IllegalArgumentException saying what is wrong (an option's name leads its message)
     */
    public static PbtOptions checked(Map<String, Object> options, NetworkSpace space, long seed) {
        Object epochs = space.params().get("epochs") instanceof ParamSpec.Fixed f ? f.value() : null;
        if (!(epochs instanceof Number n)) {
            throw new IllegalArgumentException("epochs: population-based training needs one number of epochs per member,"
                    + " got " + space.params().get("epochs"));
        }
        PbtOptions o = settings(options, n.intValue(), seed);
        PbtOptions.check(NetworkPopulation.tuneSpace(space));
        return o;
    }

    private static int intOption(Map<String, Object> options, String key, int dflt) {
        Object v = options.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Long || v instanceof Integer)) {
            throw new IllegalArgumentException(key + ": expected a whole number, found " + v);
        }
        return Math.toIntExact(((Number) v).longValue());
    }

    private static double number(Map<String, Object> options, String key) {
        if (!(options.get(key) instanceof Number n)) {
            throw new IllegalArgumentException(key + ": expected a number, found " + options.get(key));
        }
        return n.doubleValue();
    }

    /**
     * Runs (or joins) the study's population and writes the best member's network and schedule.
     *
     * @param jobs worker threads in this process
     * @param outputDir where {@code best.model} and {@code best-schedule.json} go
     * @return the history
     * @throws CliException exit 4 when the artifact store is full or gone, 1 when a member's round failed too often
     */
    public static PopulationHistory run(Storage storage, String study, NetworkPopulation objective, PbtOptions options,
                                        int jobs, Path outputDir, PrintWriter out) {
        PopulationTraining pbt = PopulationTraining.createOrLoad(storage, study, objective.direction(),
                objective.tuneSpace(), options);
        out.printf(Locale.ROOT, "population-based training: %d members, %d rounds of %d epoch(s), %s rounds; exploring %s%n",
                options.population(), options.rounds(), options.interval(),
                options.synchronous() ? "synchronous" : "asynchronous", objective.tuneSpace().keySet());
        out.flush();
        pbt.addListener((t, done, h) -> progress(out, options, done, h));
        PopulationHistory h;
        try {
            h = pbt.run(objective, jobs);
        } catch (PopulationTrainingException e) {
            throw new CliException(e.isStorageProblem() ? ExitCode.STORAGE : ExitCode.OTHER, e.getMessage(), e);
        }
        MemberRound best = h.best().orElseThrow();
        out.printf(Locale.ROOT, "best: member %d, value %s after %d epochs, %d exploit/explore steps in the study%n",
                best.member(), best.value(), options.epochs(), h.lineage().size());
        try {
            Files.createDirectories(outputDir);
            export(pbt, objective, h, outputDir.resolve("best.model"), outputDir.resolve("best-schedule.json"));
        } catch (IOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write to " + outputDir + ": " + e.getMessage(), e);
        } catch (ArtifactStoreException | IllegalStateException e) {
            throw new CliException(ExitCode.STORAGE, e.getMessage(), e);
        }
        out.println("wrote " + outputDir.resolve("best.model") + " and " + outputDir.resolve("best-schedule.json"));
        return h;
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
    public static void export(PopulationTraining pbt, NetworkPopulation objective, PopulationHistory h, Path model,
                              Path schedule) throws IOException {
        MemberRound best = h.best().orElseThrow(() -> new IllegalStateException("study '" + pbt.name()
                + "' has no finished member round yet"));
        Sequential network = objective.network(best.params(), pbt.checkpoint(best));
        network.save(model);
        Files.writeString(schedule, scheduleJson(pbt.options(), h, best) + "\n");
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
