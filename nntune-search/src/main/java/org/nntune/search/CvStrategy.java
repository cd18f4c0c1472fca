package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;

import java.util.List;

/**
 * How a search splits its training rows into fit and held-out parts: a hold-out split, k-fold,
 * stratified k-fold (classification sets only), a hold-out in time order (series), or
 * splits given by the caller. The splits are drawn once per search from the search seed (the data
 * package's seeded {@link Splits}), so every candidate is scored on the same folds.
 */
public sealed interface CvStrategy {

    /** The splits of {@code data}'s rows (positions in {@code data}). */
    List<Split> splits(Dataset data, long seed);

    /** A short description, e.g. {@code "stratified 5-fold"}. */
    String describe();

    /** One split holding out {@code fraction} of the rows (stratified for classification). */
    record Holdout(double fraction) implements CvStrategy {
        /** @throws IllegalArgumentException if fraction is outside (0, 1) */
        public Holdout {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("hold-out fraction must be in (0, 1), got " + fraction);
            }
        }

        @Override
        public List<Split> splits(Dataset data, long seed) {
            return List.of(Splits.trainTest(data, fraction, seed));
        }

        @Override
        public String describe() {
            return "hold-out " + fraction;
        }
    }

    /**
     * One split in row order, for rows that follow each other in time (forecasting windows): the
     * last {@code fraction} of the rows are held out, and the {@code gap} rows before them are
     * left out of both parts, so that no training row's targets reach into the held-out rows'
     * targets (windows with a horizon of h need a gap of h - 1). Nothing is shuffled.
     */
    record TimeOrderHoldout(double fraction, int gap) implements CvStrategy {
        /** @throws IllegalArgumentException if fraction is outside (0, 1) or gap is below 0 */
        public TimeOrderHoldout {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("hold-out fraction must be in (0, 1), got " + fraction);
            }
            if (gap < 0) {
                throw new IllegalArgumentException("gap must be >= 0, got " + gap);
            }
        }

        @Override
        public List<Split> splits(Dataset data, long seed) {
            int n = data.size();
            int held = (int) Math.round(n * fraction);
            int fit = n - held - gap;
            if (held < 1 || fit < 1) {
                throw new IllegalArgumentException("holding out the last " + fraction + " of " + n + " rows in time order"
                        + (gap > 0 ? " after a gap of " + gap : "") + " leaves " + Math.max(fit, 0) + " to fit and " + held
                        + " held out; both need at least one");
            }
            int[] train = new int[fit];
            for (int i = 0; i < fit; i++) {
                train[i] = i;
            }
            int[] test = new int[held];
            for (int i = 0; i < held; i++) {
                test[i] = n - held + i;
            }
            return List.of(new Split(train, test));
        }

        @Override
        public String describe() {
            return "hold-out " + fraction + " in time order" + (gap > 0 ? " (gap " + gap + ")" : "");
        }
    }

    /** K folds of shuffled rows. */
    record KFold(int k) implements CvStrategy {
        /** @throws IllegalArgumentException if k is below 2 */
        public KFold {
            checkK(k);
        }

        @Override
        public List<Split> splits(Dataset data, long seed) {
            return Splits.kFold(data, k, seed);
        }

        @Override
        public String describe() {
            return k + "-fold";
        }
    }

    /**
     * K folds keeping each class's share. Refused for a regression set (use {@link KFold}) and when
     * k exceeds the rows of every class, as scikit-learn's StratifiedKFold refuses both.
     */
    record StratifiedKFold(int k) implements CvStrategy {
        /** @throws IllegalArgumentException if k is below 2 (a regression set is refused by {@link #splits}) */
        public StratifiedKFold {
            checkK(k);
        }

        @Override
        public List<Split> splits(Dataset data, long seed) {
            if (data.task() != org.nntune.nn.data.Task.CLASSIFICATION) {
                throw new IllegalArgumentException("cv stratified " + k + "-fold keeps each class's share and needs a classification set; '"
                        + data.name() + "' is a " + data.task().name().toLowerCase() + " set: use CvStrategy.kFold(" + k + ")");
            }
            return Splits.stratifiedKFold(data, k, seed);
        }

        @Override
        public String describe() {
            return "stratified " + k + "-fold";
        }
    }

    /**
     * Splits given by the caller (e.g. read from a file, or a fixed validation part); each split's
     * parts are disjoint ({@link Split} refuses a shared row), and every row must be in the data.
     */
    record Predefined(List<Split> given) implements CvStrategy {
        /**
         * Keeps an unmodifiable copy of the splits; each is checked against the data by {@link #splits}.
         *
         * @throws IllegalArgumentException if there is no split
         */
        public Predefined {
            if (given.isEmpty()) {
                throw new IllegalArgumentException("predefined splits: at least one split is needed");
            }
            given = List.copyOf(given);
        }

        @Override
        public List<Split> splits(Dataset data, long seed) {
            for (int s = 0; s < given.size(); s++) {
                Split split = given.get(s);
                if (split.train().length == 0 || split.test().length == 0) {
                    throw new IllegalArgumentException("predefined split " + s + " has an empty part");
                }
                for (int[] part : new int[][] {split.train(), split.test()}) {
                    for (int r : part) {
                        if (r < 0 || r >= data.size()) {
                            throw new IllegalArgumentException("predefined split " + s + " names row " + r + " of data set '"
                                    + data.name() + "' which has " + data.size() + " rows");
                        }
                    }
                }
            }
            return given;
        }

        @Override
        public String describe() {
            return given.size() + " predefined split(s)";
        }
    }

    /**
     * One split holding out {@code fraction} (in (0, 1), e.g. 0.2) of the rows, drawn with the
     * search seed, stratified by class for a classification set: each candidate trains once.
     */
    static CvStrategy holdout(double fraction) {
        return new Holdout(fraction);
    }

    /**
     * K folds (k ≥ 2, at most the number of rows) of the rows shuffled with the search seed, for
     * any set: each candidate trains k times, each time scored on the fold it did not see.
     */
    static CvStrategy kFold(int k) {
        return new KFold(k);
    }

    /**
     * K folds (k ≥ 2) that keep each class's share of the rows, as scikit-learn's StratifiedKFold
     * (its {@code cv=k} for classifiers). Classification sets only: use {@link #kFold} for regression;
     * k above every class's row count is refused.
     */
    static CvStrategy stratifiedKFold(int k) {
        return new StratifiedKFold(k);
    }

    /**
     * The caller's splits (at least one), row positions in the data given to the search: e.g. a
     * fixed validation part, or folds read from a file. A row may not be in both parts of a split.
     */
    static CvStrategy predefined(List<Split> splits) {
        return new Predefined(splits);
    }

    /**
     * The declarative form: an integer k (stratified k-fold, as scikit-learn's {@code cv=k} for
     * classifiers), {@code "kfold:K"}, {@code "stratified:K"} or {@code "holdout:F"}.
     */
    static CvStrategy parse(Object spec) {
        if (spec instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return stratifiedKFold(n.intValue());
        }
        String s = String.valueOf(spec).trim();
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? "" : s.substring(colon + 1).trim();
        try {
            return switch (kind) {
                case "kfold" -> kFold(Integer.parseInt(arg));
                case "stratified" -> stratifiedKFold(Integer.parseInt(arg));
                case "holdout" -> holdout(Double.parseDouble(arg));
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cv '" + spec + "': " + e.getMessage()
                    + "; expected an integer k, kfold:K, stratified:K or holdout:FRACTION", e);
        }
    }

    private static void checkK(int k) {
        if (k < 2) {
            throw new IllegalArgumentException("k-fold needs k >= 2, got " + k);
        }
    }
}
