package org.nntune.cli.studyfile;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import org.nntune.cli.studyfile.StudyFile.DataSource;
import org.nntune.cli.studyfile.StudyFile.ParamSpec;
import org.nntune.search.FamilySpace;
import org.nntune.search.NetworkSpace;

/**
 * Reads and checks a whole study file before anything runs: every key, type and range; every
 * hyperparameter value against its family (each choice, each range bound); aliases; what the
 * sampler and pruner require (each is built once here); every grid point. Every mistake is a
 * {@link StudyFileException} naming file, line and key.
 *
 * <p>A new top-level or section key is one getter call in this class ({@link Section} learns the
 * keys from the getters); a new family is one line in {@link Families}; a new sampler or pruner one
 * line in {@link Strategies}.
 */
public final class StudyFileReader {

    static final List<String> BUNDLED = List.of("iris", "digits");
    static final List<String> IDX_KINDS = List.of("fashion_mnist", "mnist");
    static final List<String> MISSING = List.of("error", "drop", "mean", "most_frequent");
    static final List<String> UNKNOWN_CATEGORY = List.of("ignore", "error", "most_frequent");
    static final List<String> TOKENS = List.of("words", "chars");
    static final List<String> PREPROCESSING = List.of("none", "standard", "minmax", "pixel");
    static final List<String> TASKS = List.of("classification", "regression");
    /** The metric that counts a network's trainable parameters (only as a second objective). */
    public static final String PARAMETER_COUNT = "parameter_count";
    static final List<String> CLASSIFICATION_METRICS = List.of("accuracy", "balanced_accuracy", "f1_macro", "log_loss", PARAMETER_COUNT);
    static final List<String> REGRESSION_METRICS = List.of("mse", "rmse", "mae", "r2", PARAMETER_COUNT);
    static final List<String> DIRECTIONS = List.of("minimize", "maximize");
    static final List<String> VALIDATION_METHODS = List.of("holdout", "kfold", "stratified_kfold");
    static final Set<String> RANGE_KEYS = Set.of("low", "high", "log", "step", "type");
    /** Grids larger than this are not enumerated point by point when the file is checked. */
    static final int MAX_CHECKED_GRID_POINTS = 100_000;

    public StudyFileReader() {}

    public StudyFile read(Path file) {
        String display = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // no line: there is no file to point into
            throw new StudyFileException(new YNode.Where(display, 0, 0), null, "no such study file", "give the path of a .yaml study file");
        } catch (IOException e) {
            throw new StudyFileException(new YNode.Where(display, 1, 1), null, "cannot read the study file: " + e.getMessage(), null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new StudyFileException(new YNode.Where(display, 1, 1), null, "the file is not UTF-8 text", "a study file is a YAML text file");
        }
        return read(file, text);
    }

    /** The top-level keys, and the keys of the sections whose reading may stop before every getter ran. */
    static final List<String> ROOT_KEYS = List.of("study", "seed", "task", "data", "metric", "direction", "validation", "model",
            "sampler", "pruner", "budget", "output", "storage");
    static final List<String> DATA_KEYS = List.of("bundled", "csv", "idx", "folder", "label", "separator", "header", "missing",
            "missing_values", "default_missing_values", "decimal", "categorical", "ignore", "test_csv", "unknown_category", "text", "tokens", "max_length", "vocab_size", "min_count",
            "series", "window", "horizon", "target", "season", "test_fraction", "preprocessing", "max_rows");
    static final List<String> MODEL_KEYS = List.of("family", "defaults", "space");

    /**
     * Reads {@code text} as the study file {@code file}. Every mistake that can be found on its own
     * is found in one reading — each section's unknown keys, wrong types, values out of range or of
     * no allowed word, each hyperparameter — and all are thrown together, in line order; checks
     * across sections (the sampler against the space, the budget against the sampler…) run only on
     * a file without such mistakes, so that none is run on a bad value.
     */
    public StudyFile read(Path file, String text) {
        YNode root = YamlReader.read(file.toString(), text);
        Problems problems = new Problems();
        Section r = Section.open(root, "", problems).declare(ROOT_KEYS);
        Path base = file.toAbsolutePath().getParent();
        String stem = file.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        String name = r.string("study").orElse(stem);
        if (name.isBlank()) {
            problems.add(r.error("study", "the study name is empty", "a non-empty name"));
        }
        Optional<Long> seed = r.integer("seed", 0, Long.MAX_VALUE);

        // each section on its own: a mistake in one does not hide those of the others
        if (!r.has("data")) {
            problems.add(new StudyFileException(r.where(), "data", "the study file names no data",
                    "add a 'data:' section with 'bundled: iris', 'csv: FILE' or 'idx: fashion_mnist'"));
        }
        Optional<Section> dataSection = r.section("data").map(d -> d.declare(DATA_KEYS));
        StudyFile.DataSpec data = dataSection.map(d -> {
            StudyFile.DataSpec got = problems.attempt(() -> data(d, base));
            d.done();
            return got;
        }).orElse(null);
        // whether the data are a series is known from the file even when the data section has a mistake
        boolean series = data != null ? data.series().isPresent() : dataSection.map(d -> d.has("series")).orElse(false);

        String task = problems.attempt(() -> {
            String t = r.choice("task", TASKS).orElse(series ? "regression" : "classification");
            if (series && !t.equals("regression")) {
                throw r.error("task", "a series ('data.series') is forecast: a regression over its windows", "task: regression, or leave 'task' out");
            }
            if (data != null && data.source() instanceof StudyFile.DataSource.Csv csv && csv.text().isPresent() && !t.equals("classification")) {
                throw r.error("task", "a text column ('data.text') is classified: its label is a class", "task: classification, or leave 'task' out");
            }
            return t;
        });
        List<StudyFile.Objective> objectives = task == null ? null : problems.attempt(() -> objectives(r, task));

        StudyFile.Validation validation = r.section("validation").map(v -> v.declare(List.of("method", "folds", "fraction")))
                .map(v -> {
                    StudyFile.Validation got = problems.attempt(() -> validation(v, series, task));
                    v.done();
                    return got;
                })
                .orElse(r.has("validation") ? null : new StudyFile.Validation("holdout", 5, 0.2));

        // without 'model:' the model is the mlp family's fixed network (model.family's default)
        Section m = r.has("model") ? r.section("model").orElse(null)
                : Section.open(new YNode.YMap(Map.of(), r.where()), "model", problems);
        StudyFile.ModelSpec model = m == null ? null : problems.attempt(() -> model(m.declare(MODEL_KEYS), data));
        if (m != null) {
            m.done();
        }
        if (model != null && data != null) {
            problems.attempt(() -> {
                if (series) {
                    checkSeriesModel(model);
                }
                if (data.source() instanceof StudyFile.DataSource.Csv c && c.text().isPresent()) {
                    checkTokenLimits(model, c.text().get());
                }
            });
        }

        StudyFile.Options sampler = problems.attempt(() -> options(r, "sampler", Strategies.samplerNames(),
                objectives != null && objectives.size() > 1 ? "nsga2" : "tpe"));
        StudyFile.Options pruner = problems.attempt(() -> options(r, "pruner", Strategies.prunerNames(), "none"));
        if (objectives != null && objectives.size() > 1) {
            problems.attempt(() -> {
                if (sampler != null && !Strategies.multiObjective(sampler.type())) {
                    throw new StudyFileException(sampler.at(), "sampler", "the " + sampler.type() + " sampler searches for one objective,"
                            + " but metric: gives " + objectives.size(), "with several objectives: "
                            + String.join(", ", Strategies.multiObjectiveSamplers()));
                }
                if (pruner != null && !pruner.type().equals("none")) {
                    throw new StudyFileException(pruner.at(), "pruner", "pruning needs a single objective, but metric: gives "
                            + objectives.size(), "remove the pruner or the second metric");
                }
            });
        }

        StudyFile.Budget budget = r.section("budget").map(b -> problems.attempt(() -> budget(b)))
                .orElse(r.has("budget") ? null : new StudyFile.Budget(20, Optional.empty(), 1, StudyFile.Budget.DEFAULT_MAX_REPEATED_FAILURES,
                        false, Optional.empty(), Optional.empty(), Optional.empty(), true, r.where(), Map.of()));
        Path out = r.section("output").map(o -> {
            Optional<String> dir = o.string("dir");
            o.done();
            return dir;
        }).flatMap(x -> x).map(base::resolve).orElse(StudyFile.defaultOutputDir(file));
        Optional<String> storage = r.string("storage").map(url -> {
            try {
                return storageBeside(url, base);
            } catch (IllegalArgumentException e) {
                problems.add(new StudyFileException(r.whereOf("storage"), "storage", e.getMessage(), null));
                return null;
            }
        });
        r.done();
        // every mistake of the sections, each on its own line; the checks across sections only on a file without any
        problems.throwIfAny();

        StudyFile sf = new StudyFile(file, name, seed, task, data, List.copyOf(objectives), validation, model, sampler, pruner,
                budget, out, storage);
        if (model.network() instanceof FamilySpace && (Strategies.isPopulation(sampler) || sampler.type().equals("grid"))) {
            throw new StudyFileException(m.whereOf("family"), "model.family", "a choice of families is searched by a sampler"
                    + " that draws the family, not by the " + sampler.type() + " sampler", "one family, or another sampler (e.g. tpe)");
        }
        if (Strategies.isPopulation(sampler)) {
            checkPopulation(sf, r, m);
        } else {
            checkStrategies(sf, m);
            checkBudget(sf);
        }
        return sf;
    }

