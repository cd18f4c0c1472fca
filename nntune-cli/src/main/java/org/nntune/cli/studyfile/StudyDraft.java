package org.nntune.cli.studyfile;

import org.nntune.nn.data.CsvProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A first study file for a CSV, from what its columns hold ({@link CsvProfile}): the label's task
 * (text or few repeating integers: classes; other numbers: regression), each other column's role — a
 * number, a category, a text to read as words (when it is the only candidate feature), or no feature at
 * all (an id or row number, a name, a date, an empty or constant column, one-off notes, an unnamed
 * column, a copy of the label) — the classes' counts, a metric, folds the smallest class can fill,
 * and a search suited to the data's size. {@code nntune init} writes it and checks it as
 * {@code tune --dry-run} does; every choice is said in a comment beside it, so the file is the
 * explanation and the place to change it.
 */
public final class StudyDraft {
    /** A numeric label with more distinct integers than this is a regression target. */
    static final int MAX_CLASSES_OF_INTEGERS = 20;
    /** A text column with more distinct values than this is not read as categories. */
    static final int MAX_CATEGORIES = 100;
    /**
     * A text column whose values average this many words or more reads as text (when its values are mostly distinct):
     * messages and reviews do, names ("Braund, Mr. Owen Harris") and addresses do not.
     */
    static final double TEXT_WORDS = 6;
    /** A text column with more values than this, most of them in one row only, is free text rather than categories. */
    static final int ONE_OFF_LEVELS = 10;
    /** Column names that say "an id". */
    private static final Pattern ID_NAME = Pattern.compile("(?i)(.*[_ .-])?(id|key|index|row|no|number)|unnamed: ?0");
    /** ... and in camel case: {@code PassengerId}. */
    private static final Pattern CAMEL_ID = Pattern.compile(".*[a-z]I[dD]");

    /** What a column is in the study. */
    public enum Role { NUMBER, CATEGORY, TEXT, IGNORED }

    /** A column's role and why, in the words of the comment beside it. */
    public record Column(String name, Role role, String why) {
        /** The name as a comment or message shows it: {@code "" (no name)} for an empty one. */
        public String shown() {
            return name.isEmpty() ? "\"\" (no name)" : name;
        }
    }

    private final CsvProfile profile;
    private final String csvPath;
    private final String study;
    private final String label;
    private final boolean classification;
    private final int classes;
    /** Why a label of integers is a regression target, when that is why; else empty. */
    private final String labelWhy;
    /** Rows {@code missing: drop} drops: no label, or (in a table) a feature missing too; 0 when the label is never missing. */
    private final int dropped;
    /** Rows of each class among the rows kept, most first (classification only). */
    private final Map<String, Integer> classCounts;
    private final List<Column> columns = new ArrayList<>();
    private final Optional<CsvProfile.Column> text;
    private final char separator;
    private final int trials;
    /** For a series (a numeric label beside nothing but its time: dates or rising row numbers), its forecasting window; else 0. */
    private final int window;

