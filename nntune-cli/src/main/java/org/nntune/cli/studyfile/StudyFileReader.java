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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.nntune.cli.studyfile.StudyFile.DataSource;
import org.nntune.cli.studyfile.StudyFile.ParamSpec;

/** Reads and checks a study file; every mistake is a {@link StudyFileException} naming file, line and key. */
public final class StudyFileReader {

    static final Set<String> ROOT_KEYS = Set.of("study", "seed", "task", "data", "metric", "direction", "validation",
            "model", "sampler", "pruner", "budget", "output", "storage");
    static final Set<String> DATA_KEYS = Set.of("bundled", "csv", "test_csv", "label", "header", "separator", "missing", "categorical",
            "unknown_category",
            "idx", "folder", "test_fraction", "preprocessing", "text", "tokens", "max_length", "vocab_size", "min_count");
    static final List<String> BUNDLED = List.of("iris", "digits");
    static final List<String> IDX_KINDS = List.of("fashion_mnist", "mnist");
    static final List<String> MISSING = List.of("error", "drop", "mean", "most_frequent");
    static final List<String> UNKNOWN_CATEGORY = List.of("ignore", "error", "most_frequent");
    static final List<String> PREPROCESSING = List.of("none", "standard", "minmax", "pixel");
    static final List<String> TASKS = List.of("classification", "regression");
    static final List<String> CLASSIFICATION_METRICS = List.of("accuracy", "balanced_accuracy", "f1_macro", "log_loss", "parameter_count");
    static final List<String> REGRESSION_METRICS = List.of("mse", "mae", "r2", "parameter_count");
    static final List<String> DIRECTIONS = List.of("minimize", "maximize");
    static final Set<String> VALIDATION_KEYS = Set.of("method", "folds", "fraction");
    static final List<String> VALIDATION_METHODS = List.of("holdout", "kfold", "stratified_kfold");
    static final Set<String> MODEL_KEYS = Set.of("family", "space");
    static final List<String> FAMILIES = List.of("mlp", "cnn", "rnn");
    static final List<String> TOKENS = List.of("words", "chars");
    static final List<String> SAMPLERS = List.of("grid", "random", "sobol", "tpe", "gp", "cmaes", "nsga2");
    static final List<String> PRUNERS = List.of("none", "median", "percentile", "asha", "hyperband");
    static final Set<String> BUDGET_KEYS = Set.of("trials", "timeout", "jobs");
    static final Set<String> OUTPUT_KEYS = Set.of("dir");
    static final Set<String> RANGE_KEYS = Set.of("low", "high", "log", "step", "type");

    private final Set<String> mlpParams;
    private final Set<String> cnnParams;
    private final Set<String> rnnParams;

    /**
     * @param mlpParams the hyperparameter names the MLP family knows
     * @param cnnParams the hyperparameter names the CNN family knows
     */
    public StudyFileReader(Set<String> mlpParams, Set<String> cnnParams) {
        this(mlpParams, cnnParams, Set.of());
    }

    /** As {@link #StudyFileReader(Set, Set)}, with the hyperparameter names the sequence (rnn) family knows. */
    public StudyFileReader(Set<String> mlpParams, Set<String> cnnParams, Set<String> rnnParams) {
        this.mlpParams = Set.copyOf(mlpParams);
        this.cnnParams = Set.copyOf(cnnParams);
        this.rnnParams = Set.copyOf(rnnParams);
    }