    /** {@code validation:}: a method and the setting it takes ({@code folds} for the k-folds, {@code fraction} for holdout). */
    private static StudyFile.Validation validation(Section v, boolean series, String task) {
        if (task == null) {
            // the task has a mistake: the method's default is not known, only each key on its own is checked
            v.choice("method", VALIDATION_METHODS);
            v.integer("folds", 2, 100);
            v.number("fraction", 0.01, 0.9);
            return null;
        }
        boolean methodGiven = v.has("method");
        String method = v.choice("method", VALIDATION_METHODS)
                .orElse(series ? "holdout" : task.equals("classification") ? "stratified_kfold" : "kfold");
        if (series && !method.equals("holdout")) {
            throw v.error("method", "a series is validated in time order: the last 'fraction' of its training windows are held"
                    + " out; " + method + " would train on windows after the ones it scores", "method: holdout");
        }
        if (method.equals("stratified_kfold") && !task.equals("classification")) {
            // the search refuses it too; said here, at the key's line, before any data is read
            throw v.error("method", "stratified k-fold keeps each class's share and needs a classification task; this task is "
                    + task, "method: kfold");
        }
        Optional<Long> folds = v.integer("folds", 2, 100);
        Optional<Double> fraction = v.number("fraction", 0.01, 0.9);
        String which = methodGiven ? "method: " + method : "the default method for " + task + ", " + method;
        if (method.equals("holdout") && v.has("folds")) {
            throw new StudyFileException(v.whereOfKey("folds"), "validation.folds", "'folds' applies to method: kfold or"
                    + " stratified_kfold, but this validation is " + which + " (one held-out 'fraction')",
                    "remove 'folds', or method: kfold / stratified_kfold");
        }
        if (!method.equals("holdout") && v.has("fraction")) {
            throw new StudyFileException(v.whereOfKey("fraction"), "validation.fraction", "'fraction' applies to method: holdout,"
                    + " but this validation is " + which + " (every row is scored once, in 'folds' parts)",
                    "remove 'fraction', or method: holdout");
        }
        return new StudyFile.Validation(method, folds.orElse(5L).intValue(), fraction.orElse(0.2), v.whereOfKey("folds"));
    }

    static final List<String> BUDGET_MODES = List.of("time", "trials");
    static final List<String> TIME_MODE_KEYS = List.of("max_epochs", "brackets", "refit");

    private static StudyFile.Budget budget(Section b) {
        Map<String, YNode.Where> positions = new LinkedHashMap<>();
        for (String k : b.keys()) {
            positions.put(k, b.whereOfKey(k));
        }
        Optional<Integer> maxEpochs = b.integer("max_epochs", 1, 100_000).map(Long::intValue);
        int maxBrackets = org.nntune.search.TimeBudget.maxBrackets(maxEpochs.orElse(org.nntune.search.TimeBudget.DEFAULT_MAX_EPOCHS));
        Optional<Integer> brackets = b.integer("brackets", 1, maxBrackets).map(Long::intValue);
        StudyFile.Budget got = new StudyFile.Budget(b.integer("trials", 1, 10_000_000).orElse(20L).intValue(), b.duration("timeout"),
                b.integer("jobs", 1, StudyFile.Budget.MAX_JOBS).orElse(1L).intValue(),
                b.integer("max_repeated_failures", 1, 1_000_000).orElse((long) StudyFile.Budget.DEFAULT_MAX_REPEATED_FAILURES).intValue(),
                b.has("trials"), b.choice("mode", BUDGET_MODES), maxEpochs, brackets, b.bool("refit").orElse(true), b.where(),
                java.util.Collections.unmodifiableMap(positions));
        b.done();
        return got;
    }

    /**
     * The budget's keys agree with each other and with the file: the time-budget settings only
     * where the time-budget mode can apply; in that mode a timeout, no trial count, one objective,
     * no grid, no pruner (the brackets stop trials early) and no epochs in the space (they are
     * {@code budget.max_epochs}). When a timeout makes it the time-budget mode, the rest is checked
     * here; when the command line does ({@code --timeout}), {@link #checkTimeMode} checks it then.
     */
    private static void checkBudget(StudyFile sf) {
        StudyFile.Budget b = sf.budget();
        boolean trialsMode = b.mode().map("trials"::equals).orElse(b.trialsGiven() || sf.sampler().type().equals("grid"));
        if (trialsMode) {
            for (String k : TIME_MODE_KEYS) {
                if (b.positions().containsKey(k)) {
                    throw new StudyFileException(b.where(k), "budget." + k, "'" + k + "' applies to the time-budget mode, but this"
                            + " study runs a number of trials (" + (b.mode().isPresent() ? "budget.mode: trials"
                            : b.trialsGiven() ? "budget.trials" : "the grid sampler") + ")",
                            "remove it, or use budget.timeout without budget.trials");
                }
            }
        }
        if (b.mode().map("time"::equals).orElse(false)) {
            if (b.trialsGiven()) {
                throw new StudyFileException(b.where("trials"), "budget.trials", "the time-budget mode (budget.mode: time) runs"
                        + " trials until the time is spent", "remove budget.trials, or budget.mode");
            }
            if (b.timeout().isEmpty()) {
                throw new StudyFileException(b.where("mode"), "budget.mode", "the time-budget mode needs budget.timeout",
                        "e.g. timeout: 5m");
            }
        }
        if (b.timeout().isPresent() && b.timeMode(Optional.empty(), Optional.empty(), sf.sampler().type())) {
            checkTimeMode(sf);
        } else {
            checkWarmupAgainstDefaultEpochs(sf);
        }
    }

    /** What the time-budget mode needs of the rest of the file; each mistake names its line and key. */
    public static void checkTimeMode(StudyFile sf) {
        StudyFile.Budget b = sf.budget();
        String why = b.mode().isPresent() ? "budget.mode: time" : "a timeout without a trial count";
        if (sf.sampler().type().equals("grid")) {
            throw new StudyFileException(sf.sampler().at(), "sampler", "a grid keeps its exact grid, but " + why
                    + " makes this the time-budget mode", "give budget.trials (the timeout then stops starting trials), or a"
                    + " sampler for ranges: " + String.join(", ", Strategies.samplerNames().stream().filter(n -> !n.equals("grid")).toList()));
        }
        if (sf.objectives().size() > 1) {
            throw new StudyFileException(b.at(), "budget", "the time-budget mode (" + why + ") needs a single objective, but"
                    + " metric: gives " + sf.objectives().size(), "give budget.trials, or one metric");
        }
        if (!sf.pruner().type().equals("none")) {
            throw new StudyFileException(sf.pruner().at(), "pruner", "in the time-budget mode (" + why + ") Hyperband brackets"
                    + " stop the worse trials early; the " + sf.pruner().type() + " pruner does not apply",
                    "remove 'pruner:' (budget.brackets: 1 turns early stopping off), or give budget.trials");
        }
        sf.model().space().keySet().stream().filter(k -> NetworkSpace.canonicalName(k.substring(k.indexOf('.') + 1)).equals("epochs"))
                .findFirst().ifPresent(k -> {
            throw new StudyFileException(sf.model().positions().get(k), "model.space." + k, "in the time-budget mode (" + why
                    + ") trials train up to budget.max_epochs epochs (default " + org.nntune.search.TimeBudget.DEFAULT_MAX_EPOCHS
                    + ") and the refit for the epochs the search found best", "remove '" + k + "' from the space (move a fixed"
                    + " value to budget.max_epochs), or give budget.trials");
        });
        // the space compares warmup_epochs with epochs it was given; this mode's trials train up to max_epochs instead
        int maxEpochs = b.maxEpochs().orElse(org.nntune.search.TimeBudget.DEFAULT_MAX_EPOCHS);
        checkWarmup(sf, prefix -> maxEpochs, "the " + maxEpochs + " epochs trials train up to in the time-budget mode (" + why
                + ", budget.max_epochs)", "give fewer warm-up epochs, or a larger budget.max_epochs");
    }

    /**
     * {@code warmup_epochs} shorter than the shortest run trials train: {@code shortest} gives it for a
     * family's prefix ("" or "mlp."); {@code runs} says what those runs are, {@code fix} what to do.
     */
    private static void checkWarmup(StudyFile sf, java.util.function.ToIntFunction<String> shortest, String runs, String fix) {
        List<StudyFileException> wrong = new ArrayList<>();
        sf.model().network().params().forEach((k, spec) -> {
            String prefix = k.substring(0, k.indexOf('.') + 1);
            if (!k.substring(prefix.length()).equals("warmup_epochs")) {
                return;
            }
            int longest = (int) Math.round(spec.points().map(p -> p.stream().mapToDouble(v -> ((Number) v).doubleValue()).max().orElse(0))
                    .orElseGet(() -> spec instanceof org.nntune.search.ParamSpec.IntRange r ? (double) r.distribution().high() : 0.0));
            int shortestRun = shortest.applyAsInt(prefix);
            if (longest >= shortestRun) {
                wrong.add(new StudyFileException(sf.model().positions().get(k), "model.space." + k, "warmup_epochs " + longest
                        + " is not shorter than " + runs.replace("%d", Integer.toString(shortestRun)) + ": a trial would warm up"
                        + " and never train at its rate", fix));
            }
        });
        if (!wrong.isEmpty()) {
            throw StudyFileException.of(wrong);
        }
    }

    /**
     * In the trials mode, a space that does not name {@code epochs} trains its family's default
     * epochs, which the space's own check of {@code warmup_epochs} leaves out (a time budget replaces them).
     */
    private static void checkWarmupAgainstDefaultEpochs(StudyFile sf) {
        if (sf.model().space().keySet().stream().anyMatch(k -> NetworkSpace.canonicalName(k.substring(k.indexOf('.') + 1)).equals("epochs"))) {
            return; // the space checked it
        }
        Map<String, org.nntune.search.ParamSpec> params = sf.model().network().params();
        checkWarmup(sf, prefix -> {
            org.nntune.search.ParamSpec epochs = params.get(prefix + "epochs");
            return epochs == null ? Integer.MAX_VALUE : epochs.points().map(p -> p.stream().mapToInt(v -> ((Number) v).intValue()).min()
                    .orElse(Integer.MAX_VALUE)).orElseGet(() -> epochs instanceof org.nntune.search.ParamSpec.IntRange r ? r.low() : Integer.MAX_VALUE);
        }, "the %d epochs of model.defaults: " + sf.model().defaults() + " (epochs is not in the space)",
                "give fewer warm-up epochs, or name epochs in the space");
    }

