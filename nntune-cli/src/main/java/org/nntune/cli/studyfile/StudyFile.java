package org.nntune.cli.studyfile;

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
 * @param model      the network family and its search space
 * @param sampler    the sampler and its options
 * @param pruner     the pruner and its options
 * @param budget     trials, time, parallel jobs
 * @param output     where results go
 * @param storage    the storage URL, if the file names one
 */
public record StudyFile(Path file, String name, Optional<Long> seed, String task, DataSpec data,
                        List<Objective> objectives, Validation validation, ModelSpec model, Options sampler,
                        Options pruner, Budget budget, Path outputDir, Optional<String> storage) {

    /** Where the data come from. */
    public sealed interface DataSource {
        /** A data set shipped with nntune: iris or digits. */
        record Bundled(String name) implements DataSource {}

        /**
         * A CSV file; {@code label} is a column name or a 0-based index; {@code testFile} an optional separate test CSV;
         * {@code unknownCategory} what a category the training rows lack becomes: error, ignore (all-zero) or most_frequent.
         */
        record Csv(Path file, String label, boolean header, char separator, String missing,
                   List<String> categorical, Optional<Path> testFile, String unknownCategory,
                   Optional<TextSpec> text) implements DataSource {}

        /** An IDX folder: Fashion-MNIST or MNIST file names. */
        record Idx(String kind, Optional<Path> folder) implements DataSource {}
    }

    /** @param testFraction fraction held out as test set (stratified for classification), 0 for none */
    /**
     * A text column ({@code data.text}) read as token ids: the tokenizer ({@code words} or
     * {@code chars}), the tokens kept per text, the vocabulary's size (padding and unknown ids
     * included) and the training-row count a word needs to enter it.
     */
    public record TextSpec(String column, String tokens, int maxLength, int vocabSize, int minCount) {}

    public record DataSpec(DataSource source, double testFraction, String preprocessing) {}

    public record Objective(String metric, String direction) {}

    /** @param method holdout, kfold or stratified_kfold */
    public record Validation(String method, int folds, double fraction) {}

    /** A network family with its hyperparameters, each fixed, a choice or a range. */
    public record ModelSpec(String family, Map<String, ParamSpec> space, Map<String, YNode.Where> positions) {}

    /** A type name (e.g. {@code tpe}) with its options as written, and the line of its section (for messages). */
    public record Options(String type, Map<String, Object> options, int line) {}

    /** @param trials total finished trials of the study, across all workers */
    public record Budget(int trials, Optional<Duration> timeout, int jobs) {}

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
