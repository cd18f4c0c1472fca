package org.nntune.cli.run;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.studyfile.StudyFile.DataSource;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.DidYouMean;
import org.nntune.cli.studyfile.StudyFileException;
import org.nntune.cli.studyfile.YNode;
import org.nntune.nn.data.CsvEncoder;
import org.nntune.nn.data.CsvReader;
import org.nntune.nn.data.CsvTable;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FashionMnist;
import org.nntune.nn.data.InputEncoder;
import org.nntune.nn.data.Mnist;
import org.nntune.nn.data.SeriesEncoder;
import org.nntune.nn.data.SeriesWindows;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.Task;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.data.TextTable;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.data.UnknownColumnException;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The data of a study: the training part the search may see, the held-out test part (if any)
 * that only the refitted best model is scored on, and for CSV sources the encoder fitted on the
 * training rows (saved beside the best model so {@code nntune predict} reads raw CSV files).
 *
 * <p>Splits: a bundled or CSV set is split stratified (classification) with seed 42 — with the
 * default test fraction 0.2 this is the project's canonical split; an IDX set or a CSV with a
 * {@code test_csv} keeps its own test part.
 */
public record StudyData(Dataset train, Optional<Dataset> test, Optional<InputEncoder> encoder, String description) {

    /**
     * Loads the data a study file names; every failure is exit code 3 with the data's own message,
     * but two are the study file's, exit code 2 at their line: a {@code data.min_count} that no word
     * of the training texts reaches, and a column the CSV does not have ({@link #unknownColumn}).
     */
    public static StudyData load(StudyFile sf, boolean forCnn) {
        if (sf.data().source() instanceof DataSource.Csv csv) {
            // a CSV the study file names and that is not there is the study file's mistake: at its key's line
            fileMustExist(sf, "csv", csv.file());
            csv.testFile().ifPresent(f -> fileMustExist(sf, "test_csv", f));
        }
        try {
            StudyData all = loadUnchecked(sf, forCnn);
            return sf.data().maxRows().map(n -> all.limit(n, sf.data().series().isPresent())).orElse(all);
        } catch (CliException e) {
            throw e;
        } catch (UnknownColumnException e) {
            if (sf.data().source() instanceof DataSource.Csv csv && e.source().equals(csv.file().toString())) {
                throw unknownColumns(sf, csv, e);
            }
            // the test file lacks a column the training file has: the test file is wrong, not the study file (exit code 3),
            // but the study file's data.test_csv is where it is named
            if (sf.data().source() instanceof DataSource.Csv csv && csv.testFile().isPresent()
                    && e.source().equals(csv.testFile().get().toString())) {
                YNode.Where at = dataKeyAt(sf, "test_csv");
                String file = csv.testFile().get().getFileName().toString();
                throw new CliException(ExitCode.DATA, "data: " + at.file() + ", line " + at.line() + ", key 'data.test_csv': the test file "
                        + file + " has no " + e.role().name().toLowerCase(Locale.ROOT) + " column '" + e.column() + "', which the training file "
                        + csv.file().getFileName() + " has (" + file + "'s columns: " + String.join(", ", e.columns()) + ")", e);
            }
            throw new CliException(ExitCode.DATA, "data: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new CliException(ExitCode.DATA, "data: " + inStudyFileWords(e.getMessage()) + regressionLabelHint(sf, e.getMessage()), e);
        }
    }

    /** For a regression whose label column holds words: the hint that the task, not the data, may be what is wrong. */
    static String regressionLabelHint(StudyFile sf, String message) {
        if (message == null || !sf.task().equals("regression") || !(sf.data().source() instanceof DataSource.Csv csv)
                || csv.label().isEmpty() || !message.contains("expected a number") || !message.contains("('" + csv.label() + "')")) {
            return "";
        }
        return "; the label of a regression (task: regression) is a number: if '" + csv.label() + "' holds classes, set"
                + " task: classification in the study file (or leave 'task' out)";
    }

    /** The text model's token limits that follow the data when the file's space does not name them. */
    static final List<String> TOKEN_LIMITS = List.of("max_length", "vocab_size");

    /**
     * The space every network of the study is built from (its trials, a worker's, the refit of
     * {@code best --model}, a population's members): the file's, except that a text model's
     * {@code max_length} and {@code vocab_size} that the file's space does not name follow the data
     * — at most the encoder's max length ({@code data.max_length}) and its vocabulary (padding and
     * unknown included, at most {@code data.vocab_size}). The space's defaults (200 tokens, a
     * 20,000-id vocabulary) are for data of that size: on a smaller corpus they would build an
     * embedding of rows no token id reaches. Any other data, or limits the file names, leave the
     * space as it is.
     */
    public org.nntune.search.NetworkSpace space(StudyFile sf) {
        org.nntune.search.NetworkSpace space = sf.model().network();
        if (!(encoder.orElse(null) instanceof TextEncoder text)) {
            return space;
        }
        java.util.Map<String, Object> limits = new java.util.LinkedHashMap<>();
        for (String name : TOKEN_LIMITS) {
            if (!named(sf, name) && space.params().get(name) instanceof org.nntune.search.ParamSpec.Fixed f) {
                int data = name.equals("max_length") ? text.maxLength() : text.vocabularySize();
                if (data < ((Number) f.value()).intValue()) {
                    limits.put(name, data);
                }
            }
        }
        return limits.isEmpty() ? space : space.with(limits);
    }

    /** Whether the file's {@code model.space} names parameter {@code name} (under any of its names). */
    static boolean named(StudyFile sf, String name) {
        return sf.model().space().keySet().stream().anyMatch(k -> org.nntune.search.NetworkSpace.canonicalName(k).equals(name));
    }

    /**
     * A column that {@code data.label}, {@code data.categorical}, {@code data.ignore}, {@code data.text} or
     * {@code data.series} names and the CSV does not have: a typo in the study file, so an error at
     * the key's line (exit code 2) with a did-you-mean among the CSV's columns, not at the CSV's
     * header, which is right. Every name of {@code data.categorical} and {@code data.ignore} the
     * header lacks is named too, each at its item's line, not only the first the reader met.
     */
    static StudyFileException unknownColumns(StudyFile sf, DataSource.Csv csv, UnknownColumnException e) {
        // the CSV reader names the first column it lacks; the lists' other names are looked up in the same header
        List<StudyFileException> all = new java.util.ArrayList<>(List.of(unknownColumn(sf, csv, e.role(), e.column(), e.columns())));
        if (csv.header() && csv.text().isEmpty() && csv.series().isEmpty()) {
            Map<UnknownColumnException.Role, List<String>> lists = new java.util.LinkedHashMap<>();
            lists.put(UnknownColumnException.Role.CATEGORICAL, csv.categorical());
            lists.put(UnknownColumnException.Role.IGNORE, csv.ignore());
            lists.forEach((role, names) -> names.stream().distinct()
                    .filter(name -> !e.columns().contains(name) && !(role == e.role() && name.equals(e.column())))
                    .forEach(name -> all.add(unknownColumn(sf, csv, role, name, e.columns()))));
        }
        return StudyFileException.of(all);
    }

    private static StudyFileException unknownColumn(StudyFile sf, DataSource.Csv csv, UnknownColumnException.Role role, String column,
                                                    List<String> names) {
        String key = role.name().toLowerCase(Locale.ROOT);
        String file = csv.file().getFileName().toString();
        String problem;
        // a table's label may be an index (a text file's is always a name)
        boolean index = role == UnknownColumnException.Role.LABEL && csv.text().isEmpty() && column.matches("[0-9]+");
        if (index) {
            problem = "column index " + column + " is outside " + file + "'s " + names.size() + " columns (0 to " + (names.size() - 1) + ")";
        } else {
            String hint = DidYouMean.suggest(column, names);
            problem = "'" + column + "' is not a column of " + file + (hint.isEmpty() ? "" : "; " + hint);
        }
        // a text or series column is always read with the file's header; a table's, unless data.header is false
        boolean named = csv.header() || role == UnknownColumnException.Role.TEXT || role == UnknownColumnException.Role.SERIES
                || csv.text().isPresent();
        String allowed = named ? "its header's columns: " + String.join(", ", names)
                : "data.header is false, so its columns are named " + String.join(", ", names);
        YNode.Where at = csv.where(key, column).orElse(new YNode.Where(sf.file().toString(), 1, 1));
        return new StudyFileException(at, "data." + key, problem, allowed);
    }

    /** A file that {@code data.KEY} names and that is missing (or a folder): exit code 2 at the key's line. */
    private static void fileMustExist(StudyFile sf, String key, java.nio.file.Path file) {
        String problem = java.nio.file.Files.isDirectory(file) ? file + " is a folder, not a CSV file"
                : java.nio.file.Files.exists(file) ? null : "file " + file + " does not exist";
        if (problem != null) {
            java.nio.file.Path folder = sf.file().toAbsolutePath().getParent();
            throw new StudyFileException(dataKeyAt(sf, key), "data." + key, problem,
                    "a CSV file; a relative path is read from the study file's folder" + (folder == null ? "" : ", " + folder));
        }
    }

    /**
     * Where the study file writes {@code data.KEY}'s value: as the reader recorded it for a CSV's
     * {@code csv} and {@code test_csv}, else read again from the file, or the file's first line if
     * that cannot be told.
     */
    static YNode.Where dataKeyAt(StudyFile sf, String key) {
        // the reader's record first: a worker on another machine has the file's text but may not have the file
        if (sf.data().source() instanceof DataSource.Csv csv && csv.where(key, "").isPresent()) {
            return csv.where(key, "").get();
        }
        try {
            YNode root = org.nntune.cli.studyfile.YamlReader.read(sf.file().toString(), java.nio.file.Files.readString(sf.file()));
            if (root instanceof YNode.YMap m && m.entries().get("data") != null && m.entries().get("data").value() instanceof YNode.YMap d
                    && d.entries().get(key) != null) {
                return d.entries().get(key).value().where();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the file cannot be read again (a worker's stored study): its first line
        }
        return new YNode.Where(sf.file().toString(), 1, 1);
    }

    /**
     * The texts that mean "missing" in {@code csv}: pandas' defaults ({@code data.default_missing_values},
     * true unless set false as pandas' {@code keep_default_na=False}; else the empty field alone) and
     * {@code data.missing_values}.
     */
    private static List<String> missingTokens(DataSource.Csv csv) {
        List<String> tokens = new ArrayList<>(csv.defaultMissingValues() ? CsvReader.DEFAULT_MISSING_TOKENS : List.of(""));
        tokens.addAll(csv.missingValues());
        return tokens;
    }

    /** The first lines of {@code lines}, comma-separated, "…" after the fifth. */
    private static String lineList(int[] lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(5, lines.length); i++) {
            b.append(i == 0 ? "" : ", ").append(lines[i]);
        }
        return lines.length > 5 ? b.append(", …").toString() : b.toString();
    }

    /**
     * A data message of the engine in the words of a study file: the CSV reader names its Java
     * missing-value policies ({@code DROP_ROW}, {@code FILL_MEAN}, …), which a study file spells
     * {@code data.missing: drop | mean | most_frequent}.
     */
    public static String inStudyFileWords(String message) {
        if (message == null) {
            return null;
        }
        return message
                // the image sets' loader names its Java method; a study file names the folder in data.folder
                .replace(", or pass the folder to load(Path)", ", or name the folder in the study file (data.folder)")
                .replace("choose a missing-value policy: DROP_ROW, FILL_MEAN or FILL_MOST_FREQUENT",
                        "set data.missing: drop, mean or most_frequent in the study file")
                .replace("choose the DROP_ROW missing-value policy", "set data.missing: drop in the study file")
                .replace("(policy DROP_ROW)", "(data.missing: drop)")
                .replace("set the decimal mark to ','", "set data.decimal: \",\" (with separator: \";\")")
                .replace("with the decimal mark ','", "as data.decimal: \",\" says")
                .replace("only with a FILL_* policy", "only when its study file set data.missing: mean or most_frequent")
                .replace(" — if this column holds categories, declare it categorical", " — if this column holds categories, list it in"
                        + " data.categorical; if it is no feature (an id, a name, a date), in data.ignore");
    }

    private static StudyData loadUnchecked(StudyFile sf, boolean forCnn) {
        StudyFile.DataSpec spec = sf.data();
        DataSource src = spec.source();
        Task task = sf.task().equals("regression") ? Task.REGRESSION : Task.CLASSIFICATION;
        if (src instanceof DataSource.Bundled b) {
            if (task != Task.CLASSIFICATION) {
                throw new CliException(ExitCode.USAGE, sf.file() + ": the bundled set '" + b.name() + "' is a classification set; use task: classification");
            }
            Dataset all = forCnn && b.name().equals("digits") ? Datasets.digitsImages() : Datasets.byName(b.name());
            return split(all, spec.testFraction(), Optional.empty(), "bundled " + b.name());
        }
        if (src instanceof DataSource.Idx idx) {
            TrainTest tt = switch (idx.kind()) {
                case "fashion_mnist" -> idx.folder().map(FashionMnist::load).orElseGet(FashionMnist::load);
                default -> idx.folder().map(Mnist::load).orElseGet(Mnist::load);
            };
            Dataset train = forCnn ? tt.train() : flat(tt.train());
            Dataset test = forCnn ? tt.test() : flat(tt.test());
            if (spec.testFraction() > 0) {
                // the image sets have their own test part; a test_fraction would only shrink the training part
                throw new CliException(ExitCode.USAGE, sf.file() + ": data.test_fraction does not apply to " + idx.kind()
                        + ", which has its own test set; remove it");
            }
            return new StudyData(train, Optional.of(test), Optional.empty(), idx.kind().replace('_', '-'));
        }
        DataSource.Csv csv = (DataSource.Csv) src;
        if (csv.text().isPresent()) {
            return text(sf, csv, csv.text().get(), task, spec.testFraction());
        }
        if (csv.series().isPresent()) {
            return series(sf, csv, csv.series().get(), spec.testFraction());
        }
        CsvReader.Builder rb = CsvReader.builder().header(csv.header()).separator(csv.separator()).task(task)
                .missingValues(switch (csv.missing()) {
                    case "drop" -> CsvReader.MissingPolicy.DROP_ROW;
                    case "mean" -> CsvReader.MissingPolicy.FILL_MEAN;
                    case "most_frequent" -> CsvReader.MissingPolicy.FILL_MOST_FREQUENT;
                    default -> CsvReader.MissingPolicy.ERROR;
                })
                // kept in the encoder saved beside the model, so predict applies the same rule
                .unseenCategory(switch (csv.unknownCategory()) {
                    case "error" -> CsvReader.UnseenCategory.ERROR;
                    case "most_frequent" -> CsvReader.UnseenCategory.MOST_FREQUENT;
                    default -> CsvReader.UnseenCategory.ZEROS;
                });
        if (csv.label().matches("[0-9]+")) {
            rb.labelColumn(Integer.parseInt(csv.label()));
        } else {
            rb.labelColumn(csv.label());
        }
        if (!csv.categorical().isEmpty()) {
            rb.categorical(csv.categorical().toArray(String[]::new));
        }
        if (!csv.ignore().isEmpty()) {
            rb.ignore(csv.ignore().toArray(String[]::new));
        }
        rb.decimal(csv.decimal());
        if (!csv.missingValues().isEmpty() || !csv.defaultMissingValues()) {
            // kept in the encoder saved beside the model, so predict reads them as missing too
            rb.missingTokens(missingTokens(csv).toArray(String[]::new));
        }
        CsvReader reader = rb.build();
        CsvTable table = reader.readTable(csv.file());
        if (csv.testFile().isPresent()) {
            CsvEncoder enc = table.fit();
            Dataset train = enc.encode(table);
            Dataset test = enc.encode(reader.readTable(csv.testFile().get()));
            return new StudyData(train, Optional.of(test), Optional.<InputEncoder>of(enc), shown(csv));
        }
        if (spec.testFraction() == 0) {
            CsvEncoder enc = table.fit();
            return new StudyData(enc.encode(table), Optional.empty(), Optional.<InputEncoder>of(enc), shown(csv));
        }
        // split first, then learn categories and fill values on the training rows only
        Split split = task == Task.CLASSIFICATION ? Splits.stratified(table.labels(), spec.testFraction(), Splits.CANONICAL_SEED)
                : Splits.shuffled(table.rowCount(), spec.testFraction(), Splits.CANONICAL_SEED);
        CsvEncoder enc = table.fit(split.train());
        Dataset all = enc.encode(table);
        return new StudyData(split.train(all), Optional.of(split.test(all)), Optional.<InputEncoder>of(enc),
                String.format(Locale.ROOT, "%s, %.0f%% held out for test", shown(csv), 100 * spec.testFraction()));
    }

    /** A table CSV as the first line of a run names it: {@code CSV people.csv (ignored: id, name)}. */
    private static String shown(DataSource.Csv csv) {
        return "CSV " + csv.file().getFileName() + (csv.ignore().isEmpty() ? "" : " (ignored: " + String.join(", ", csv.ignore()) + ")");
    }

    /**
     * A text column as token ids: the vocabulary is learned on the training rows only (after the
     * stratified split, or on the whole file when a test file is given); a note says once how
     * many texts were cut to max_length tokens.
     */
    private static StudyData text(StudyFile sf, DataSource.Csv csv, StudyFile.TextSpec ts, Task task, double testFraction) {
        if (task != Task.CLASSIFICATION) {
            throw new CliException(ExitCode.USAGE, sf.file() + ": a text column ('data.text') is for classification; use task: classification");
        }
        TextEncoder.Options options = new TextEncoder.Options(ts.tokens().equals("chars") ? TextEncoder.Tokens.CHARS
                : TextEncoder.Tokens.WORDS, ts.maxLength(), ts.vocabSize() - 2, ts.minCount());
        boolean drop = csv.missing().equals("drop");
        TextTable table = TextTable.read(csv.file(), csv.separator(), ts.column(), csv.label(), missingTokens(csv), drop);
        int[] all = java.util.stream.IntStream.range(0, table.rowCount()).toArray();
        Split split = csv.testFile().isPresent() || testFraction == 0 ? new Split(all, new int[0])
                : Splits.stratified(table.labels(), testFraction, Splits.CANONICAL_SEED);
        TextEncoder enc;
        try {
            enc = table.fit(split.train(), options);
        } catch (TextEncoder.EmptyVocabularyException e) {
            if (e.distinctTokens() == 0) {
                throw e; // the texts, not the count: a data error
            }
            throw new StudyFileException(ts.minCountAt(), "data.min_count", e.getMessage(), String.format(Locale.ROOT,
                    "give at most %,d, the count of the most frequent %s", e.highestCount(), ts.tokens().equals("chars") ? "character" : "word"));
        }
        String name = csv.file().getFileName().toString();
        Dataset encoded = enc.encode(table, name);
        List<String> texts = new java.util.ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            texts.add(table.text(r));
        }
        String note = enc.truncationNote(enc.encode(texts));
        int[] unlabelled = table.unlabelledLines();
        String dropped = unlabelled.length == 0 ? "" : String.format(Locale.ROOT, "; %d %s without a label left out (data.missing:"
                + " drop; line%s %s)", unlabelled.length, unlabelled.length == 1 ? "row" : "rows", unlabelled.length == 1 ? "" : "s",
                lineList(unlabelled));
        String what = String.format(Locale.ROOT, "CSV %s, text column '%s' (%s, %,d-token vocabulary, %,d %s at most)%s%s", name,
                ts.column(), ts.tokens(), enc.vocabularySize(), ts.maxLength(),
                ts.maxLength() == 1 ? "token" : "tokens", dropped, note.isEmpty() ? "" : "; note: " + note);
        if (csv.testFile().isPresent()) {
            Dataset test = enc.encode(TextTable.read(csv.testFile().get(), csv.separator(), ts.column(), csv.label(), missingTokens(csv), drop), "test");
            return new StudyData(encoded, Optional.of(test), Optional.of(enc), what);
        }
        if (split.test().length == 0) {
            return new StudyData(encoded, Optional.empty(), Optional.of(enc), what);
        }
        return new StudyData(split.train(encoded), Optional.of(split.test(encoded)), Optional.of(enc),
                String.format(Locale.ROOT, "%s, %.0f%% held out for test", what, 100 * testFraction));
    }

    /**
     * A numeric series as forecasting windows, split in time order: the test part is the windows
     * whose targets lie in the series' last {@code testFraction}; the training part is the windows
     * whose targets end before it, in time order (the search's validation holds out their end). An
     * rnn reads each window as {@code [window, 1]}, an mlp as {@code window} numbers. With
     * {@code data.target: change} the windows are marked for a change target
     * ({@link Dataset#changeTarget}): each trial's network learns {@code y[t + h] − y[t]} (its
     * target scaling fitted on those) and adds {@code y[t]} back, so metrics, predictions and the
     * saved model are in the series' units.
     */
    private static StudyData series(StudyFile sf, DataSource.Csv csv, StudyFile.SeriesSpec ss, double testFraction) {
        String name = csv.file().getFileName().toString();
        float[] values = SeriesWindows.readColumn(csv.file(), csv.separator(), csv.decimal(), ss.column());
        Dataset windows = SeriesWindows.windows(ss.column(), values, ss.window(), ss.horizon(),
                ss.change() ? SeriesWindows.Target.CHANGE : SeriesWindows.Target.LEVEL);
        if (!sf.model().family().equals("rnn")) {
            windows = flat(windows);
        }
        SeriesEncoder enc = new SeriesEncoder(ss.column(), csv.separator(), csv.decimal(), ss.window(), ss.horizon());
        String what = String.format(Locale.ROOT, "CSV %s, series '%s' (%,d values; windows of %d values forecast the next %d%s)",
                name, ss.column(), values.length, ss.window(), ss.horizon(), ss.change() ? " as changes from the window's last value" : "");
        if (testFraction == 0) {
            return new StudyData(windows, Optional.empty(), Optional.of(enc), what);
        }
        Split split = SeriesWindows.timeOrderSplit(values.length, ss.window(), ss.horizon(), testFraction);
        return new StudyData(windows.subset(split.train()), Optional.of(windows.subset(split.test())), Optional.of(enc),
                String.format(Locale.ROOT, "%s, the last %.0f%% held out for test (time order)", what, 100 * testFraction));
    }

    /**
     * At most {@code n} rows of the training part and of the test part ({@code data.max_rows}): a
     * sample drawn with a fixed seed (the same rows on every run and resume), stratified for
     * classification, so that a file sorted by class keeps its classes; a series keeps its first
     * {@code n} windows, in time order.
     */
    StudyData limit(int n, boolean timeOrdered) {
        boolean cut = train.size() > n || test.map(t -> t.size() > n).orElse(false);
        String how = timeOrdered ? ", first " + n + " windows of each part (data.max_rows)"
                : train.task() == org.nntune.nn.data.Task.CLASSIFICATION
                ? ", a stratified sample of " + n + " rows of each part (data.max_rows)"
                : ", a random sample of " + n + " rows of each part (data.max_rows)";
        return new StudyData(sample(train, n, timeOrdered), test.map(t -> sample(t, n, timeOrdered)), encoder,
                description + (cut ? how : ""));
    }

    /** The seed of {@link #limit}'s samples: fixed, so the rows do not depend on the study's seed. */
    static final long SAMPLE_SEED = 42;

    private static Dataset sample(Dataset d, int n, boolean timeOrdered) {
        if (d.size() <= n) {
            return d;
        }
        if (timeOrdered) {
            return d.subset(java.util.stream.IntStream.range(0, n).toArray());
        }
        // the kept rows are the split's training part; ascending, so the file's order stays
        int[] kept = org.nntune.nn.data.Splits.trainTest(d, (d.size() - n) / (double) d.size(), SAMPLE_SEED).train();
        return d.subset(kept);
    }

    private static StudyData split(Dataset all, double testFraction, Optional<InputEncoder> enc, String what) {
        if (testFraction == 0) {
            return new StudyData(all, Optional.empty(), enc, what);
        }
        Split s = Splits.trainTest(all, testFraction, Splits.CANONICAL_SEED);
        return new StudyData(s.train(all), Optional.of(s.test(all)), enc,
                String.format(Locale.ROOT, "%s, %.0f%% held out for test (stratified, seed 42)", what, 100 * testFraction));
    }

    private static Dataset flat(Dataset d) {
        return d.withShape(d.featureCount());
    }
}