    private static List<StudyFile.Objective> objectives(Section r, String task) {
        List<String> metricNames = r.strings("metric").orElse(List.of(task.equals("regression") ? "mse" : "accuracy"));
        List<String> allowedMetrics = task.equals("regression") ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
        if (metricNames.isEmpty()) {
            throw r.error("metric", "the list of metrics is empty", "e.g. 'metric: " + allowedMetrics.get(0) + "', or leave 'metric' out");
        }
        List<String> directions = r.strings("direction").orElse(List.of());
        if (!directions.isEmpty() && directions.size() != metricNames.size()) {
            throw r.error("direction", directions.size() + " directions for " + metricNames.size() + " metrics",
                    "one direction per metric, or none to use each metric's natural direction");
        }
        List<StudyFile.Objective> objectives = new ArrayList<>();
        List<StudyFileException> wrong = new ArrayList<>(); // every bad metric and direction, each at its item's line
        for (int i = 0; i < metricNames.size(); i++) {
            String m = metricNames.get(i).toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            if (!allowedMetrics.contains(m)) {
                String hint = DidYouMean.suggest(m, allowedMetrics);
                wrong.add(new StudyFileException(r.whereOfItem("metric", i), "metric", "unknown metric '" + metricNames.get(i) + "' for "
                        + task + (hint.isEmpty() ? "" : "; " + hint), "one of: " + String.join(", ", allowedMetrics)));
            }
            String natural = List.of("accuracy", "balanced_accuracy", "f1_macro", "r2").contains(m) ? "maximize" : "minimize";
            String dir = natural;
            if (!directions.isEmpty()) {
                dir = directions.get(i).toLowerCase(java.util.Locale.ROOT);
                if (!DIRECTIONS.contains(dir)) {
                    wrong.add(new StudyFileException(r.whereOfItem("direction", i), "direction", "'" + directions.get(i)
                            + "' is not a direction", "minimize or maximize"));
                } else if (!dir.equals(natural) && !m.equals(PARAMETER_COUNT) && allowedMetrics.contains(m)) {
                    // a scored metric has one sensible direction: the other one searches for the worst networks
                    wrong.add(new StudyFileException(r.whereOfItem("direction", i), "direction", m + " is better when "
                            + (natural.equals("maximize") ? "higher" : "lower") + ", so direction: " + dir
                            + " would search for the worst networks",
                            "direction: " + natural + ", or leave 'direction' out (each metric's own direction)"));
                }
            }
            objectives.add(new StudyFile.Objective(m, dir));
        }
        if (!wrong.isEmpty()) {
            throw StudyFileException.of(wrong);
        }
        long scored = objectives.stream().filter(o -> !o.metric().equals(PARAMETER_COUNT)).count();
        if (scored != 1 || objectives.size() > 2) {
            throw r.error("metric", scored == 0 ? "parameter_count can only be a second objective"
                    : "at most one validated metric per study, optionally with parameter_count as a second objective",
                    "e.g. 'metric: accuracy' or 'metric: [accuracy, parameter_count]'");
        }
        return objectives;
    }

    private StudyFile.ModelSpec model(Section m, StudyFile.DataSpec data) {
        if (m.node("family").orElse(null) instanceof YNode.YList) {
            return familyChoice(m, data);
        }
        String family = m.choice("family", Families.names()).orElseGet(() -> {
            if (m.has("family")) {
                // its mistake is recorded; the space is not checked against a family the file did not ask for
                throw new IllegalStateException("model.family has a mistake");
            }
            return "mlp";
        });
        checkReads(family, List.of(), data, m.whereOf("family"));
        String defaults = m.choice("defaults", List.copyOf(Families.get(family).defaults().keySet())).orElse("fixed");
        Map<String, ParamSpec> space = new LinkedHashMap<>();
        Map<String, YNode.Where> positions = new LinkedHashMap<>();
        NetworkSpace network = familySpace(m, data, family, defaults, m.node("space"), "space", "", space, positions);
        return new StudyFile.ModelSpec(family, defaults, java.util.Collections.unmodifiableMap(space),
                java.util.Collections.unmodifiableMap(positions), network);
    }

    /**
     * {@code model.family} as a list, e.g. {@code [mlp, cnn]}: every trial chooses one of the
     * families ({@link FamilySpace}); {@code model.space} then holds one mapping per family
     * ({@code space: {mlp: {...}, cnn: {...}}}, each optional), whose parameters the results name
     * {@code mlp.units_1}, {@code cnn.lr}; {@code model.defaults} applies to each family.
     */
    private StudyFile.ModelSpec familyChoice(Section m, StudyFile.DataSpec data) {
        YNode.YList list = (YNode.YList) m.node("family").orElseThrow();
        List<String> families = new ArrayList<>();
        Map<String, YNode.Where> at = new LinkedHashMap<>();
        eachItem(list.items(), item -> {
            String name = item instanceof YNode.YScalar sc ? sc.text().trim().toLowerCase(Locale.ROOT) : "";
            if (!Families.names().contains(name) || name.equals("rnn")) {
                String hint = DidYouMean.suggest(name, Families.names());
                throw new StudyFileException(item.where(), "model.family", "'" + (item instanceof YNode.YScalar sc ? sc.text() : item.kind())
                        + "' is not a family a choice can hold" + (hint.isEmpty() ? "" : "; " + hint), "a list of mlp and cnn");
            }
            if (families.contains(name)) {
                throw new StudyFileException(item.where(), "model.family", "family '" + name + "' is listed twice", "each family once");
            }
            families.add(name);
            at.put(name, item.where());
        });
        if (families.size() < 2) {
            throw m.error("family", "a list of families is a choice between them and needs at least two", "e.g. [mlp, cnn], or one word");
        }
        for (String f : families) {
            checkReads(f, families, data, at.get(f));
        }
        List<String> modes = new ArrayList<>(Families.get(families.get(0)).defaults().keySet());
        for (String f : families) {
            modes.retainAll(Families.get(f).defaults().keySet());
        }
        String defaults = m.choice("defaults", modes).orElse("fixed");
        Map<String, YNode> perFamily = new LinkedHashMap<>();
        m.node("space").ifPresent(n -> {
            if (!(n instanceof YNode.YMap map)) {
                throw m.error("space", "expected one mapping of hyperparameters per family but found " + n.kind(),
                        "e.g. 'space: {mlp: {units: 64}, cnn: {filters: 32}}'");
            }
            for (YNode.YMap.Entry e : map.entries().values()) {
                if (!families.contains(e.key())) {
                    throw new StudyFileException(e.keyWhere(), "model.space." + e.key(), "with a choice of families the space"
                            + " has one mapping per family, and '" + e.key() + "' is not one of " + families,
                            "e.g. 'space: {" + families.get(0) + ": {lr: 0.001}}'");
                }
                perFamily.put(e.key(), e.value());
            }
        });
        Map<String, ParamSpec> space = new LinkedHashMap<>();
        Map<String, YNode.Where> positions = new LinkedHashMap<>();
        Map<String, NetworkSpace> members = new LinkedHashMap<>();
        for (String f : families) {
            members.put(f, familySpace(m, data, f, defaults, Optional.ofNullable(perFamily.get(f)), "space." + f,
                    FamilySpace.parameterName(f, ""), space, positions));
        }
        return new StudyFile.ModelSpec(String.join(",", families), defaults, java.util.Collections.unmodifiableMap(space),
                java.util.Collections.unmodifiableMap(positions), FamilySpace.of(members));
    }

    /**
     * What {@code data} are as a network reads them: a text column, a series, images (bundled
     * digits, the idx sets) or a table of numbers (bundled iris, a CSV with a label).
     */
    static Families.Inputs inputs(StudyFile.DataSpec data) {
        if (data.source() instanceof DataSource.Csv c) {
            return c.text().isPresent() ? Families.Inputs.TEXT : c.series().isPresent() ? Families.Inputs.SERIES : Families.Inputs.TABLE;
        }
        return data.source() instanceof DataSource.Idx || data.source() instanceof DataSource.Bundled b && b.name().equals("digits")
                ? Families.Inputs.IMAGES : Families.Inputs.TABLE;
    }