    public StudyFile read(Path file) {
        String display = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StudyFileException(new YNode.Where(display, 1, 1), null, "no such study file", "give the path of a .yaml study file");
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

    public StudyFile read(Path file, String text) {
        YNode root = YamlReader.read(file.toString(), text);
        Section r = Section.of(root, "", ROOT_KEYS);
        Path base = file.toAbsolutePath().getParent();
        String stem = file.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        String name = r.string("study").orElse(stem);
        if (name.isBlank()) {
            throw r.error("study", "the study name is empty", "a non-empty name");
        }
        Optional<Long> seed = r.integer("seed", 0, Long.MAX_VALUE);

        Section d = r.section("data", DATA_KEYS).orElseThrow(() -> new StudyFileException(r.where(), "data",
                "the study file names no data", "add a 'data:' section with 'bundled: iris', 'csv: FILE' or 'idx: fashion_mnist'"));
        StudyFile.DataSpec data = data(d, base);

        String task = r.choice("task", TASKS).orElse(data.source() instanceof DataSource.Csv ? "classification" : "classification");
        List<String> metricNames = r.strings("metric").orElse(List.of(task.equals("regression") ? "mse" : "accuracy"));
        List<String> allowedMetrics = task.equals("regression") ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
        List<String> directions = r.strings("direction").orElse(List.of());
        if (!directions.isEmpty() && directions.size() != metricNames.size()) {
            throw r.error("direction", directions.size() + " directions for " + metricNames.size() + " metrics",
                    "one direction per metric, or none to use each metric's natural direction");
        }
        List<StudyFile.Objective> objectives = new ArrayList<>();
        for (int i = 0; i < metricNames.size(); i++) {
            String m = metricNames.get(i).toLowerCase().replace('-', '_');
            if (!allowedMetrics.contains(m)) {
                String hint = DidYouMean.suggest(m, allowedMetrics);
                throw r.error("metric", "unknown metric '" + metricNames.get(i) + "' for " + task + (hint.isEmpty() ? "" : "; " + hint),
                        "one of: " + String.join(", ", allowedMetrics));
            }
            String natural = List.of("accuracy", "balanced_accuracy", "f1_macro", "r2").contains(m) ? "maximize" : "minimize";
            String dir = natural;
            if (!directions.isEmpty()) {
                dir = directions.get(i).toLowerCase();
                if (!DIRECTIONS.contains(dir)) {
                    throw r.error("direction", "'" + directions.get(i) + "' is not a direction", "minimize or maximize");
                }
            }
            objectives.add(new StudyFile.Objective(m, dir));
        }

        StudyFile.Validation validation = r.section("validation", VALIDATION_KEYS).map(v -> {
            String method = v.choice("method", VALIDATION_METHODS).orElse(task.equals("classification") ? "stratified_kfold" : "kfold");
            int folds = v.integer("folds", 2, 100).orElse(5L).intValue();
            double fraction = v.number("fraction", 0.01, 0.9).orElse(0.2);
            return new StudyFile.Validation(method, folds, fraction);
        }).orElse(new StudyFile.Validation("holdout", 5, 0.2));

        Section m = r.section("model", MODEL_KEYS).orElseThrow(() -> new StudyFileException(r.where(), "model",
                "the study file has no 'model:' section", "add 'model:' with 'family: mlp' (or cnn) and a 'space:'"));
        String family = m.choice("family", FAMILIES).orElse("mlp");
        Set<String> known = switch (family) {
            case "cnn" -> cnnParams;
            case "rnn" -> rnnParams;
            default -> mlpParams;
        };
        Map<String, ParamSpec> space = new LinkedHashMap<>();
        Map<String, YNode.Where> positions = new LinkedHashMap<>();
        m.node("space").ifPresent(n -> {
            if (!(n instanceof YNode.YMap map)) {
                throw m.error("space", "expected a mapping of hyperparameters but found " + n.kind(), "e.g. 'units: {low: 16, high: 256, log: true}'");
            }
            for (YNode.YMap.Entry e : map.entries().values()) {
                String key = "model.space." + e.key();
                if (!known.contains(e.key())) {
                    String hint = DidYouMean.suggest(e.key(), known);
                    throw new StudyFileException(e.keyWhere(), key, "unknown hyperparameter '" + e.key() + "' for family " + family
                            + (hint.isEmpty() ? "" : "; " + hint), "known: " + String.join(", ", new java.util.TreeSet<>(known)));
                }
                space.put(e.key(), param(e.value(), key));
                positions.put(e.key(), e.keyWhere());
            }
        });

        StudyFile.Options sampler = options(r, "sampler", SAMPLERS, objectives.size() > 1 ? "nsga2" : "tpe");
        StudyFile.Options pruner = options(r, "pruner", PRUNERS, "none");
        if (sampler.type().equals("grid")) {
            for (Map.Entry<String, ParamSpec> e : space.entrySet()) {
                if (e.getValue() instanceof ParamSpec.Range range && (!range.integer() && range.step().isEmpty())) {
                    throw r.error("sampler", "the grid sampler cannot enumerate the continuous range of '" + e.getKey() + "'",
                            "give it a list of values or a step");
                }
            }
        }

        StudyFile.Budget budget = r.section("budget", BUDGET_KEYS).map(b -> new StudyFile.Budget(
                b.integer("trials", 1, 10_000_000).orElse(20L).intValue(), b.duration("timeout"),
                b.integer("jobs", 1, 1024).orElse(1L).intValue())).orElse(new StudyFile.Budget(20, Optional.empty(), 1));
        Path out = r.section("output", OUTPUT_KEYS).flatMap(o -> o.string("dir")).map(base::resolve)
                .orElse(base.resolve(stem + "-results"));
        return new StudyFile(file, name, seed, task, data, List.copyOf(objectives), validation,
                new StudyFile.ModelSpec(family, java.util.Collections.unmodifiableMap(space),
                        java.util.Collections.unmodifiableMap(positions)), sampler, pruner, budget, out,
                r.string("storage"));
    }

    private static StudyFile.DataSpec data(Section d, Path base) {
        int given = (d.has("bundled") ? 1 : 0) + (d.has("csv") ? 1 : 0) + (d.has("idx") ? 1 : 0);
        if (given != 1) {
            throw new StudyFileException(d.where(), "data", given == 0 ? "no data source" : "more than one data source",
                    "exactly one of 'bundled: iris|digits', 'csv: FILE' (with 'label:'), 'idx: fashion_mnist|mnist'");
        }
        DataSource source;
        if (d.has("bundled")) {
            source = new DataSource.Bundled(d.choice("bundled", BUNDLED).orElseThrow());
        } else if (d.has("csv")) {
            Path csv = base.resolve(d.string("csv").orElseThrow());
            String label = d.string("label").orElseThrow(() -> d.error("label", "a CSV source needs 'label:'",
                    "the label column's name, or its 0-based index"));
            String sep = d.string("separator").orElse(",");
            if (sep.equals("\\t") || sep.equalsIgnoreCase("tab")) {
                sep = "\t";
            }
            if (sep.length() != 1) {
                throw d.error("separator", "'" + sep + "' is not a single character", "e.g. ',', ';' or tab");
            }
            Optional<StudyFile.TextSpec> text = Optional.empty();
            if (d.has("text")) {
                if (d.has("categorical")) {
                    throw d.error("categorical", "a text source reads one text column; 'categorical' does not apply",
                            "remove 'categorical', or 'text' for a table of numbers and categories");
                }
                text = Optional.of(new StudyFile.TextSpec(d.string("text").orElseThrow(), d.choice("tokens", TOKENS).orElse("words"),
                        d.integer("max_length", 1, 100_000).orElse(200L).intValue(),
                        d.integer("vocab_size", 3, 10_000_000).orElse(20_000L).intValue(),
                        d.integer("min_count", 1, 1_000_000).orElse(2L).intValue()));
            } else {
                for (String k : List.of("tokens", "max_length", "vocab_size", "min_count")) {
                    if (d.has(k)) {
                        throw d.error(k, "'" + k + "' applies to a text column", "name the text column with 'text: COLUMN'");
                    }
                }
            }
            source = new DataSource.Csv(csv, label, d.bool("header").orElse(true), sep.charAt(0),
                    d.choice("missing", MISSING).orElse("error"), d.strings("categorical").orElse(List.of()),
                    d.string("test_csv").map(base::resolve), d.choice("unknown_category", UNKNOWN_CATEGORY).orElse("ignore"), text);
        } else {
            source = new DataSource.Idx(d.choice("idx", IDX_KINDS).orElseThrow(), d.string("folder").map(base::resolve));
        }
        double test = d.number("test_fraction", 0, 0.9).orElse(source instanceof DataSource.Idx ? 0 : 0.2);
        boolean tokens = source instanceof DataSource.Csv c && c.text().isPresent();
        String pre = d.choice("preprocessing", PREPROCESSING).orElse(source instanceof DataSource.Idx ? "pixel" : tokens ? "none" : "standard");
        return new StudyFile.DataSpec(source, test, pre);
    }

    private static StudyFile.Options options(Section r, String key, List<String> types, String dflt) {
        if (!r.has(key)) {
            return new StudyFile.Options(dflt, Map.of(), r.where().line());
        }
        YNode n = r.node(key).orElseThrow();
        if (n instanceof YNode.YScalar) {
            return new StudyFile.Options(r.choice(key, types).orElseThrow(), Map.of(), n.where().line());
        }
        if (!(n instanceof YNode.YMap map)) {
            throw r.error(key, "expected a name or a mapping with 'type:' but found " + n.kind(), "one of: " + String.join(", ", types));
        }
        Set<String> keys = new java.util.HashSet<>(map.entries().keySet());
        keys.add("type");
        Section s = Section.of(n, key, keys);
        String type = s.choice("type", types).orElseThrow(() -> s.error("type", "'" + key + ":' needs a 'type:'", "one of: " + String.join(", ", types)));
        Map<String, Object> opts = new LinkedHashMap<>();
        for (YNode.YMap.Entry e : map.entries().values()) {
            if (!e.key().equals("type")) {
                opts.put(e.key(), scalarValue(e.value(), key + "." + e.key()));
            }
        }
        return new StudyFile.Options(type, java.util.Collections.unmodifiableMap(opts), n.where().line());
    }

    /** A scalar's value: Long for whole numbers, Double for other numbers, Boolean, or String. */
    static Object scalarValue(YNode n, String key) {
        if (!(n instanceof YNode.YScalar s) || s.isNull()) {
            throw new StudyFileException(n.where(), key, "expected a single value but found " + n.kind(), null);
        }
        String t = s.text().trim();
        if (s.type() == YNode.YScalar.Type.BOOLEAN) {
            return Boolean.parseBoolean(t);
        }
        if (s.type() == YNode.YScalar.Type.NUMBER || (s.type() == YNode.YScalar.Type.STRING && t.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?"))) {
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

    private static ParamSpec param(YNode n, String key) {
        if (n instanceof YNode.YList l) {
            if (l.items().isEmpty()) {
                throw new StudyFileException(n.where(), key, "the list of choices is empty", "at least one value");
            }
            List<Object> values = new ArrayList<>();
            for (YNode item : l.items()) {
                Object v = scalarValue(item, key);
                if (values.contains(v)) {
                    throw new StudyFileException(item.where(), key, "value " + v + " is listed twice", "distinct values");
                }
                values.add(v);
            }
            return values.size() == 1 ? new ParamSpec.Fixed(values.get(0)) : new ParamSpec.Choice(List.copyOf(values));
        }
        if (n instanceof YNode.YMap) {
            Section s = Section.of(n, key, RANGE_KEYS);
            double low = s.number("low", -Double.MAX_VALUE, Double.MAX_VALUE)
                    .orElseThrow(() -> s.error("low", "a range needs 'low:'", "e.g. {low: 1e-4, high: 1e-1, log: true}"));
            double high = s.number("high", -Double.MAX_VALUE, Double.MAX_VALUE)
                    .orElseThrow(() -> s.error("high", "a range needs 'high:'", "e.g. {low: 16, high: 256}"));
            boolean log = s.bool("log").orElse(false);
            Optional<Double> step = s.number("step", Double.MIN_VALUE, Double.MAX_VALUE);
            boolean integer = s.choice("type", List.of("int", "float")).map("int"::equals)
                    .orElse(isWhole(s, "low") && isWhole(s, "high") && step.map(st -> st == Math.rint(st)).orElse(true));
            if (low > high) {
                throw s.error("low", "the range is inverted: low " + low + " > high " + high, "low ≤ high");
            }
            if (low == high) {
                throw s.error("high", "the range is empty: low = high = " + low, "low < high, or write the fixed value instead of a range");
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
            return new ParamSpec.Range(low, high, log, step, integer);
        }
        return new ParamSpec.Fixed(scalarValue(n, key));
    }

    private static boolean isWhole(Section s, String key) {
        return s.string(key).map(t -> t.trim().matches("[-+]?[0-9]+")).orElse(false);
    }
}
