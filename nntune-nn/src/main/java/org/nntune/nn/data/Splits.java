package org.nntune.nn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded, deterministic splits of a data set's rows: train/test, train/validation/test, k-fold,
 * stratified k-fold and repeated k-fold. All results are arrays of row positions sorted
 * ascending, applied to a data set as views ({@link Split#train(Dataset)}).
 *
 * <p><b>Stratified hold-out split</b> ({@link #stratified(int[], double, long)}): one
 * {@link SplittableRandom} seeded with the seed; for each class in id order, the positions of
 * that class (ascending) are shuffled with it (Fisher–Yates, from the last position down). The
 * held-out total is {@code round(fraction × n)} (half up); each class gets
 * {@code floor(fraction × count)} and the rows still owed go, one each, to the classes with the
 * largest remainders {@code fraction × count − floor(…)} (ties: the smaller class id), so the
 * total is exact and every class keeps its share within one row. The first quota positions of a
 * class's shuffle are held out, the rest train. Iris (50 per class) at 20 % gives exactly 10 per class.
 *
 * <p><b>Plain split</b>: the same with all rows as one class. <b>K-fold</b>: the rows shuffled
 * once with the seed and cut into k contiguous folds, the first {@code n mod k} one row larger.
 * <b>Stratified k-fold</b>: each class's shuffled positions are dealt to the folds in turn,
 * continuing from where the previous class stopped, so every fold's class counts differ from
 * another's by at most one and fold sizes by at most one. A class with fewer than k rows is
 * absent from some folds' held-out parts; k above every class's count is refused, as
 * scikit-learn refuses it, and so is a regression set (use k-fold). <b>Repeated k-fold</b>: repeat r uses the seed
 * {@code seed + r × 0x9E3779B97F4A7C15} (the golden-ratio step).
 */
public final class Splits {
    private Splits() {}

    /** The fraction of rows held out by {@link #canonical(Dataset)}. */
    public static final double CANONICAL_TEST_FRACTION = 0.2;
    /** The seed of {@link #canonical(Dataset)}. */
    public static final long CANONICAL_SEED = 42;

    /**
     * The canonical test split used across the project: 20 % held out, seed 42, stratified for
     * classification sets (a plain shuffled split for regression).
     */
    public static Split canonical(Dataset data) {
        return trainTest(data, CANONICAL_TEST_FRACTION, CANONICAL_SEED);
    }

    /** A train/test split holding out {@code testFraction} of the rows: stratified for classification, plain otherwise. */
    public static Split trainTest(Dataset data, double testFraction, long seed) {
        return data.task() == Task.CLASSIFICATION
                ? stratified(data.labels(), testFraction, seed)
                : shuffled(data.size(), testFraction, seed);
    }

    /** A stratified split of rows labelled {@code labels} (class ids ≥ 0), see the class comment. */
    public static Split stratified(int[] labels, double testFraction, long seed) {
        checkFraction("test fraction", testFraction);
        int[][] byClass = shuffledByClass(labels, new SplittableRandom(seed));
        int[] quota = apportion(sizes(byClass), testFraction, labels.length);
        return cut(byClass, quota, labels.length, "test");
    }

    /** A plain (unstratified) shuffled split of {@code n} rows. */
    public static Split shuffled(int n, double testFraction, long seed) {
        return stratified(new int[n], testFraction, seed);
    }

    /** Three disjoint parts: training, validation and test rows. */
    public record ThreeWay(int[] train, int[] validation, int[] test) {}

    /**
     * Train/validation/test: the test part is taken first as in {@link #trainTest}, then the
     * validation part ({@code validationFraction} of all rows) from what is left, with the same
     * rule (stratified for classification) and the next draws of the same random stream.
     */
    public static ThreeWay trainValidationTest(Dataset data, double validationFraction, double testFraction, long seed) {
        checkFraction("validation fraction", validationFraction);
        checkFraction("test fraction", testFraction);
        if (validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation fraction " + validationFraction + " + test fraction " + testFraction
                    + " leave no training rows; expected a sum below 1");
        }
        int n = data.size();
        int[] labels = data.task() == Task.CLASSIFICATION ? data.labels() : new int[n];
        SplittableRandom random = new SplittableRandom(seed);
        int[][] byClass = shuffledByClass(labels, random);
        int[] testQuota = apportion(sizes(byClass), testFraction, n);
        Split first = cut(byClass, testQuota, n, "test");
        // the rest, per class, in the shuffled order after the test rows
        int[][] rest = new int[byClass.length][];
        int[] restSizes = new int[byClass.length];
        for (int c = 0; c < byClass.length; c++) {
            rest[c] = Arrays.copyOfRange(byClass[c], testQuota[c], byClass[c].length);
            restSizes[c] = rest[c].length;
        }
        int[] valQuota = apportion(restSizes, validationFraction * n / first.train().length, first.train().length);
        Split second = cut(rest, valQuota, first.train().length, "validation");
        return new ThreeWay(second.train(), second.test(), first.test());
    }

    /** K-fold over {@code n} rows: the rows shuffled with {@code seed}, then cut into k folds. */
    public static List<Split> kFold(int n, int k, long seed) {
        checkFolds(n, k);
        int[] order = identity(n);
        shuffle(order, new SplittableRandom(seed));
        List<Split> folds = new ArrayList<>(k);
        int start = 0;
        for (int f = 0; f < k; f++) {
            int size = n / k + (f < n % k ? 1 : 0);
            folds.add(foldFrom(order, start, size));
            start += size;
        }
        return folds;
    }

    /** K-fold over a data set's rows (not stratified). */
    public static List<Split> kFold(Dataset data, int k, long seed) {
        return kFold(data.size(), k, seed);
    }

    /** Stratified k-fold over rows labelled {@code labels}, see the class comment. */
    public static List<Split> stratifiedKFold(int[] labels, int k, long seed) {
        int n = labels.length;
        checkFolds(n, k);
        int[][] byClass = shuffledByClass(labels, new SplittableRandom(seed));
        int largest = 0;
        for (int[] members : byClass) {
            largest = Math.max(largest, members.length);
        }
        if (k > largest) {
            // scikit-learn's StratifiedKFold refuses this too: every fold would miss some class in every part
            throw new IllegalArgumentException("stratified k-fold with k = " + k + " needs a class with at least k rows; the largest"
                    + " class has " + largest + " (k cannot be greater than the number of members in each class): use k <= " + largest);
        }
        int[] foldOf = new int[n];
        int next = 0;
        for (int[] members : byClass) {
            for (int row : members) {
                foldOf[row] = next;
                next = (next + 1) % k;
            }
        }
        List<Split> folds = new ArrayList<>(k);
        for (int f = 0; f < k; f++) {
            int testCount = 0;
            for (int v : foldOf) if (v == f) testCount++;
            int[] test = new int[testCount], train = new int[n - testCount];
            int a = 0, b = 0;
            for (int i = 0; i < n; i++) {
                if (foldOf[i] == f) test[a++] = i;
                else train[b++] = i;
            }
            folds.add(new Split(train, test));
        }
        return folds;
    }

    /**
     * Stratified k-fold over a classification set's rows. A regression set has no classes to
     * stratify: it is refused (as scikit-learn's StratifiedKFold refuses continuous targets)
     * rather than split plainly without a word; use {@link #kFold(Dataset, int, long)}.
     */
    public static List<Split> stratifiedKFold(Dataset data, int k, long seed) {
        if (data.task() != Task.CLASSIFICATION) {
            throw new IllegalArgumentException("stratified k-fold keeps each class's share in every fold and needs a classification set;"
                    + " '" + data.name() + "' is a " + data.task().name().toLowerCase() + " set: use k-fold (kFold)");
        }
        return stratifiedKFold(data.labels(), k, seed);
    }

    /**
     * {@code repeats} rounds of k-fold (stratified for classification sets), {@code k × repeats}
     * splits in round order; round r uses the seed {@code seed + r × 0x9E3779B97F4A7C15}.
     */
    public static List<Split> repeatedKFold(Dataset data, int k, int repeats, long seed) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        List<Split> all = new ArrayList<>(k * repeats);
        for (int r = 0; r < repeats; r++) {
            long s = seed + r * 0x9E3779B97F4A7C15L;
            all.addAll(data.task() == Task.CLASSIFICATION ? stratifiedKFold(data.labels(), k, s) : kFold(data.size(), k, s));
        }
        return all;
    }

    // ---- the building blocks

    private static int[][] shuffledByClass(int[] labels, SplittableRandom random) {
        int classes = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is negative; expected class ids >= 0");
            }
            classes = Math.max(classes, labels[i] + 1);
        }
        int[] counts = new int[classes];
        for (int y : labels) counts[y]++;
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) byClass[c] = new int[counts[c]];
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) byClass[labels[i]][fill[labels[i]]++] = i;
        for (int[] members : byClass) shuffle(members, random);
        return byClass;
    }

    /** Fisher–Yates, last position down. */
    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] sizes(int[][] byClass) {
        int[] s = new int[byClass.length];
        for (int c = 0; c < s.length; c++) s[c] = byClass[c].length;
        return s;
    }

    /** Per-class quotas of {@code fraction}: floors plus largest remainders, summing to round(fraction × n). */
    static int[] apportion(int[] counts, double fraction, int n) {
        int target = (int) Math.floor(fraction * n + 0.5);
        int[] quota = new int[counts.length];
        double[] remainder = new double[counts.length];
        int sum = 0;
        for (int c = 0; c < counts.length; c++) {
            double exact = fraction * counts[c];
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            sum += quota[c];
        }
        while (sum < target) {
            int best = -1;
            for (int c = 0; c < counts.length; c++) {
                if (quota[c] < counts[c] && (best < 0 || remainder[c] > remainder[best])) best = c;
            }
            quota[best]++;
            remainder[best] = -1;
            sum++;
        }
        return quota;
    }

    private static Split cut(int[][] byClass, int[] quota, int n, String part) {
        int held = 0;
        for (int q : quota) held += q;
        if (held == 0 || held == n) {
            throw new IllegalArgumentException("the " + part + " part of " + n + " rows would have " + held
                    + " rows; expected a fraction that leaves both parts non-empty");
        }
        int[] test = new int[held], train = new int[n - held];
        int a = 0, b = 0;
        for (int c = 0; c < byClass.length; c++) {
            for (int i = 0; i < byClass[c].length; i++) {
                if (i < quota[c]) test[a++] = byClass[c][i];
                else train[b++] = byClass[c][i];
            }
        }
        Arrays.sort(test);
        Arrays.sort(train);
        return new Split(train, test);
    }

    private static Split foldFrom(int[] order, int start, int size) {
        int[] test = Arrays.copyOfRange(order, start, start + size);
        int[] train = new int[order.length - size];
        System.arraycopy(order, 0, train, 0, start);
        System.arraycopy(order, start + size, train, start, order.length - start - size);
        Arrays.sort(test);
        Arrays.sort(train);
        return new Split(train, test);
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    private static void checkFraction(String what, double f) {
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException(what + " must be in (0, 1), got " + f);
        }
    }

    private static void checkFolds(int n, int k) {
        if (k < 2) {
            throw new IllegalArgumentException("k-fold needs k >= 2 folds, got " + k);
        }
        if (k > n) {
            throw new IllegalArgumentException("k-fold with k = " + k + " needs at least k rows; the data has " + n);
        }
    }
}