    /**
     * Refuses {@code family} at {@code at} when it cannot read the data: every one of its trials
     * would fail (a cnn on a table, an rnn reading a table's numbers as token ids) or train on
     * nonsense (an rnn reading pixels as token ids, an mlp reading token ids as numbers). A family of
     * a choice ({@code choice}, the list as written; empty for one family) is named in the message,
     * and the way out is the choice without the families that cannot.
     */
    private static void checkReads(String family, List<String> choice, StudyFile.DataSpec data, YNode.Where at) {
        if (data == null) {
            return; // the data section has a mistake of its own
        }
        Families.Inputs inputs = inputs(data);
        Families.Family fam = Families.get(family);
        if (fam.reads().contains(inputs)) {
            return;
        }
        String problem = switch (inputs) {
            case TEXT -> "a text column (data.text) is read by family rnn (an embedding, then an LSTM, a GRU or a text CNN), not "
                    + family;
            case SERIES -> "a series (data.series) is read by family rnn (an LSTM or GRU over its windows) or mlp, not " + family;
            case IMAGES -> "the " + family + " family reads " + fam.readsWhat() + ", but " + dataName(data) + " is a set of images";
            case TABLE -> "the " + family + " family reads " + fam.readsWhat() + ", but " + dataName(data) + " is a table of "
                    + (data.source() instanceof DataSource.Csv ? "numbers and categories" : "numbers");
        };
        List<String> readers = Families.reading(inputs);
        List<String> kept = choice.stream().filter(readers::contains).toList();
        String allowed;
        if (kept.size() > 1) {
            allowed = "family: [" + String.join(", ", kept) + "]";
        } else if (kept.size() == 1) {
            allowed = "family: " + kept.get(0);
        } else {
            allowed = "family: " + String.join(" or ", readers);
            if (inputs == Families.Inputs.TEXT && family.equals("cnn")) {
                allowed += " with cell: cnn, its text CNN";
            }
            if (family.equals("rnn") && data.source() instanceof DataSource.Csv) {
                // data.series forecasts one column from its own past (a regression), which is no way to classify rows of numbers
                allowed += "; or name the CSV's text column with data.text, or with data.series a column of numbers to forecast"
                        + " from its own past values; a row of numbers read as a sequence (readings over time, and a class) is"
                        + " classified by an rnn only in the Java API: Dataset.classification with the feature shape {T, 1} and"
                        + " Sequential.builder().input(T, 1) (README, Text and sequences)";
            }
        }
        if (!choice.isEmpty()) {
            problem = "the choice [" + String.join(", ", choice) + "] holds " + family + ", and " + problem
                    + "; every trial that drew it would be wasted";
        }
        throw new StudyFileException(at, "model.family", problem, allowed);
    }

    /** The data a study file names, as its messages name them: {@code bundled iris}, {@code CSV sales.csv}, {@code fashion-mnist}. */
    private static String dataName(StudyFile.DataSpec data) {
        if (data.source() instanceof DataSource.Bundled b) {
            return "bundled " + b.name();
        }
        if (data.source() instanceof DataSource.Idx idx) {
            return idx.kind().replace('_', '-');
        }
        return "CSV " + ((DataSource.Csv) data.source()).file().getFileName();
    }

    /**
     * One family's space from its {@code spaceNode} (the mapping at {@code model.<spaceKey>}); every
     * parameter it names goes into {@code space} and {@code positions} under {@code prefix} + its name.
     */
    private NetworkSpace familySpace(Section m, StudyFile.DataSpec data, String family, String defaults, Optional<YNode> spaceNode,
                                     String spaceKey, String prefix, Map<String, ParamSpec> spaceOut,
                                     Map<String, YNode.Where> positionsOut) {
        Families.Family fam = Families.get(family);
        Families.Builder builder = fam.defaults().get(defaults).get();
        Set<String> known = new java.util.LinkedHashSet<>(fam.parameters());
        Map<String, ParamSpec> space = new LinkedHashMap<>();
        Map<String, YNode.Where> positions = new LinkedHashMap<>();
        Map<String, YNode> nodes = new LinkedHashMap<>();
        // each hyperparameter on its own: every unknown name, bad value and bad range of the space is found in one reading
        Problems problems = m.problems() == null ? new Problems() : m.problems();
        int before = problems.size();
        spaceNode.ifPresent(n -> {
            if (!(n instanceof YNode.YMap map)) {
                throw new StudyFileException(n.where(), "model." + spaceKey, "expected a mapping of hyperparameters but found "
                        + n.kind(), "e.g. 'units: {low: 16, high: 256, log: true}'");
            }
            for (YNode.YMap.Entry e : map.entries().values()) {
                String key = "model." + spaceKey + "." + e.key();
                if (!known.contains(e.key())) {
                    String hint = DidYouMean.suggest(e.key(), known);
                    problems.add(new StudyFileException(e.keyWhere(), key, "unknown hyperparameter '" + e.key() + "' for family " + family
                            + (hint.isEmpty() ? "" : "; " + hint), "known: " + String.join(", ", new java.util.TreeSet<>(known))));
                    continue;
                }
                String canonical = NetworkSpace.canonicalName(e.key());
                String sameAs = space.keySet().stream().filter(k -> NetworkSpace.canonicalName(k).equals(canonical)).findFirst().orElse(null);
                if (sameAs != null) {
                    // else one of them would be dropped, which one depending on the order of the keys
                    problems.add(new StudyFileException(e.keyWhere(), key, NetworkSpace.sameHyperparameter(sameAs, e.key()), null));
                    continue;
                }
                ParamSpec spec = problems.attempt(() -> canonical.equals("hidden") ? hidden(e.value(), key)
                        : canonical.equals("class_weight") ? classWeight(e.value(), key, problems)
                        : param(e.value(), key, problems));
                if (spec != null) {
                    space.put(e.key(), spec);
                    positions.put(e.key(), e.keyWhere());
                    nodes.put(e.key(), e.value());
                }
            }
        });
        Map<String, Object> declared = new LinkedHashMap<>();
        boolean spaceSetsPreprocessing = space.keySet().stream().anyMatch(k -> NetworkSpace.canonicalName(k).equals("preprocessing"));
        if (data != null && !spaceSetsPreprocessing && (data.preprocessingGiven() || !defaults.equals("sklearn"))) {
            declared.put("preprocessing", data.preprocessing().equals("pixel") ? "pixels" : data.preprocessing());
        }
        if (data != null && data.series().isPresent() && family.equals("rnn")) {
            // not read: a series' windows are numbers, not token ids; fixed so that no trial searches it
            declared.put("embedding", 16);
        }
        space.forEach((k, spec) -> problems.attempt(() -> {
            try {
                declared.put(k, declarative(spec));
            } catch (IllegalArgumentException ex) {
                throw new StudyFileException(positions.get(k), "model." + spaceKey + "." + k, withoutLead(k, ex.getMessage()), null);
            }
        }));
        for (Map.Entry<String, Object> e : declared.entrySet()) {
            problems.attempt(() -> {
                try {
                    builder.set().accept(e.getKey(), e.getValue());
                } catch (org.nntune.search.InvalidValueException ex) {
                    throw valueErrors(e.getKey(), e.getValue(), "model." + spaceKey, ex, nodes, m,
                            () -> fam.defaults().get(defaults).get());
                } catch (IllegalArgumentException ex) {
                    YNode.Where at = positions.getOrDefault(e.getKey(), m.whereOf("family"));
                    String key = positions.containsKey(e.getKey()) ? "model." + spaceKey + "." + e.getKey() : "data.preprocessing";
                    throw new StudyFileException(at, key, positions.containsKey(e.getKey()) ? withoutLead(e.getKey(), ex.getMessage())
                            : ex.getMessage(), null);
                }
            });
        }
        if (problems.size() > before) {
            // the network is built only from a space without mistakes (its combined checks would run on what is left)
            problems.throwIfAny();
        }
        NetworkSpace network;
        try {
            network = builder.build().get();
        } catch (org.nntune.search.InvalidValueException ex) {
            // a combination the family refuses (lr_adapt with an optimiser it does not work with, gamma without a
            // schedule that uses it): each at that setting's line
            List<StudyFileException> wrong = new ArrayList<>();
            for (org.nntune.search.InvalidValueException p : ex.problems()) {
                YNode.Where at = positions.get(p.parameter());
                if (at == null) {
                    throw m.error("space", p.getMessage(), null);
                }
                wrong.add(new StudyFileException(at, "model." + spaceKey + "." + p.parameter(), withoutLead(p), null));
            }
            throw StudyFileException.of(wrong);
        } catch (IllegalArgumentException ex) {
            throw m.error("space", ex.getMessage(), null);
        }
        space.forEach((k, v) -> spaceOut.put(prefix + k, v));
        positions.forEach((k, v) -> positionsOut.put(prefix + k, v));
        return network;
    }

    /** The problem without its "parameter 'x': " lead: the study file's key names the parameter already. */
    private static String withoutLead(org.nntune.search.InvalidValueException ex) {
        return withoutLead(ex.parameter(), ex.getMessage());
    }

    /** {@code message} without a lead naming {@code parameter} ("parameter 'x': …", "parameter 'x' takes …" → "takes …"). */
    private static String withoutLead(String parameter, String message) {
        String lead = "parameter '" + parameter + "'";
        if (message == null || !message.startsWith(lead)) {
            return message;
        }
        String rest = message.substring(lead.length());
        return rest.startsWith(": ") ? rest.substring(2) : rest.strip();
    }

    /**
     * Every value of {@code value} the family refuses ({@code ex} is the first): a list's items are
     * each set on their own on a {@code fresh} builder, so that each bad one is named at its line.
     */
    private static StudyFileException valueErrors(String name, Object value, String spaceKey, org.nntune.search.InvalidValueException ex,
                                                  Map<String, YNode> nodes, Section m, java.util.function.Supplier<Families.Builder> fresh) {
        List<StudyFileException> wrong = new ArrayList<>();
        if (value instanceof List<?> items && items.size() > 1) {
            for (Object item : items) {
                try {
                    fresh.get().set().accept(name, item);
                } catch (org.nntune.search.InvalidValueException itemEx) {
                    wrong.add(valueError(name, spaceKey, itemEx, nodes, m));
                } catch (IllegalArgumentException itemEx) {
                    // a refusal of the item alone that is not about its value: the list's own mistake says it
                }
            }
        }
        return wrong.isEmpty() ? valueError(name, spaceKey, ex, nodes, m) : StudyFileException.of(wrong);
    }