    private StudyDraft(CsvProfile profile, String csvPath, String study, String label, Optional<Boolean> classify, char separator,
                       int trials) {
        this.profile = profile;
        this.csvPath = csvPath;
        this.study = study;
        this.label = label;
        this.separator = separator;
        this.trials = trials;
        CsvProfile.Column l = column(label);
        boolean codes = l.integers() && l.distinct() <= MAX_CLASSES_OF_INTEGERS && repeats(l, profile.rows());
        this.classification = classify.orElse(!l.numeric() || codes);
        this.labelWhy = classify.isEmpty() && l.integers() && !codes ? String.format(Locale.ROOT, "integers, %d distinct in %d rows:"
                + " too few repeats for classes, so regression; --task classification if they are codes", l.distinct(),
                l.present(profile.rows())) : "";
        this.classes = l.distinct();
        if (l.present(profile.rows()) == 0) {
            throw new IllegalArgumentException("the label column '" + label + "' is empty in every row");
        }
        if (classification && classes < 2) {
            throw new IllegalArgumentException("the label column '" + label + "' holds one value in every row, so there is nothing"
                    + " to learn; expected a column of at least two classes");
        }
        if (!classification && !l.numeric()) {
            throw new IllegalArgumentException("the label column '" + label + "' holds text, so it cannot be a regression target;"
                    + " expected --task classification, or a column of numbers");
        }
        CsvProfile.Column bestText = null;
        for (CsvProfile.Column c : profile.columns()) {
            if (c.name().equals(label)) {
                continue;
            }
            Column role = withStrayValues(role(c, profile.rows()), c, profile.rows());
            // each value with one class in every row: the label in another spelling (numbers: one value per class, as
            // a measurement can split the classes cleanly; categories: also a finer grouping of them, its levels in 5 rows
            // each on average, so that chance does not make them pure)
            boolean oneToOne = c.distinct() == l.distinct();
            boolean repeated = c.distinct() * (oneToOne ? 2 : 5) <= c.present(profile.rows());
            if (classification && (role.role() == Role.NUMBER && oneToOne || role.role() == Role.CATEGORY) && c.distinct() >= 2
                    && repeated && c.determines(l)) {
                role = new Column(c.name(), Role.IGNORED, "determines the label in every row (" + (oneToOne ? "its " + c.distinct()
                        + " values match the classes one to one" : "each of its " + c.distinct() + " values goes with one class")
                        + "): a copy of it? remove it from ignore to use it anyway");
            }
            if (role.role() == Role.TEXT && (bestText == null || c.meanWords() > bestText.meanWords())) {
                bestText = c;
            }
            columns.add(role);
        }
        // one text column is read as words, in a classifier (found by its header name) without other features; any other
        // is no feature: a text study reads its text and label only, so it does not outvote columns of numbers or categories
        boolean tabular = columns.stream().anyMatch(c -> c.role() == Role.NUMBER || c.role() == Role.CATEGORY);
        this.text = classification && profile.header() && !tabular ? Optional.ofNullable(bestText) : Optional.empty();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (c.role() == Role.TEXT && (text.isEmpty() || !text.get().name().equals(c.name()))) {
                columns.set(i, new Column(c.name(), Role.IGNORED, c.why() + (!classification
                        ? "; a text is read in classification studies only" : !profile.header()
                        ? "; a text column is read by its header name, and the file has no header line" : tabular
                        ? "; not read beside the other features, as a text study reads only its text and label; for one over its"
                        + " words instead, data.text: " + scalar(c.name()) + " and model family rnn"
                        : "; another column is the text read")));
            }
        }
        boolean noFeature = text.isEmpty() && columns.stream().noneMatch(c -> c.role() == Role.NUMBER || c.role() == Role.CATEGORY);
        // a numeric label beside its time alone (date,value; year,value) is a series: forecast from its own past values
        boolean series = noFeature && !classification && profile.header() && l.missing() == 0 && profile.rows() >= MIN_SERIES_ROWS
                && profile.columns().stream().filter(c -> !c.name().equals(label)).allMatch(StudyDraft::timeIndex);
        this.window = series ? Math.max(2, Math.min(24, profile.rows() / 10)) : 0;
        if (series) {
            columns.replaceAll(c -> {
                CsvProfile.Column p = column(c.name());
                return new Column(c.name(), Role.IGNORED, (p.isoDates() || p.localDates() ? "dates" : String.format(Locale.ROOT,
                        "integers %.0f..%.0f rising row by row", p.min(), p.max())) + ": the series' time, read as the file's order");
            });
        }
        if (noFeature && !series) {
            throw new IllegalArgumentException("no column but the label can be a feature: " + String.join("; ",
                    columns.stream().map(c -> c.name() + ": " + c.why()).toList()) + seriesHint(l));
        }
        // rows without a label are dropped (missing: drop), and with them every row missing a feature
        List<String> read = new ArrayList<>(List.of(label));
        if (l.missing() > 0 && text.isEmpty()) {
            columns.stream().filter(c -> c.role() == Role.NUMBER || c.role() == Role.CATEGORY).forEach(c -> read.add(c.name()));
        }
        this.dropped = profile.rowsMissingAny(read);
        this.classCounts = classification ? classCounts(l, read) : Map.of();
        if (dropped == profile.rows()) {
            throw new IllegalArgumentException("no row holds both the label '" + label + "' and every feature ("
                    + String.join(", ", read.subList(1, read.size())) + "), so missing: drop would keep none; fill the"
                    + " missing values or leave some of those columns out");
        }
    }

    /** Fewer rows than this make no series draft: its windows would be too few to train and test a forecaster. */
    static final int MIN_SERIES_ROWS = 30;

    /** Whether {@code c} can be a series' time: dates, or integers rising row by row (a year, a row number). */
    static boolean timeIndex(CsvProfile.Column c) {
        return c.isoDates() || c.localDates() || c.numeric() && c.integers() && c.increasing() && c.missing() == 0;
    }

    /** Why the label is no series init drafts, for a column of numbers that might be one; empty for other labels. */
    private String seriesHint(CsvProfile.Column l) {
        if (classification || !l.numeric()) {
            return "";
        }
        String why = !profile.header() ? "the file has no header line to name its column"
                : l.missing() > 0 ? l.missing() + " of its rows have no value, and a series holds a number in every row"
                : profile.rows() < MIN_SERIES_ROWS ? "its " + profile.rows() + " rows are too few for forecasting windows"
                : "another column is neither a date nor a rising row number";
        return "; to forecast '" + label + "' from its own past values, a study file with data.series: " + scalar(label)
                + " and data.window (README, Time series) — init drafts one for a numeric column beside its dates or row numbers"
                + " alone, but here " + why;
    }

    /** Training rows of each class (the rows kept: none of {@code read} missing), most first. */
    private Map<String, Integer> classCounts(CsvProfile.Column l, List<String> read) {
        List<CsvProfile.Column> kept = profile.columns().stream().filter(c -> read.contains(c.name())).toList();
        List<String> values = new ArrayList<>(l.counts().keySet());
        int[] n = new int[values.size()];
        for (int r = 0; r < profile.rows(); r++) {
            final int row = r;
            if (l.codes()[r] >= 0 && kept.stream().allMatch(c -> c.codes()[row] != CsvProfile.MISSING_CODE)) {
                n[l.codes()[r]]++;
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        java.util.stream.IntStream.range(0, n.length).boxed().filter(i -> n[i] > 0).sorted((a, b) -> n[b] - n[a])
                .forEach(i -> counts.put(values.get(i), n[i]));
        return counts;
    }

    /**
     * The draft for {@code profile}'s file ({@code csvPath} as the study file names it).
     *
     * @param classify the task when the user gave it; else guessed from the label
     * @throws IllegalArgumentException when the label cannot be learnt (one value, text for a regression) or
     *         no column can be a feature, with the reason
     */
    public static StudyDraft of(CsvProfile profile, String csvPath, String study, String label, Optional<Boolean> classify,
                                char separator, int trials) {
        return new StudyDraft(profile, csvPath, study, label, classify, separator, trials);
    }

    private CsvProfile.Column column(String name) {
        return profile.columns().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column '" + name + "'"));
    }

    static Column role(CsvProfile.Column c, int rows) {
        int present = c.present(rows);
        if (present == 0) {
            return new Column(c.name(), Role.IGNORED, "empty in every row");
        }
        if (c.isoDates()) {
            return new Column(c.name(), Role.IGNORED, "dates");
        }
        if (c.localDates()) {
            return new Column(c.name(), Role.IGNORED, "dates: day, month and year as spreadsheets write them");
        }
        if (c.distinct() == 1) {
            return new Column(c.name(), Role.IGNORED, "constant: one value in every row" + (c.missing() > 0 ? " that has one ("
                    + c.missing() + " empty)" : "") + ", no information");
        }
        boolean unique = c.distinct() >= present && present > 1;
        if (c.numeric()) {
            if (c.integers() && unique && (ID_NAME.matcher(c.name()).matches() || CAMEL_ID.matcher(c.name()).matches())) {
                return new Column(c.name(), Role.IGNORED, "an id: another integer in every row");
            }
            boolean run = c.max() - c.min() + 1 == present && (c.min() == 0 || c.min() == 1);
            if (c.integers() && unique && present > 2 && (run || c.increasing())) {
                return new Column(c.name(), Role.IGNORED, String.format(Locale.ROOT, "an id whatever its name: unique integers %.0f..%.0f"
                        + "%s, one per row — a row number teaches the file's order, not the label; remove it from ignore if it is"
                        + " a measurement", c.min(), c.max(), run ? "" : " rising row by row"));
            }
        }
        if (c.name().isBlank()) {
            return new Column(c.name(), Role.IGNORED, "no name in the header (a saved index?); name it there to use it");
        }
        if (c.numeric()) {
            return new Column(c.name(), Role.NUMBER, "numbers");
        }
        if (c.meanWords() >= TEXT_WORDS && c.distinct() * 2 >= present) {
            return new Column(c.name(), Role.TEXT, String.format(Locale.ROOT, "text, %.0f words on average", c.meanWords()));
        }
        if (unique || c.distinct() > 20 && c.distinct() * 10 >= present * 9) {
            return new Column(c.name(), Role.IGNORED, String.format(Locale.ROOT, "a name or an id: %s different values in %d rows",
                    atLeast(c.distinct()), present));
        }
        if (c.distinct() > MAX_CATEGORIES) {
            return new Column(c.name(), Role.IGNORED, String.format(Locale.ROOT, "%s different values, too many categories to learn"
                    + " from; list it in categorical to one-hot encode it anyway", atLeast(c.distinct())));
        }
        if (c.distinct() > ONE_OFF_LEVELS && c.singletons() * 2 > c.distinct()) {
            return new Column(c.name(), Role.IGNORED, String.format(Locale.ROOT, "free text or one-off values: %d of its %d values occur"
                    + " in one row only; list it in categorical to one-hot encode it anyway", c.singletons(), c.distinct()));
        }
        return new Column(c.name(), Role.CATEGORY, c.distinct() + (c.distinct() == 1 ? " category" : " categories"));
    }

    /**
     * A column of numbers but for a few fields (at least 80 % are numbers) that is not drafted as
     * numbers: its comment says so and names the first field that is not one and its line, the
     * likely typo ({@code 1.4cm}) or missing-value mark ({@code -}) that made it a category.
     */
    static Column withStrayValues(Column drafted, CsvProfile.Column c, int rows) {
        int present = c.present(rows);
        if (drafted.role() == Role.NUMBER || c.numeric() || c.numbers() == 0 || c.numbers() * 10L < present * 8L) {
            return drafted;
        }
        int others = present - c.numbers();
        return new Column(drafted.name(), drafted.role(), drafted.why() + String.format(Locale.ROOT, "; numbers in %d of %d rows;"
                + " line %d: '%s' is not one%s: fix %s, or list %s in data.missing_values", c.numbers(), present,
                c.firstNonNumberLine(), c.firstNonNumber(), others == 1 ? "" : ", nor are " + (others - 1) + " more",
                others == 1 ? "it" : "them", others == 1 ? "it" : "such marks"));
    }

    /** Integers are classes when their values repeat: 5 rows a value on average, or most values in 3 rows or more. */
    private static boolean repeats(CsvProfile.Column l, int rows) {
        long often = l.counts().values().stream().filter(n -> n >= 3).count();
        return l.distinct() * 5 <= l.present(rows) || often * 2 > l.distinct();
    }

    private static String atLeast(int distinct) {
        return distinct >= CsvProfile.DISTINCT_CAP ? "over " + CsvProfile.DISTINCT_CAP : Integer.toString(distinct);
    }

    /** Each column other than the label, with its role and why. */
    public List<Column> columns() {
        return List.copyOf(columns);
    }

    public boolean classification() {
        return classification;
    }

    /** The text column a classifier reads as words, when there is one. */
    public Optional<String> textColumn() {
        return text.map(CsvProfile.Column::name);
    }

    /** Whether the draft is a forecaster of the label as a series ({@code data.series}). */
    public boolean series() {
        return window > 0;
    }

    /** One line that says what the study does: "classify 'kind' (3 classes) from 2 numbers and 1 category column". */
    public String summary() {
        if (series()) {
            return "forecast '" + label + "' one step ahead from its last " + window + " values (a series: an LSTM or GRU, in time order)";
        }
        String what = classification ? "classify '" + label + "' (" + classes + " classes)" : "predict '" + label + "' (regression)";
        if (text.isPresent()) {
            return what + " from the words of '" + text.get().name() + "' (an LSTM or GRU over word embeddings)";
        }
        long numbers = columns.stream().filter(c -> c.role() == Role.NUMBER).count();
        long categories = columns.stream().filter(c -> c.role() == Role.CATEGORY).count();
        List<String> from = new ArrayList<>();
        if (numbers > 0) from.add(numbers + (numbers == 1 ? " column of numbers" : " columns of numbers"));
        if (categories > 0) from.add(categories + (categories == 1 ? " column of categories" : " columns of categories"));
        return what + " from " + String.join(" and ", from) + " (an MLP)";
    }

    /** The study file's text. */
    public String yaml(String date) {
        StringBuilder y = new StringBuilder();
        y.append("# A first study of ").append(csvPath).append(", drafted by nntune init on ").append(date).append(":\n");
        y.append("# ").append(summary()).append(".\n");
        y.append("# Every setting may be changed: the README's \"Study files\" lists them all.\n");
        y.append("# Check it:  nntune tune --dry-run FILE     Run it:  nntune tune FILE\n");
        y.append("study: ").append(scalar(study)).append('\n');
        y.append("seed: 42\n");
        if (!classification) {
            y.append("task: regression\n");
        }
        y.append("data:\n");
        y.append("  csv: ").append(scalar(csvPath)).append('\n');
        if (separator != ',') {
            y.append("  separator: ").append(separator == '\t' ? "\"\\t\"" : scalar(String.valueOf(separator))).append('\n');
        }
        if (profile.decimal() == ',') {
            y.append("  decimal: \",\"   # numbers are written with a decimal comma (14,23 is 14.23)\n");
        }
        if (!profile.header()) {
            y.append("  header: false   # the first line is a row: columns are named c0, c1, … by their place\n");
        }
        if (series()) {
            seriesYaml(y);
            return y.toString();
        }
        String labelKey = profile.header() ? scalar(label) : label.substring(1);
        y.append("  label: ").append(labelKey).append("   # ").append(profile.header() ? "" : "column " + label + ": ")
                .append(classification ? classes + " classes" + classesSaid() : "numbers" + (labelWhy.isEmpty() ? "" : ": " + labelWhy))
                .append('\n');
        List<Column> ignored = columns.stream().filter(c -> c.role() == Role.IGNORED).toList();
        if (text.isPresent()) {
            CsvProfile.Column t = text.get();
            // tokens are more than the words between spaces (punctuation is a token): half as many again
            int length = Math.min(200, Math.max(10, (t.maxWords() * 3 / 2 + 9) / 10 * 10));
            y.append("  text: ").append(scalar(t.name())).append(String.format(Locale.ROOT, "   # %.0f words on average, %d at most%n",
                    t.meanWords(), t.maxWords()));
            y.append("  max_length: ").append(length).append("   # words read per text\n");
            int unlabelled = column(label).missing();
            if (unlabelled > 0) {
                y.append("  missing: drop   # ").append(unlabelled).append(unlabelled == 1 ? " row has" : " rows have")
                        .append(" no label (a label cannot be filled): they are left out\n");
            }
            List<String> unread = columns.stream().filter(c -> !c.name().equals(t.name())).map(Column::name).toList();
            if (!unread.isEmpty()) {
                y.append("  # a text study reads only its text and label columns: ").append(String.join(", ", unread)).append(" not read\n");
            }
        } else {
            List<String> numbers = columns.stream().filter(c -> c.role() == Role.NUMBER).map(c -> said(c.name())).toList();
            if (!numbers.isEmpty()) {
                y.append("  # read as numbers: ").append(String.join(", ", numbers)).append('\n');
            }
            List<String> categorical = columns.stream().filter(c -> c.role() == Role.CATEGORY).map(Column::name).toList();
            if (!categorical.isEmpty()) {
                y.append("  # one-hot encoded (categories learnt on the training rows): ");
                y.append(String.join("; ", columns.stream().filter(c -> c.role() == Role.CATEGORY)
                        .map(c -> c.name() + ", " + c.why()).toList())).append('\n');
                y.append("  categorical: ").append(list(categorical)).append('\n');
            }
            if (!ignored.isEmpty()) {
                y.append("  # no feature:\n");
                ignored.forEach(c -> y.append("  #   ").append(c.shown()).append(": ").append(c.why()).append('\n'));
                y.append("  ignore: ").append(list(ignored.stream().map(Column::name).toList())).append('\n');
            }
            Map<String, Integer> missing = new LinkedHashMap<>();
            for (CsvProfile.Column c : profile.columns()) {
                boolean feature = columns.stream().anyMatch(f -> f.name().equals(c.name())
                        && (f.role() == Role.NUMBER || f.role() == Role.CATEGORY));
                if (feature && c.missing() > 0) {
                    missing.put(c.name(), c.missing());
                }
            }
            int labelMissing = column(label).missing();
            if (labelMissing > 0) {
                y.append("  missing: drop   # ").append(labelMissing).append(labelMissing == 1 ? " row has" : " rows have")
                        .append(" no label (a label cannot be filled)").append(dropped > labelMissing ? String.format(Locale.ROOT,
                                ", and %d more miss a feature: %d of %d rows are dropped", dropped - labelMissing, dropped,
                                profile.rows()) : ": they are dropped").append('\n');
            } else if (!missing.isEmpty()) {
                y.append("  missing: mean   # missing values (").append(String.join(", ", missing.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).toList())).append("): a column's training mean, a category's most"
                        + " frequent; or drop\n");
            }
        }
        y.append("  test_fraction: 0.2   # held out for the final test").append(classification ? ", stratified" : "").append('\n');
        int rows = profile.rows();
        if (text.isPresent()) {
            y.append("metric: ").append(metric()).append('\n');
            y.append("validation: {method: holdout, fraction: 0.2}\n");
            y.append("model:\n  family: rnn\n  space:\n");
            y.append("    cell: [lstm, gru]\n");
            y.append("    embedding: {low: 16, high: 64, log: true}\n");
            y.append("    hidden_size: {low: 16, high: 64, log: true}\n");
            y.append("    readout: [max, last]\n");
            y.append("    clip_norm: 1.0\n");
            y.append("    lr: {low: 1.0e-3, high: 3.0e-2, log: true}\n");
            y.append("    batch_size: 32\n");
            y.append("    epochs: 5\n");
            y.append("sampler: {type: tpe, startup_trials: 4}\n");
            y.append("pruner: {type: median, startup_trials: 3, warmup_steps: 1}\n");
        } else {
            y.append("metric: ").append(classification ? metric() : "r2        # or mse, rmse, mae").append('\n');
            if (rows <= 2000) {
                y.append(folds());
            } else {
                y.append("validation: {method: holdout, fraction: 0.2}\n");
            }
            y.append("model:\n  family: mlp\n  space:\n");
            y.append("    layers: {low: 1, high: 3}\n");
            y.append("    units: {low: 16, high: 256, log: true}\n");
            y.append("    activation: [relu, tanh]\n");
            y.append("    dropout: {low: 0.0, high: 0.3}\n");
            y.append("    optimizer: adam\n");
            y.append("    lr: {low: 1.0e-4, high: 3.0e-2, log: true}\n");
            y.append("    l2: {low: 1.0e-6, high: 1.0e-2, log: true}\n");
            y.append("    batch_size: ").append(rows < 1000 ? "[16, 32]" : "[32, 64, 128]").append('\n');
            y.append("    epochs: ").append(rows < 5000 ? 40 : 20).append('\n');
            y.append("sampler: {type: tpe, startup_trials: 10}\n");
            y.append("pruner: {type: median, startup_trials: 5, warmup_steps: 5}\n");
        }
        y.append("budget: {trials: ").append(trials).append("}   # or timeout: 10m for the time-budget mode\n");
        return y.toString();
    }

    /** The rest of a series' draft after its separator and decimal mark: the series keys, metric, validation, an rnn and the budget. */
    private void seriesYaml(StringBuilder y) {
        columns.forEach(c -> y.append("  # ").append(c.shown()).append(": ").append(c.why()).append('\n'));
        y.append("  series: ").append(scalar(label)).append("   # the column of numbers, oldest first\n");
        y.append("  window: ").append(window).append("   # past values each forecast reads (24, or a tenth of the ")
                .append(profile.rows()).append(" rows when fewer); a season's length is a good choice\n");
        y.append("  horizon: 1   # values each forecast looks ahead\n");
        y.append("  # season: 12   # the series' season if it has one (12 months, 7 days): adds the seasonal naive baseline\n");
        y.append("  test_fraction: 0.2   # the last 20% of the forecast values (after the first window), in time order\n");
        y.append("metric: mae   # or rmse, mse, r2; persistence's is printed beside it\n");
        y.append("validation: {method: holdout, fraction: 0.2}   # the last 20% of the training windows, in time order\n");
        y.append("model:\n  family: rnn\n  space:\n");
        y.append("    cell: [lstm, gru]\n");
        y.append("    hidden_size: {low: 8, high: 32, log: true}\n");
        y.append("    readout: last\n");
        y.append("    clip_norm: 1.0\n");
        y.append("    lr: {low: 3.0e-3, high: 3.0e-2, log: true}\n");
        y.append("    batch_size: 16\n");
        y.append("    epochs: 30\n");
        y.append("sampler: {type: tpe, startup_trials: 4}\n");
        y.append("pruner: {type: median, startup_trials: 3, warmup_steps: 10}\n");
        y.append("budget: {trials: ").append(trials).append("}   # or timeout: 10m for the time-budget mode\n");
    }

    /** ": B 357 (95 %), M 20 (5 %)" (the ten largest classes), and a word on classes of one row. */
    private String classesSaid() {
        int kept = classCounts.values().stream().mapToInt(Integer::intValue).sum();
        List<String> said = classCounts.entrySet().stream().limit(10).map(e -> String.format(Locale.ROOT, "%s %d (%s)",
                said(e.getKey()), e.getValue(), percent(e.getValue(), kept))).toList();
        List<String> single = classCounts.entrySet().stream().filter(e -> e.getValue() == 1).map(e -> said(e.getKey())).toList();
        return ": " + String.join(", ", said) + (classCounts.size() > 10 ? ", and " + (classCounts.size() - 10) + " more" : "")
                + (single.isEmpty() ? "" : "; " + String.join(", ", single.stream().limit(5).toList()) + (single.size() == 1
                ? " has a single row" : " have a single row each") + ", too few to learn and test"
                + (column(label).numeric() ? " (a measurement rather than classes? --task regression)" : ""));
    }

    private static final Pattern COMMENT_SAFE = Pattern.compile("[^,\"\\s]+( [^,\"\\s]+)*");

    /** A value as a comment shows it: as written, or double-quoted when a comma, quote or odd space would blur it. */
    static String said(String value) {
        return COMMENT_SAFE.matcher(value).matches() ? value : scalar(value);
    }

    private static String percent(int n, int of) {
        double p = 100.0 * n / of;
        return String.format(Locale.ROOT, p < 1 ? "%.1f %%" : "%.0f %%", p);
    }

    /** accuracy, or balanced_accuracy when the smallest class has under half an even share of the rows. */
    private String metric() {
        int kept = classCounts.values().stream().mapToInt(Integer::intValue).sum();
        int k = classCounts.size();
        Map.Entry<String, Integer> smallest = classCounts.entrySet().stream().reduce((a, b) -> b).orElseThrow();
        if (k >= 2 && smallest.getValue() * 2L * k < kept) {
            return String.format(Locale.ROOT, "balanced_accuracy   # class %s has %d of %d rows (%s), under half of an even"
                    + " 1/%d share: accuracy would reward always answering %s", said(smallest.getKey()), smallest.getValue(), kept,
                    percent(smallest.getValue(), kept), k, said(classCounts.keySet().iterator().next()));
        }
        return "accuracy   # balanced_accuracy or f1_macro when some classes are rare";
    }

    /** k-fold validation for small data: 3 folds, fewer when a class has fewer training rows, holdout below 2. */
    private String folds() {
        if (!classification) {
            return "validation: {method: kfold, folds: 3}   # small data: every row validates once\n";
        }
        Map.Entry<String, Integer> smallest = classCounts.entrySet().stream().reduce((a, b) -> b).orElseThrow();
        // the test split holds out up to ceil(20 %) of a class
        int training = smallest.getValue() - (int) Math.ceil(0.2 * smallest.getValue());
        String why = String.format(Locale.ROOT, "class %s has %d row%s, %d after the test split", said(smallest.getKey()),
                smallest.getValue(), smallest.getValue() == 1 ? "" : "s", training);
        if (training >= 3) {
            return "validation: {method: stratified_kfold, folds: 3}   # small data: every row validates once\n";
        }
        if (training == 2) {
            return "validation: {method: stratified_kfold, folds: 2}   # small data: every row validates once; 2 folds, as " + why
                    + "\n";
        }
        return "validation: {method: holdout, fraction: 0.2}   # " + why + ": too few for stratified folds\n";
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_./][A-Za-z0-9_./-]*");
    private static final Pattern YAML_WORD = Pattern.compile("(?i)true|false|yes|no|on|off|null|y|n");

    /** A YAML scalar: plain when that reads back as the same string, else double-quoted. */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !YAML_WORD.matcher(s).matches()) {
            return s;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\t' -> q.append("\\t");
                case '\n' -> q.append("\\n");
                default -> q.append(ch);
            }
        }
        return q.append('"').toString();
    }

    private static String list(List<String> names) {
        return "[" + String.join(", ", names.stream().map(StudyDraft::scalar).toList()) + "]";
    }
}
