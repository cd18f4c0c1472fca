package org.nntune.search;

import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A search's results, one row per candidate (trial), like scikit-learn's {@code cv_results_}:
 * the parameters, the score on each split's held-out part, their mean and standard deviation
 * (population, as NumPy's), fit and score times per split with their means and deviations, the
 * rank, the epochs trained, the trial's state and, for a failed one, why.
 *
 * <p>Ranking: COMPLETE candidates by mean score (best first, ties share the smaller rank, as
 * scikit-learn's {@code rankdata(method="min")}); PRUNED and FAIL candidates all get the rank after
 * the last complete one. A PRUNED row's split scores are those of its folds' last reported epoch;
 * a FAIL row has NaN scores.
 */
public final class CvResults {

    /**
     * One candidate.
     *
     * @param candidate   the trial number
     * @param state       COMPLETE, PRUNED or FAIL
     * @param params      the searched parameters (the trial's), in the order asked
     * @param splitScores score on each split's held-out part (NaN where unknown)
     * @param fitTimes    seconds to fit on each split
     * @param scoreTimes  seconds to score each split
     * @param epochs      epochs trained on each split
     * @param rank        1 = best
     * @param failure     why a FAIL trial failed; empty otherwise
     */
    public record Row(int candidate, TrialState state, Map<String, Object> params, double[] splitScores, double[] fitTimes,
                      double[] scoreTimes, int[] epochs, int rank, String failure) {
        /** Keeps copies of the parameters (unmodifiable, in their order) and of the arrays. */
        public Row {
            params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
            splitScores = splitScores.clone();
            fitTimes = fitTimes.clone();
            scoreTimes = scoreTimes.clone();
            epochs = epochs.clone();
        }

        /** The score on each split's held-out part, in split order (a copy; NaN where unknown). */
        @Override
        public double[] splitScores() {
            return splitScores.clone();
        }

        /** Seconds to fit on each split (a copy). */
        @Override
        public double[] fitTimes() {
            return fitTimes.clone();
        }

        /** Seconds to score each split (a copy). */
        @Override
        public double[] scoreTimes() {
            return scoreTimes.clone();
        }

        /** Epochs trained on each split (a copy): fewer than asked when stopped early or pruned. */
        @Override
        public int[] epochs() {
            return epochs.clone();
        }

        /** The mean of the split scores (NaN for a FAIL row): the candidate's score, what the search ranks by. */
        public double meanScore() {
            return mean(splitScores);
        }

        /** The population standard deviation of the split scores (NumPy's {@code std}, as scikit-learn's std_test_score). */
        public double stdScore() {
            return std(splitScores);
        }

        /** Mean seconds to fit on a split. */
        public double meanFitTime() {
            return mean(fitTimes);
        }

        /** Population standard deviation of the fit seconds. */
        public double stdFitTime() {
            return std(fitTimes);
        }

        /** Mean seconds to score a split's held-out rows. */
        public double meanScoreTime() {
            return mean(scoreTimes);
        }

        /** Population standard deviation of the score seconds. */
        public double stdScoreTime() {
            return std(scoreTimes);
        }

        /** The most epochs trained on any split. */
        public int maxEpochs() {
            return Arrays.stream(epochs).max().orElse(0);
        }

        /**
         * The row as its values: {@code Row[candidate 3, COMPLETE, rank 1, params {lr=0.01},
         * split scores [0.95, 0.97, 0.93], mean 0.95 ± 0.0163, epochs [10, 10, 10], fit times [0.2, …] s]},
         * and the failure of a FAIL row.
         */
        @Override
        public String toString() {
            return "Row[candidate " + candidate + ", " + state + ", rank " + rank + ", params " + params
                    + ", split scores " + Arrays.toString(splitScores)
                    + String.format(Locale.ROOT, ", mean %.4g ± %.4g", meanScore(), stdScore())
                    + ", epochs " + Arrays.toString(epochs) + ", fit times " + Arrays.toString(fitTimes) + " s"
                    + ", score times " + Arrays.toString(scoreTimes) + " s" + (failure.isEmpty() ? "" : ", failure: " + failure) + "]";
        }

        Row withRank(int r) {
            return new Row(candidate, state, params, splitScores, fitTimes, scoreTimes, epochs, r, failure);
        }
    }

    private final String scoring;
    private final boolean greaterIsBetter;
    private final int splits;
    private final List<Row> rows;

    CvResults(String scoring, boolean greaterIsBetter, int splits, List<Row> unranked) {
        this.scoring = scoring;
        this.greaterIsBetter = greaterIsBetter;
        this.splits = splits;
        this.rows = List.copyOf(rank(unranked, greaterIsBetter));
    }

    private static List<Row> rank(List<Row> in, boolean greaterIsBetter) {
        List<Row> sorted = new ArrayList<>(in);
        sorted.sort(Comparator.comparingInt(Row::candidate));
        List<Row> complete = new ArrayList<>();
        for (Row r : sorted) {
            if (r.state() == TrialState.COMPLETE) {
                complete.add(r);
            }
        }
        Comparator<Row> byScore = Comparator.comparingDouble(Row::meanScore);
        complete.sort(greaterIsBetter ? byScore.reversed() : byScore);
        Map<Integer, Integer> rankOf = new java.util.HashMap<>();
        for (int i = 0; i < complete.size(); i++) {
            boolean tie = i > 0 && complete.get(i).meanScore() == complete.get(i - 1).meanScore();
            rankOf.put(complete.get(i).candidate(), tie ? rankOf.get(complete.get(i - 1).candidate()) : i + 1);
        }
        List<Row> out = new ArrayList<>(sorted.size());
        for (Row r : sorted) {
            out.add(r.withRank(rankOf.getOrDefault(r.candidate(), complete.size() + 1)));
        }
        return out;
    }

    /** The rows, by candidate number. */
    public List<Row> rows() {
        return rows;
    }

    /** The scorer's name. */
    public String scoring() {
        return scoring;
    }

    /** Whether greater scores are better. */
    public boolean greaterIsBetter() {
        return greaterIsBetter;
    }

    /** Number of splits each candidate is scored on. */
    public int splits() {
        return splits;
    }

    /** The rank-1 complete row (the first by candidate number when several share it), if any. */
    public Optional<Row> best() {
        return rows.stream().filter(r -> r.state() == TrialState.COMPLETE && r.rank() == 1).findFirst();
    }

    /** The row of a candidate. */
    public Row row(int candidate) {
        return rows.stream().filter(r -> r.candidate() == candidate).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no candidate " + candidate + " in the results"));
    }

    /**
     * The table as CSV (RFC 4180 quoting), scikit-learn's column names: mean_fit_time,
     * std_fit_time, mean_score_time, std_score_time, param_NAME…, params (JSON-like),
     * split0_test_score…, mean_test_score, std_test_score, rank_test_score, then state, epochs
     * (max over splits) and failure.
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        try {
            writeCsv(sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to a file, replacing it atomically (never half written). */
    public void writeCsv(Path file) throws IOException {
        org.nntune.nn.model.AtomicFile.write(file, toCsv().getBytes(StandardCharsets.UTF_8));
    }

    private void writeCsv(Appendable out) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Row r : rows) {
            names.addAll(r.params().keySet());
        }
        List<String> header = new ArrayList<>(List.of("candidate", "mean_fit_time", "std_fit_time", "mean_score_time",
                "std_score_time"));
        for (String n : names) {
            header.add("param_" + n);
        }
        header.add("params");
        for (int s = 0; s < splits; s++) {
            header.add("split" + s + "_test_score");
        }
        header.addAll(List.of("mean_test_score", "std_test_score", "rank_test_score", "state", "epochs", "failure"));
        line(out, header);
        for (Row r : rows) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString(r.candidate()));
            cells.add(num(r.meanFitTime()));
            cells.add(num(r.stdFitTime()));
            cells.add(num(r.meanScoreTime()));
            cells.add(num(r.stdScoreTime()));
            for (String n : names) {
                Object v = r.params().get(n);
                cells.add(v == null ? "" : String.valueOf(v));
            }
            cells.add(paramsText(r.params()));
            for (int s = 0; s < splits; s++) {
                cells.add(s < r.splitScores.length ? num(r.splitScores[s]) : "");
            }
            cells.add(num(r.meanScore()));
            cells.add(num(r.stdScore()));
            cells.add(Integer.toString(r.rank()));
            cells.add(r.state().name());
            cells.add(Integer.toString(r.maxEpochs()));
            cells.add(r.failure());
            line(out, cells);
        }
    }

    static String paramsText(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder("{");
        params.forEach((k, v) -> {
            sb.append(sb.length() == 1 ? "" : ", ").append('"').append(k).append("\": ");
            sb.append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
        });
        return sb.append('}').toString();
    }

    private static void line(Appendable out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String c = cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0) {
                out.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                out.append(c);
            }
        }
        out.append('\n');
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    static double mean(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double std(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }
}