    /** A value the family refuses, at the line of the very item (a choice in a list) with a did-you-mean for words. */
    private static StudyFileException valueError(String name, String spaceKey, org.nntune.search.InvalidValueException ex,
                                                 Map<String, YNode> nodes, Section m) {
        YNode node = nodes.get(name);
        if (node == null) {
            return new StudyFileException(m.whereOf("family"), "data.preprocessing", ex.getMessage(), null);
        }
        YNode.Where at = node.where();
        if (node instanceof YNode.YList l) {
            for (YNode item : l.items()) {
                if (item instanceof YNode.YScalar sc && sc.text().trim().equals(String.valueOf(ex.value()))) {
                    at = item.where();
                }
            }
        }
        List<String> words = NetworkSpace.allowedWords(name);
        String hint = ex.value() instanceof String w && !words.isEmpty() ? DidYouMean.suggest(w, words) : "";
        String problem = words.isEmpty() ? withoutLead(ex)
                : "'" + ex.value() + "' is not a known " + NetworkSpace.canonicalName(name) + (hint.isEmpty() ? "" : "; " + hint);
        String maps = NetworkSpace.canonicalName(name).equals("class_weight") ? ", or weights per class such as {spam: 5}" : "";
        return new StudyFileException(at, spaceKey + "." + name, problem, words.isEmpty() ? null
                : "one of: " + String.join(", ", words) + maps);
    }

    /**
     * What the sampler and pruner require, checked by building them once; for the grid sampler,
     * every searched parameter must be a list and every grid point must make a network.
     */
    private static void checkStrategies(StudyFile sf, Section m) {
        NetworkSpace network = sf.model().network();
        Strategies.Context ctx = new Strategies.Context(sf.budget().jobs(), network::gridAxes);
        if (sf.sampler().type().equals("grid")) {
            checkGrid(sf, network);
        }
        try {
            Strategies.sampler(sf.sampler(), ctx);
            Strategies.pruner(sf.pruner(), ctx);
        } catch (StudyFileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new StudyFileException(sf.sampler().at(), "sampler", e.getMessage(), null);
        }
    }

    /**
     * What population-based training requires of the rest of the file: no pruner (it ranks and
     * replaces members itself), a holdout validation (each member trains on one split), no time
     * budget (it ends when every member has trained its epochs), one number of epochs, and a space
     * that searches only what a member can change while it trains.
     */
    private static void checkPopulation(StudyFile sf, Section r, Section m) {
        if (!sf.pruner().type().equals("none")) {
            throw new StudyFileException(sf.pruner().at(), "pruner", "population-based training ranks the members after"
                    + " every round and replaces the worst itself, so a pruner has nothing to stop",
                    "remove 'pruner:' (or write pruner: none)");
        }
        if (!sf.validation().method().equals("holdout")) {
            throw new StudyFileException(r.whereOf("validation"), "validation.method", "population-based training scores"
                    + " each member on one held-out part after every round, not by " + sf.validation().method(),
                    "validation: {method: holdout, fraction: 0.2}");
        }
        if (sf.budget().timeout().isPresent()) {
            throw new StudyFileException(r.whereOf("budget"), "budget.timeout", "a population-based training study ends"
                    + " when every member has trained its epochs; it has no time budget",
                    "remove budget.timeout; the work is sampler.population x model.space.epochs epochs");
        }
        NetworkSpace network = sf.model().network();
        Map<String, YNode.Where> positions = sf.model().positions();
        if (!(network.params().get("epochs") instanceof org.nntune.search.ParamSpec.Fixed f && f.value() instanceof Number epochs)) {
            throw new StudyFileException(positions.getOrDefault("epochs", m.whereOf("space")), "model.space.epochs",
                    "population-based training trains every member for the same number of epochs, in rounds",
                    "one number, e.g. 'epochs: 20'");
        }
        org.nntune.search.ParamSpec stop = network.params().get("early_stopping");
        if (stop != null && !(stop instanceof org.nntune.search.ParamSpec.Fixed s && ((Number) s.value()).intValue() == 0)) {
            throw new StudyFileException(positions.getOrDefault("early_stopping", m.whereOf("space")),
                    "model.space.early_stopping", "population-based training ranks the members after every round itself",
                    "early_stopping: 0");
        }
        java.util.Map<String, org.nntune.tune.space.Distribution> explored;
        try {
            explored = org.nntune.search.NetworkPopulation.tuneSpace(network);
            org.nntune.tune.population.PbtOptions.check(explored);
        } catch (IllegalArgumentException e) {
            // at the line of the hyperparameter the message names, else at the space's
            String msg = e.getMessage() == null ? "" : e.getMessage();
            for (Map.Entry<String, YNode.Where> p : positions.entrySet()) {
                String name = p.getKey();
                if (msg.contains("'" + name + "'") || msg.contains("'" + NetworkSpace.canonicalName(name) + "'")) {
                    throw new StudyFileException(p.getValue(), "model.space." + name, msg, null);
                }
            }
            throw new StudyFileException(m.whereOf("space"), "model.space", msg, null);
        }
        Strategies.population(sf.sampler(), epochs.intValue(), 0);
    }

