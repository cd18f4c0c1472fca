package org.nntune.cli.studyfile;

import org.nntune.search.NetworkSpace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A study file, read and checked: everything {@code nntune tune} needs to run a study. The file
 * format is documented in the README ("Study files"); {@link StudyFileReader} reads it.
 *
 * @param file       the study file
 * @param name       the study's name (default: the file name without extension)
 * @param seed       the study seed, if fixed
 * @param task       classification or regression
 * @param data       where the data come from and how it is split and preprocessed
 * @param objectives one or more metrics with their directions
 * @param validation how each trial is validated
 * @param model      the network family, its search space as written and as built
 * @param sampler    the sampler and its options
 * @param pruner     the pruner and its options
 * @param budget     trials, time, parallel jobs
 * @param output     where results go
 * @param storage    the storage URL, if the file names one
 */
public record StudyFile(Path file, String name, Optional<Long> seed, String task, DataSpec data,
                        List<Objective> objectives, Validation validation, ModelSpec model, Options sampler,
                        Options pruner, Budget budget, Path outputDir, Optional<String> storage) {

    /** The results folder of a study file that names none: {@code <file name without .yaml>-results} beside it. */
    public static Path defaultOutputDir(Path file) {
        return file.toAbsolutePath().getParent().resolve(file.getFileName().toString().replaceFirst("\\.(ya?ml)$", "") + "-results");
    }

    /**
     * The folder of a study's results under its name: {@code NAME-results}, with every character
     * but letters (any script), digits, {@code . _ -} written as {@code _}; when one had to be, a
     * short hash of the exact name follows ({@code slow_study-1a2b3c-results}), so that two studies
     * whose names differ only there ({@code my study} and {@code my_study}, {@code a/b} and {@code a:b})
     * never share a folder and overwrite each other's model.
     */
    public static String resultsFolder(String study) {
        String plain = study.replaceAll("[^\\p{L}\\p{N}._-]", "_");
        if (plain.equals(study)) {
            return study + "-results";
        }
        byte[] h;
        try {
            h = java.security.MessageDigest.getInstance("SHA-256").digest(study.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        return plain + "-" + java.util.HexFormat.of().formatHex(h, 0, 3) + "-results";
    }

    /**
     * This file run as study {@code study} ({@code tune --study NAME}). Under a name other than the
     * file's, the results go to {@code NAME-results} beside the file ({@link #resultsFolder}), unless
     * {@code output.dir} names another folder than the default: the file's own study keeps its model,
     * report and tables.
     */
    public StudyFile forStudy(String study) {
        if (study.equals(name) || !outputDir.equals(defaultOutputDir(file))) {
            return this;
        }
        Path dir = outputDir.resolveSibling(resultsFolder(study));
        return new StudyFile(file, name, seed, task, data, objectives, validation, model, sampler, pruner, budget, dir, storage);
    }

    /** Where the data come from. */
    public sealed interface DataSource {
        /** A data set shipped with nntune: iris or digits. */
        record Bundled(String name) implements DataSource {}

        /**
         * A CSV file; {@code label} is a column name or a 0-based index; {@code ignore} columns that are no feature;
         * {@code testFile} an optional separate test CSV;
         * {@code unknownCategory} what a category the training rows lack becomes: error, ignore (all-zero) or most_frequent;
         * {@code text} a text column read as token ids; {@code series} a numeric series read as forecasting windows
         * (then {@code label} is empty: the series is its own target); {@code columnsAt} where each column is named
         * in the study file ({@link #where}), so that a column the CSV lacks is an error at its line;
         * {@code missingValues} the texts that mean "missing" besides {@link org.nntune.nn.data.CsvReader#DEFAULT_MISSING_TOKENS}
         * ({@code defaultMissingValues}; without them, besides the empty field only);
         * {@code decimal} the numbers' decimal mark, {@code .} or {@code ,}.
         */
        record Csv(Path file, String label, boolean header, char separator, String missing,
                   List<String> categorical, List<String> ignore, Optional<Path> testFile, String unknownCategory,
                   Optional<TextSpec> text, Optional<SeriesSpec> series, Map<String, YNode.Where> columnsAt,
                   List<String> missingValues, boolean defaultMissingValues, char decimal) implements DataSource {
            public Csv {
                ignore = List.copyOf(ignore);
                missingValues = List.copyOf(missingValues);
                columnsAt = Map.copyOf(columnsAt);
            }

            /**
             * Where the study file names a file ({@code key} {@code csv} or {@code test_csv}) or a column:
             * {@code key} is {@code label}, {@code text},
             * {@code series}, {@code categorical} or {@code ignore} (then the list item naming {@code column});
             * empty when the reader did not record it.
             */
            public Optional<YNode.Where> where(String key, String column) {
                YNode.Where at = columnsAt.get(key.equals("categorical") || key.equals("ignore") ? key + "." + column : key);
                return Optional.ofNullable(at != null ? at : columnsAt.get(key));
            }
        }

        /** An IDX folder: Fashion-MNIST or MNIST file names. */
        record Idx(String kind, Optional<Path> folder) implements DataSource {}
    }

    /**
     * A text column ({@code data.text}) read as token ids: the tokenizer ({@code words} or
     * {@code chars}), the tokens kept per text, the vocabulary's size (padding and unknown ids
     * included), the number of times a token must occur in the training rows to enter it, and
     * where that count is written (the data section when it is not).
     */
    public record TextSpec(String column, String tokens, int maxLength, int vocabSize, int minCount, YNode.Where minCountAt) {}

    /**
     * A numeric series column ({@code data.series}) read as forecasting windows: each row has
     * {@code window} consecutive values as inputs and the {@code horizon} values after them as
     * targets; split, validated and trained in time order. With {@code change}
     * ({@code data.target: change}) the network learns each target's change from the window's
     * last value and adds that value back to its forecasts; else ({@code level}, the default) the
     * values themselves. {@code season} ({@code data.season}, 0 when not given) adds the seasonal
     * naive forecast to the baselines a run scores beside the model.
     */
    public record SeriesSpec(String column, int window, int horizon, boolean change, int season) {
        /** A series whose forecaster learns the values themselves ({@code data.target: level}), without a season. */
        public SeriesSpec(String column, int window, int horizon) {
            this(column, window, horizon, false, 0);
        }

        /** A series without a season. */
        public SeriesSpec(String column, int window, int horizon, boolean change) {
            this(column, window, horizon, change, 0);
        }
    }

    /**
     * @param testFraction       fraction held out as test set (stratified for classification), 0 for none
     * @param preprocessingGiven whether the file names the preprocessing (else it is the default)
     * @param maxRows            at most this many rows of the training part and of the test part
     *                           (the first ones after the split), for a quick try-out of a study
     */
    public record DataSpec(DataSource source, double testFraction, String preprocessing, boolean preprocessingGiven,
                           Optional<Integer> maxRows) {
        /** The series the data are, if a CSV's {@code data.series} names one. */
        public Optional<SeriesSpec> series() {
            return source instanceof DataSource.Csv c ? c.series() : Optional.empty();
        }
    }

    public record Objective(String metric, String direction) {}

    /**
     * @param method  holdout, kfold or stratified_kfold
     * @param foldsAt where {@code folds} was written (the validation section's line when it was not), for
     *                the checks of the folds against the data; null when the file has no validation section.
     *                Not part of equality: two validations that split alike are the same validation
     */
    public record Validation(String method, int folds, double fraction, YNode.Where foldsAt) {
        public Validation(String method, int folds, double fraction) {
            this(method, folds, fraction, null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Validation v && v.method.equals(method) && v.folds == folds && Double.compare(v.fraction, fraction) == 0;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(method, folds, fraction);
        }
    }

    /**
     * A network family with its hyperparameters, each fixed, a choice or a range.
     *
     * @param defaults  what the parameters the file does not name are: {@code fixed} (the family's
     *                  fixed network), {@code search} (the family's default search ranges) or
     *                  {@code sklearn} (scikit-learn's MLPClassifier)
     * @param space     the hyperparameters as written, by the name written
     * @param positions where each was written
     * @param network   the space built from them: every value checked against the family
     */
    public record ModelSpec(String family, String defaults, Map<String, ParamSpec> space,
                            Map<String, YNode.Where> positions, NetworkSpace network) {}

    /**
     * A type name (e.g. {@code tpe}) with its options as written.
     *
     * @param at        where the section (or its type) is written
     * @param positions where each option is written
     */
    public record Options(String type, Map<String, Object> options, YNode.Where at, Map<String, YNode.Where> positions) {
        /** The line of an option, or of the section when it is not given. */
        public YNode.Where where(String option) {
            return option == null ? at : positions.getOrDefault(option, at);
        }

        public int line() {
            return at.line();
        }
    }

    /**
     * @param trials              total finished trials of the study, across all workers
     * @param maxRepeatedFailures the study stops after this many trials in a row failed with the same reason
     * @param trialsGiven         whether the file names {@code trials} (else 20 is the default)
     * @param mode                {@code time} or {@code trials} as written; empty: chosen by {@link #timeMode}
     * @param maxEpochs           the time-budget mode's longest training, if written
     * @param brackets            the time-budget mode's Hyperband brackets, if written
     * @param refit               whether the time-budget mode refits the best configuration inside the budget
     * @param at                  where the budget section is (or the file's start)
     * @param positions           where each budget key is written
     */
    public record Budget(int trials, Optional<Duration> timeout, int jobs, int maxRepeatedFailures, boolean trialsGiven,
                         Optional<String> mode, Optional<Integer> maxEpochs, Optional<Integer> brackets, boolean refit,
                         YNode.Where at, Map<String, YNode.Where> positions) {
        /** Trials failing alike this many times in a row stop the study, unless the file says otherwise. */
        public static final int DEFAULT_MAX_REPEATED_FAILURES = 3;

        /** The most trials one process runs in parallel: {@code budget.jobs} and {@code --jobs} allow 1 to this. */
        public static final int MAX_JOBS = 1024;

        /**
         * Why a {@code --jobs} value is refused, in the words {@code budget.jobs} is refused with;
         * empty when it is within 1 to {@link #MAX_JOBS}.
         */
        public static Optional<String> jobsOptionProblem(int jobs) {
            return jobs >= 1 && jobs <= MAX_JOBS ? Optional.empty()
                    : Optional.of("--jobs " + jobs + " is out of range (allowed: 1 to " + MAX_JOBS + ", as for budget.jobs)");
        }

        /** A budget of trials (no time-budget settings). */
        public Budget(int trials, Optional<Duration> timeout, int jobs, int maxRepeatedFailures) {
            this(trials, timeout, jobs, maxRepeatedFailures, false, Optional.empty(), Optional.empty(), Optional.empty(), true,
                    new YNode.Where("", 1, 1), Map.of());
        }

        /** The line of a budget key, or of the section when it is not written. */
        public YNode.Where where(String key) {
            return positions.getOrDefault(key, at);
        }

        /**
         * Whether the study runs in the time-budget mode: {@code mode: time}; or, without a mode, a
         * timeout (the file's or the command line's) and no trial count (the file's or the command
         * line's), with a sampler other than the grid (a grid keeps its exact grid).
         */
        public boolean timeMode(Optional<Duration> timeoutOverride, Optional<Integer> trialsOverride, String sampler) {
            if (mode.isPresent()) {
                return mode.get().equals("time");
            }
            return (timeout.isPresent() || timeoutOverride.isPresent()) && !trialsGiven && trialsOverride.isEmpty()
                    && !sampler.equals("grid") && !sampler.equals(Strategies.PBT);
        }

        /** The time-budget settings for {@code timeout}: the file's max epochs, brackets and refit, else the defaults. */
        public org.nntune.search.TimeBudget timeBudget(Duration timeout) {
            org.nntune.search.TimeBudget b = org.nntune.search.TimeBudget.of(timeout)
                    .withMaxEpochs(maxEpochs.orElse(org.nntune.search.TimeBudget.DEFAULT_MAX_EPOCHS)).withRefit(refit);
            return brackets.map(b::withBrackets).orElse(b);
        }
    }

    /** One hyperparameter of the search space. */
    public sealed interface ParamSpec {
        /** Always this value. */
        record Fixed(Object value) implements ParamSpec {}

        /** One of these values (a categorical dimension). */
        record Choice(List<Object> values) implements ParamSpec {}

        /** A numeric range; integer ranges hold whole numbers. */
        record Range(double low, double high, boolean log, Optional<Double> step, boolean integer) implements ParamSpec {}
    }
}