    private static void checkGrid(StudyFile sf, NetworkSpace network) {
        YNode.Where at = sf.sampler().at();
        List<StudyFileException> wrong = new ArrayList<>(); // every parameter the grid cannot enumerate, not only the first
        network.params().forEach((name, spec) -> {
            java.util.Optional<List<Object>> values;
            try {
                values = spec.points();
            } catch (IllegalArgumentException e) {
                wrong.add(new StudyFileException(sf.model().positions().getOrDefault(name, at), "model.space." + name, e.getMessage(), null));
                return;
            }
            if (values.isEmpty()) {
                boolean written = sf.model().space().keySet().stream().anyMatch(k -> NetworkSpace.canonicalName(k).equals(name));
                wrong.add(new StudyFileException(at, "sampler", "the grid sampler cannot enumerate the "
                        + (spec instanceof org.nntune.search.ParamSpec.FloatRange ? "continuous " : "") + "range of '" + name + "'"
                        + (spec instanceof org.nntune.search.ParamSpec.IntRange ? " without a step" : "")
                        + (written ? "" : " (searched because of model.defaults: " + sf.model().defaults() + ")"),
                        "give '" + name + "' a list of values (or a range with a step)"
                                + (written ? "" : ", or fix it, or leave model.defaults at fixed")));
            }
        });
        if (!wrong.isEmpty()) {
            throw StudyFileException.of(wrong);
        }
        Map<String, List<Object>> grid = network.gridAxes();
        long points = 1;
        for (List<Object> values : grid.values()) {
            points = Math.min((long) MAX_CHECKED_GRID_POINTS + 1, points * values.size());
        }
        if (points > MAX_CHECKED_GRID_POINTS) {
            return;
        }
        List<String> names = new ArrayList<>(grid.keySet());
        int[] index = new int[names.size()];
        for (long p = 0; p < points; p++) {
            Map<String, Object> point = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                point.put(names.get(i), grid.get(names.get(i)).get(index[i]));
            }
            try {
                network.config(org.nntune.search.ParamSource.fixed(point));
            } catch (IllegalArgumentException e) {
                throw new StudyFileException(at, "sampler", "the grid point " + point + " makes no network: " + e.getMessage(),
                        "with the grid sampler, give hidden layers as 'hidden: [[64], [128, 64]]' rather than layers/units");
            }
            for (int i = names.size() - 1; i >= 0; i--) {
                if (++index[i] < grid.get(names.get(i)).size()) {
                    break;
                }
                index[i] = 0;
            }
        }
    }

    /**
     * {@code hidden} (or {@code hidden_layer_sizes}): one architecture or a list of them. A list of
     * lists is a list of architectures ({@code [[100, 50], [64]]}); a single number or a string
     * {@code "100,50"} is one; a flat list of several numbers is refused as ambiguous.
     */
    private static ParamSpec hidden(YNode n, String key) {
        if (!(n instanceof YNode.YList l)) {
            return new ParamSpec.Fixed(String.valueOf(scalarValue(n, key)));
        }
        if (l.items().isEmpty()) {
            throw new StudyFileException(n.where(), key, "the list of architectures is empty", "e.g. [[100], [100, 50]]");
        }
        boolean anyList = l.items().stream().anyMatch(YNode.YList.class::isInstance);
        boolean allNumbers = l.items().stream().allMatch(i -> i instanceof YNode.YScalar s && s.type() == YNode.YScalar.Type.NUMBER);
        if (!anyList && allNumbers && l.items().size() > 1) {
            String flat = l.items().stream().map(i -> ((YNode.YScalar) i).text()).reduce((a, b) -> a + ", " + b).orElse("");
            throw new StudyFileException(n.where(), key, "[" + flat + "] is ambiguous: one network with " + l.items().size()
                    + " hidden layers, or a choice between one-layer networks?", "write [[" + flat + "]] for one network of "
                    + l.items().size() + " layers, or [" + String.join(", ", l.items().stream().map(i -> "[" + ((YNode.YScalar) i).text() + "]").toList())
                    + "] to search over one-layer networks");
        }
        List<Object> archs = new ArrayList<>();
        eachItem(l.items(), item -> {
            Object arch;
            if (item instanceof YNode.YList inner) {
                List<Object> sizes = new ArrayList<>();
                for (YNode s : inner.items()) {
                    Object v = scalarValue(s, key);
                    if (!(v instanceof Long size) || size < 1) {
                        throw new StudyFileException(s.where(), key, "a layer size must be a whole number >= 1, got " + v, null);
                    }
                    sizes.add(v);
                }
                arch = String.join(",", sizes.stream().map(String::valueOf).toList());
            } else {
                arch = String.valueOf(scalarValue(item, key)).replace(" ", "");
            }
            if (archs.contains(arch)) {
                throw new StudyFileException(item.where(), key, "architecture " + arch + " is listed twice", "distinct architectures");
            }
            archs.add(arch);
        });
        return archs.size() == 1 ? new ParamSpec.Fixed(archs.get(0)) : new ParamSpec.Choice(List.copyOf(archs));
    }

    /**
     * A study file's storage URL, checked (its form, not the database) and with a relative SQLite
     * path made relative to the study file's folder, like the data's and the output's: a study
     * run from another working directory then finds its trials where it left them. The plain form
     * ({@code sqlite:study.db}, {@code optuna+sqlite:study.db}) and SQLAlchemy's
     * ({@code sqlite:///study.db}) are rewritten with the absolute path; absolute paths, JDBC URLs,
     * the in-memory storage and server URLs are kept as written.
     *
     * @throws IllegalArgumentException a URL of no storage's form, saying why and the forms allowed
     */
    public static String storageBeside(String url, Path dir) {
        String resolved = url.strip();
        int colon = resolved.indexOf(':');
        String scheme = colon > 0 ? resolved.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        if (scheme.equals("sqlite") || scheme.equals(org.nntune.storage.OptunaStorage.PREFIX + "sqlite")) {
            String rest = resolved.substring(colon + 1);
            int q = rest.indexOf('?');
            String path = q < 0 ? rest : rest.substring(0, q);
            String query = q < 0 ? "" : rest.substring(q);
            String head = resolved.substring(0, colon + 1);
            if (path.startsWith("///") && !path.startsWith("////") && path.length() > 3) {
                resolved = head + "///" + dir.resolve(path.substring(3)).normalize() + query;
            } else if (!path.isEmpty() && !path.startsWith("/")) {
                resolved = head + dir.resolve(path).normalize() + query;
            }
        }
        org.nntune.storage.Storages.sqliteFile(resolved);
        return resolved;
    }

    private static StudyFile.DataSpec data(Section d, Path base) {
        // the source on its own: a mistake there does not hide those of the keys every source has
        DataSource source = part(d, () -> source(d, base));
        double test = d.number("test_fraction", 0, 0.9).orElse(source instanceof DataSource.Idx ? 0 : 0.2);
        boolean tokens = source instanceof DataSource.Csv c && c.text().isPresent();
        String pre = d.choice("preprocessing", PREPROCESSING).orElse(source instanceof DataSource.Idx ? "pixel" : tokens ? "none" : "standard");
        Optional<Integer> maxRows = d.integer("max_rows", 1, Integer.MAX_VALUE).map(Long::intValue);
        if (source == null) {
            throw new IllegalStateException("data source has a mistake"); // recorded; a consequence, dropped
        }
        return new StudyFile.DataSpec(source, test, pre, d.has("preprocessing"), maxRows);
    }

    /**
     * One part of a section's reading: its value; or, when the section collects its mistakes, null
     * once the part has recorded one (the rest of the section is still read).
     */
    private static <T> T part(Section d, java.util.function.Supplier<T> read) {
        return d.problems() == null ? read.get() : d.problems().attempt(read);
    }

    /** Records {@code e} when the section collects its mistakes, and goes on; throws it otherwise. */
    private static void report(Section d, StudyFileException e) {
        if (d.problems() == null) {
            throw e;
        }
        d.problems().add(e);
    }

    /**
     * The data source: exactly one of {@code bundled}, {@code csv} and {@code idx}, with its keys.
     * Each of the source's keys is read even when the source has a mistake (none, several, a bad
     * value) or another of its keys has, so that one run names every mistake of the section; how the
     * keys combine is checked on the values that have none.
     */
    private static DataSource source(Section d, Path base) {
        int given = (d.has("bundled") ? 1 : 0) + (d.has("csv") ? 1 : 0) + (d.has("idx") ? 1 : 0);
        if (given != 1) {
            report(d, new StudyFileException(d.where(), "data", given == 0 ? "no data source" : "more than one data source",
                    "exactly one of 'bundled: iris|digits', 'csv: FILE' (with 'label:'), 'idx: fashion_mnist|mnist'"));
        }
        DataSource bundled = d.has("bundled") ? part(d, () -> new DataSource.Bundled(d.choice("bundled", BUNDLED).orElseThrow())) : null;
        // a CSV's keys without 'csv:' (a misspelt 'cvs:') are read too, for their own mistakes
        Optional<DataSource.Csv> csv = d.has("csv") || given == 0 ? part(d, () -> csv(d, base)) : Optional.empty();
        Optional<Path> folder = d.string("folder").map(base::resolve);
        DataSource idx = d.has("idx") ? part(d, () -> new DataSource.Idx(d.choice("idx", IDX_KINDS).orElseThrow(), folder)) : null;
        DataSource source = d.has("bundled") ? bundled : d.has("csv") ? (csv == null ? null : csv.orElse(null)) : idx;
        if (given != 1 || source == null) {
            throw new IllegalStateException("the data source has a mistake"); // recorded; a consequence, dropped
        }
        return source;
    }

    /**
     * A CSV source and its keys, each read on its own; empty when the section has no {@code csv:}
     * (its keys were read for their mistakes only). The combined checks (the text column is not
     * the label, a file without a header names columns by index) run on the keys without mistakes.
     */
    private static Optional<DataSource.Csv> csv(Section d, Path base) {
        int before = d.problems() == null ? 0 : d.problems().size();
        Optional<Path> file = d.string("csv").map(base::resolve);
        Optional<StudyFile.SeriesSpec> series = part(d, () -> series(d));
        // a series is its own target (a 'series:' with a mistake too); without 'csv:' nothing needs a label
        String label = part(d, () -> d.has("series") || !d.has("csv") ? d.string("label").orElse("")
                : d.string("label").orElseThrow(() -> d.missing("label", "a CSV source needs 'label:'",
                "the label column's name, or its 0-based index; or 'series: COLUMN' to forecast a numeric series")));
        String sep = part(d, () -> separator(d));
        Optional<StudyFile.TextSpec> text = part(d, () -> text(d));
        Boolean header = part(d, () -> d.bool("header").orElse(true));
        String missing = part(d, () -> d.choice("missing", MISSING).orElse("error"));
        List<String> categorical = part(d, () -> d.strings("categorical").orElse(List.of()));
        List<String> ignore = part(d, () -> ignored(d));
        Optional<Path> test = d.string("test_csv").map(base::resolve);
        String unknown = part(d, () -> d.choice("unknown_category", UNKNOWN_CATEGORY).orElse("ignore"));
        List<String> missingValues = part(d, () -> d.strings("missing_values").orElse(List.of()));
        Boolean defaultMissing = part(d, () -> d.bool("default_missing_values").orElse(true));
        Character decimal = sep == null ? null : part(d, () -> decimal(d, sep.charAt(0)));
        if (text != null && label != null && text.isPresent() && text.get().column().equals(label)) {
            // the network would read the answer it is asked for: a perfect score that predicts nothing
            report(d, d.error("text", "the text column '" + label + "' is also the label", "the column of the texts, another than 'label'"));
        }
        if (text != null && text.isPresent() && missing != null && (missing.equals("mean") || missing.equals("most_frequent"))) {
            report(d, d.error("missing", "a text source has no number or category to fill: every text is read as written (an"
                    + " empty one is one unknown token), and a label cannot be filled", "missing: drop, to leave out the rows"
                    + " without a label; or remove 'missing'"));
        }
        if (header != null && !header && label != null && !label.isEmpty() && !label.trim().matches("[0-9]+")) {
            // without a header line no column has a name (the reader would refuse it, in its own words, as a data error)
            report(d, d.error("label", "'" + label + "' is a column name, but data.header: false says the file has no header"
                    + " line, so its columns have no names", "the label column's 0-based index (label: 4), or remove header: false"));
        }
        if (header != null && !header && text != null && text.isPresent()) {
            report(d, d.error("header", "a text column (data.text) is found by its name in the header line, and header: false says"
                    + " the file has none", "a header line naming the columns, and remove header: false"));
        }
        boolean wrong = java.util.stream.Stream.of(series, label, sep, text, header, missing, categorical, ignore, unknown,
                missingValues, defaultMissing, decimal).anyMatch(java.util.Objects::isNull);
        if (wrong || (d.problems() != null && d.problems().size() > before)) {
            throw new IllegalStateException("the CSV source has a mistake"); // recorded; a consequence, dropped
        }
        return file.map(f -> new DataSource.Csv(f, label, header, sep.charAt(0), missing, categorical, ignore, test, unknown,
                text, series, columnsAt(d), missingValues, defaultMissing, decimal));
    }

    /** {@code data.separator}: one character ({@code \t} or {@code tab} for a tab), a comma when not given. */
    private static String separator(Section d) {
        String sep = d.string("separator").orElse(",");
        if (sep.equals("\\t") || sep.equalsIgnoreCase("tab")) {
            sep = "\t";
        }
        if (sep.length() != 1) {
            throw d.error("separator", "'" + sep + "' is not a single character", "e.g. ',', ';' or tab");
        }
        return sep;
    }

    /**
     * Where a CSV's data section names its files and columns ({@link DataSource.Csv#where}): the values of
     * {@code csv}, {@code test_csv}, {@code label}, {@code text}, {@code series}, {@code categorical} and {@code ignore}, and each item of the
     * last two as {@code categorical.NAME} or {@code ignore.NAME}. Called once those keys are read (it marks them known).
     */
    private static Map<String, YNode.Where> columnsAt(Section d) {
        Map<String, YNode.Where> at = new java.util.HashMap<>();
        for (String k : List.of("csv", "test_csv", "label", "text", "series", "categorical", "ignore")) {
            if (d.has(k)) {
                at.put(k, d.whereOf(k));
            }
        }
        for (String list : List.of("categorical", "ignore")) {
            d.node(list).ifPresent(n -> {
                List<YNode> items = n instanceof YNode.YList l ? l.items() : List.of(n);
                for (YNode item : items) {
                    if (item instanceof YNode.YScalar sc) {
                        at.putIfAbsent(list + "." + sc.text(), item.where());
                    }
                }
            });
        }
        return at;
    }

    /** {@code data.decimal}: the numbers' decimal mark, {@code .} or {@code ,}; a comma needs another separator. */
    private static char decimal(Section d, char separator) {
        String mark = d.choice("decimal", List.of(".", ",")).orElse(".");
        if (mark.equals(",") && separator == ',') {
            throw d.error("decimal", "a decimal comma needs fields separated by another character than ','",
                    "separator: \";\" (as spreadsheets write a file with decimal commas), or decimal: \".\"");
        }
        return mark.charAt(0);
    }

    /**
     * {@code data.ignore}: columns of the CSV that are no feature (an id, a name, a date), read past
     * unparsed; neither the label nor a categorical column.
     */
    private static List<String> ignored(Section d) {
        List<String> ignore = d.strings("ignore").orElse(List.of());
        List<String> categorical = d.strings("categorical").orElse(List.of());
        List<StudyFileException> wrong = new ArrayList<>(); // every such column, each at its item's line
        for (int i = 0; i < ignore.size(); i++) {
            String c = ignore.get(i);
            if (c.equals(d.string("label").orElse(""))) {
                wrong.add(new StudyFileException(d.whereOfItem("ignore", i), "data.ignore", "'" + c + "' is the label column",
                        "the columns that are no feature, other than the label"));
            } else if (categorical.contains(c)) {
                wrong.add(new StudyFileException(d.whereOfItem("ignore", i), "data.ignore", "'" + c + "' is also listed in"
                        + " data.categorical", "a column either in 'categorical' (a feature) or in 'ignore' (no feature)"));
            }
        }
        if (!wrong.isEmpty()) {
            throw StudyFileException.of(wrong);
        }
        return ignore;
    }

    /** What a forecaster learns ({@code data.target}): the values themselves, or their change from each window's last value. */
    static final List<String> SERIES_TARGETS = List.of("level", "change");

    /** The keys of a table CSV that a series does not read. */
    static final List<String> NOT_FOR_SERIES = List.of("label", "text", "categorical", "ignore", "test_csv", "missing", "missing_values",
            "default_missing_values", "unknown_category", "header");

    /**
     * A CSV's numeric series column ({@code data.series}) with its window and horizon; those two
     * only with it. A series is its own target, has a header naming its column, and is split in
     * time order (its test part is its end), so the table keys that say otherwise are refused (each
     * one given, the rest read on).
     */
    private static Optional<StudyFile.SeriesSpec> series(Section d) {
        if (!d.has("series")) {
            for (String k : List.of("window", "horizon", "target", "season")) {
                if (d.has(k)) {
                    report(d, d.error(k, "'" + k + "' applies to a numeric series", (k.equals("target")
                            ? "a table's target column is 'label'; for a series, " : "") + "name the series column with 'series: COLUMN'"));
                }
            }
            return Optional.empty();
        }
        if (d.node("series").orElseThrow() instanceof YNode.YList) {
            // several columns would be a multivariate forecaster, which nntune has not: say so rather than "expected a string"
            throw d.error("series", "a series study forecasts one column from its own past values; several series, or other"
                    + " columns as inputs (exogenous features), are not supported", "one column, e.g. series: v; for several series,"
                    + " one study per column; to forecast from other columns, a table: label and the other columns (lagged values"
                    + " among them) as features, family mlp");
        }
        String column = d.string("series").orElseThrow();
        if (column.isBlank()) {
            throw d.error("series", "the series column's name is empty", "the header name of the column of numbers");
        }
        for (String k : NOT_FOR_SERIES) {
            if (d.has(k)) {
                report(d, d.error(k, "'" + k + "' does not apply to a series: " + switch (k) {
                    case "label" -> "the series is its own target (each window's next 'horizon' values)";
                    case "test_csv" -> "its test part is its last 'test_fraction', in time order";
                    case "header" -> "its column is named by the header line";
                    case "missing", "missing_values", "default_missing_values" -> "every row of the series column must hold a number";
                    default -> "it reads one column of numbers";
                }, "remove '" + k + "', or 'series' for a table of rows"));
            }
        }
        int window = d.integer("window", 1, 100_000).orElseThrow(() -> {
            // a misspelt 'window' is the likely reason: name it rather than the missing key alone
            String typo = d.keys().stream().filter(k -> !DidYouMean.suggest(k, List.of("window")).isEmpty()).findFirst()
                    .map(k -> "; '" + k + "' is not a key: did you mean 'window'?").orElse("");
            return d.error("series", "a series needs 'window:'" + typo, "the number of past values each forecast reads, e.g. window: 12");
        }).intValue();
        int horizon = d.integer("horizon", 1, 10_000).orElse(1L).intValue();
        int season = d.integer("season", 2, 100_000).orElse(0L).intValue();
        if (season > window) {
            // the seasonal naive forecast reads the value one season before each target from the window
            report(d, d.error("season", "season " + season + " is longer than the window (" + window + "): the seasonal naive"
                    + " forecast reads the value one season back from each window", "a window of at least " + season
                    + " values, or a shorter season"));
        }
        String target = d.choice("target", SERIES_TARGETS).orElse("level");
        return Optional.of(new StudyFile.SeriesSpec(column, window, horizon, target.equals("change"), season));
    }

    /** The space keys that apply to token ids only, or hold out a random part of a trial's rows. */
    static final List<String> NOT_FOR_SERIES_SPACE = List.of("embedding", "vocab_size", "max_length");

    /**
     * A series is read by an rnn (over [window, 1]) or an mlp (over window numbers), never with the
     * text keys (the family is checked by {@link #checkReads}). The keys that hold out part of a
     * trial's training windows ({@code early_stopping}, {@code l2_adapt}) hold out their last ones,
     * after a gap of horizon − 1, as the windows are marked in time order (SeriesWindows).
     */
    private static void checkSeriesModel(StudyFile.ModelSpec model) {
        model.space().keySet().forEach(k -> {
            String c = NetworkSpace.canonicalName(k);
            if (NOT_FOR_SERIES_SPACE.contains(c)) {
                throw new StudyFileException(model.positions().get(k), "model.space." + k,
                        "'" + k + "' applies to text (token ids); a series' windows are numbers", "remove '" + k + "'");
            }
        });
    }

    /**
     * A text model's {@code max_length} and {@code vocab_size} act within the data's: the texts are
     * encoded once with at most {@code data.max_length} tokens and {@code data.vocab_size} ids (given
     * or defaulted), and a trial narrows them inside its model; a space value above them reads no
     * more, so a range reaching there would spend trials on values that cannot act. (The vocabulary
     * the texts actually give is known only once they are read; values between it and
     * {@code data.vocab_size} act as its size.)
     */
    private static void checkTokenLimits(StudyFile.ModelSpec model, StudyFile.TextSpec text) {
        model.space().forEach((k, spec) -> {
            String c = NetworkSpace.canonicalName(k);
            if (!c.equals("max_length") && !c.equals("vocab_size")) {
                return;
            }
            OptionalDouble highest = spec instanceof ParamSpec.Fixed f && f.value() instanceof Number n ? OptionalDouble.of(n.doubleValue())
                    : spec instanceof ParamSpec.Choice ch ? ch.values().stream().filter(v -> v instanceof Number)
                    .mapToDouble(v -> ((Number) v).doubleValue()).max()
                    : spec instanceof ParamSpec.Range r ? OptionalDouble.of(r.high()) : OptionalDouble.empty();
            int data = c.equals("max_length") ? text.maxLength() : text.vocabSize();
            if (highest.isEmpty() || highest.getAsDouble() <= data) {
                return;
            }
            boolean fixed = spec instanceof ParamSpec.Fixed;
            String high = highest.getAsDouble() == Math.rint(highest.getAsDouble())
                    ? Long.toString((long) highest.getAsDouble()) : Double.toString(highest.getAsDouble());
            String what = c.equals("max_length")
                    ? "the texts are encoded with at most " + data + " tokens, so a longer limit reads no more of them"
                    : "the texts are encoded with at most " + data + " ids (padding and unknown included), so a larger"
                    + " vocabulary holds no more words";
            throw new StudyFileException(model.positions().get(k), "model.space." + k, "model.space." + k
                    + (fixed ? " is " : " reaches ") + high + ", but data." + c + " is " + data + ": " + what,
                    "raise data." + c + " or keep " + (fixed ? "the value" : "the range") + " within it");
        });
    }

    /** A CSV's text column ({@code data.text}) and how it is tokenised; the token keys only with it. */
    private static Optional<StudyFile.TextSpec> text(Section d) {
        if (d.has("text")) {
            if (d.has("categorical")) {
                report(d, d.error("categorical", "a text source reads one text column; 'categorical' does not apply",
                        "remove 'categorical', or 'text' for a table of numbers and categories"));
            }
            if (d.has("ignore")) {
                report(d, d.error("ignore", "a text source reads its text and label columns only, so every other column is left"
                        + " out already", "remove 'ignore'"));
            }
            if (d.has("decimal")) {
                report(d, d.error("decimal", "a text source reads texts, not numbers", "remove 'decimal'"));
            }
            return Optional.of(new StudyFile.TextSpec(d.string("text").orElseThrow(), d.choice("tokens", TOKENS).orElse("words"),
                    d.integer("max_length", 1, 100_000).orElse(200L).intValue(),
                    d.integer("vocab_size", 3, 10_000_000).orElse(20_000L).intValue(),
                    d.integer("min_count", 1, 1_000_000).orElse(2L).intValue(), d.whereOf("min_count")));
        }
        for (String k : List.of("tokens", "max_length", "vocab_size", "min_count")) {
            if (d.has(k)) {
                report(d, d.error(k, "'" + k + "' applies to a text column", "name the text column with 'text: COLUMN'"));
            }
        }
        return Optional.empty();
    }

    private static StudyFile.Options options(Section r, String key, List<String> types, String dflt) {
        if (!r.has(key)) {
            return new StudyFile.Options(dflt, Map.of(), r.where(), Map.of());
        }
        YNode n = r.node(key).orElseThrow();
        if (n instanceof YNode.YScalar) {
            return new StudyFile.Options(r.choice(key, types).orElseThrow(), Map.of(), n.where(), Map.of());
        }
        if (!(n instanceof YNode.YMap map)) {
            throw r.error(key, "expected a name or a mapping with 'type:' but found " + n.kind(), "one of: " + String.join(", ", types));
        }
        Section s = Section.of(n, key, map.entries().keySet(), r.problems());
        String type = s.choice("type", types).orElseThrow(() -> s.missing("type", "'" + key + ":' needs a 'type:'", "one of: " + String.join(", ", types)));
        Map<String, Object> opts = new LinkedHashMap<>();
        Map<String, YNode.Where> positions = new LinkedHashMap<>();
        for (YNode.YMap.Entry e : map.entries().values()) {
            if (!e.key().equals("type")) {
                // a list of scalars is one option too (pbt's factors: [0.8, 1.2]); the typed getters refuse it elsewhere
                opts.put(e.key(), e.value() instanceof YNode.YList l
                        ? l.items().stream().map(i -> scalarValue(i, key + "." + e.key())).toList()
                        : scalarValue(e.value(), key + "." + e.key()));
                positions.put(e.key(), e.keyWhere());
            }
        }
        StudyFile.Options got = new StudyFile.Options(type, java.util.Collections.unmodifiableMap(opts), s.whereOf("type"),
                java.util.Collections.unmodifiableMap(positions));
        Strategies.checkOptionNames(key, got);
        return got;
    }

    /** The search module's declarative form: a value, a list of values, or a range map. */
    static Object declarative(ParamSpec spec) {
        if (spec instanceof ParamSpec.Fixed f) {
            return f.value();
        }
        if (spec instanceof ParamSpec.Choice c) {
            return c.values();
        }
        ParamSpec.Range r = (ParamSpec.Range) spec;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("low", r.integer() ? (Object) Math.round(r.low()) : (Object) r.low());
        m.put("high", r.integer() ? (Object) Math.round(r.high()) : (Object) r.high());
        m.put("log", r.log());
        // a stepped range stays a range (its order is what TPE, GP and CMA-ES use); a grid enumerates its points
        r.step().ifPresent(step -> m.put("step", r.integer() ? (Object) Math.round(step) : (Object) step));
        m.put("type", r.integer() ? "int" : "float");
        return m;
    }

    /** A scalar's value: Long for whole numbers, Double for other numbers, Boolean, or String. */
    static Object scalarValue(YNode n, String key) {
        if (!(n instanceof YNode.YScalar s) || s.isNull()) {
            throw new StudyFileException(n.where(), key, "expected a single value but found " + n.kind(), null);
        }
        String t = s.text().trim();
        if (s.type() == YNode.YScalar.Type.BOOLEAN) {
            // YAML 1.1 booleans: yes/no and on/off too (Boolean.parseBoolean would read "yes" as false)
            return List.of("true", "yes", "on", "y").contains(t.toLowerCase(java.util.Locale.ROOT));
        }
        if (s.type() == YNode.YScalar.Type.NUMBER || (s.type() == YNode.YScalar.Type.STRING && !s.quoted() && t.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?"))) {
            try {
                if (t.matches("[-+]?[0-9]+")) {
                    return Long.parseLong(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                return t;
            }
        }
        return t;
    }

    /**
     * {@code class_weight}: a word (none, balanced), weights per class ({@code {spam: 5, ham: 1}}), or a list of them
     * to search; each map becomes its text ({@code ham=1,spam=5}, {@link org.nntune.search.ClassWeights#text()}),
     * the categorical value a trial stores. A weight that is not a number &gt; 0 is refused at its line.
     */
    private static ParamSpec classWeight(YNode n, String key, Problems problems) {
        if (n instanceof YNode.YMap map) {
            return new ParamSpec.Fixed(classWeights(map, key));
        }
        if (!(n instanceof YNode.YList l) || l.items().stream().noneMatch(YNode.YMap.class::isInstance)) {
            return param(n, key, problems);
        }
        List<Object> values = new ArrayList<>();
        eachItem(l.items(), item -> {
            Object v = item instanceof YNode.YMap m ? classWeights(m, key) : scalarValue(item, key);
            if (values.contains(v)) {
                throw new StudyFileException(item.where(), key, "value " + v + " is listed twice", "distinct values");
            }
            values.add(v);
        });
        return values.size() == 1 ? new ParamSpec.Fixed(values.get(0)) : new ParamSpec.Choice(List.copyOf(values));
    }

    /** The text of one map of class weights, each weight checked at its line. */
    private static String classWeights(YNode.YMap map, String key) {
        if (map.entries().isEmpty()) {
            throw new StudyFileException(map.where(), key, "the map of class weights names no class",
                    "a weight per class, e.g. {spam: 5, ham: 1}, or none");
        }
        Map<String, Object> weights = new LinkedHashMap<>();
        List<StudyFileException> wrong = new ArrayList<>();
        for (YNode.YMap.Entry e : map.entries().values()) {
            Object w = e.value() instanceof YNode.YScalar sc && !sc.isNull() ? scalarValue(sc, key) : null;
            String problem = w instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue()) ? null
                    : "the weight of class '" + e.key() + "' must be a number > 0, got "
                    + (w == null ? e.value().kind() : w instanceof Number ? w.toString() : "'" + w + "'");
            if (problem == null && (e.key().contains(",") || e.key().contains("="))) {
                problem = "class '" + e.key() + "' cannot be weighted: a class name with ',' or '=' cannot be stored";
            }
            if (problem != null) {
                wrong.add(new StudyFileException(problem.startsWith("class") ? e.keyWhere() : e.value().where(),
                        key + "." + e.key(), problem, "a number > 0, e.g. " + e.key() + ": 5; a class not named weighs 1"));
            } else {
                weights.put(e.key(), w);
            }
        }
        if (!wrong.isEmpty()) {
            throw StudyFileException.of(wrong);
        }
        try {
            return org.nntune.search.ClassWeights.of(weights).text();
        } catch (IllegalArgumentException ex) {
            throw new StudyFileException(map.where(), key, ex.getMessage(), null);
        }
    }

    private static ParamSpec param(YNode n, String key, Problems problems) {
        if (n instanceof YNode.YList l) {
            if (l.items().isEmpty()) {
                throw new StudyFileException(n.where(), key, "the list of choices is empty", "at least one value");
            }
            List<Object> values = new ArrayList<>();
            eachItem(l.items(), item -> {
                Object v = scalarValue(item, key);
                if (values.contains(v)) {
                    throw new StudyFileException(item.where(), key, "value " + v + " is listed twice", "distinct values");
                }
                values.add(v);
            });
            return values.size() == 1 ? new ParamSpec.Fixed(values.get(0)) : new ParamSpec.Choice(List.copyOf(values));
        }
        if (n instanceof YNode.YMap) {
            Section s = Section.of(n, key, RANGE_KEYS, problems);
            Optional<Double> lowGiven = s.number("low", -Double.MAX_VALUE, Double.MAX_VALUE);
            Optional<Double> highGiven = s.number("high", -Double.MAX_VALUE, Double.MAX_VALUE);
            double low = lowGiven.orElseThrow(() -> s.missing("low", "a range needs 'low:'", "e.g. {low: 1e-4, high: 1e-1, log: true}"));
            double high = highGiven.orElseThrow(() -> s.missing("high", "a range needs 'high:'", "e.g. {low: 16, high: 256}"));
            boolean log = s.bool("log").orElse(false);
            Optional<Double> step = s.number("step", Double.MIN_VALUE, Double.MAX_VALUE);
            boolean integer = s.choice("type", List.of("int", "float")).map("int"::equals)
                    .orElse(isWhole(s, "low") && isWhole(s, "high") && step.map(st -> st == Math.rint(st)).orElse(true));
            if (low > high) {
                throw s.error("low", "the range is inverted: low " + (integer ? Math.round(low) + " > high " + Math.round(high)
                        : low + " > high " + high), "low ≤ high");
            }
            if (low == high) {
                throw s.error("high", "the range is empty: low = high = " + (integer ? Long.toString(Math.round(low)) : Double.toString(low)), "low < high, or write the fixed value instead of a range");
            }
            if (log && low <= 0) {
                throw s.error("low", "a log range needs low > 0, got " + low, "low > 0 with log: true");
            }
            if (log && step.isPresent()) {
                throw s.error("step", "a log range cannot have a step", "either log: true or step");
            }
            if (integer && (low != Math.rint(low) || high != Math.rint(high))) {
                throw s.error("low", "an int range needs whole bounds, got " + low + " .. " + high, "whole numbers, or type: float");
            }
            if (integer && step.isPresent() && step.get() != Math.rint(step.get())) {
                throw s.error("step", "an int range needs a whole step, got " + step.get(), "a whole step, or type: float");
            }
            return new ParamSpec.Range(low, high, log, step, integer);
        }
        return new ParamSpec.Fixed(scalarValue(n, key));
    }

    /**
     * Reads each item of a list with {@code read}, which refuses a bad one by throwing; every
     * refusal, each at its item's line, is thrown together after the last item.
     */
    private static void eachItem(List<YNode> items, java.util.function.Consumer<YNode> read) {
        List<StudyFileException> wrong = new ArrayList<>();
        for (YNode item : items) {
            try {
                read.accept(item);
            } catch (StudyFileException ex) {
                wrong.add(ex);
            }
        }
        if (!wrong.isEmpty()) {
            throw StudyFileException.of(wrong);
        }
    }

    private static boolean isWhole(Section s, String key) {
        return s.string(key).map(t -> t.trim().matches("[-+]?[0-9]+")).orElse(false);
    }
}
