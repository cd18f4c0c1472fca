package org.nntune.nn.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitsTest {

    static int[] randomLabels(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
        return y;
    }

    static void assertPartition(Split s, int n) {
        BitSet seen = new BitSet();
        for (int i : s.train()) {
            assertThat(seen.get(i)).isFalse();
            seen.set(i);
        }
        for (int i : s.test()) {
            assertThat(seen.get(i)).as("row %d in both parts", i).isFalse();
            seen.set(i);
        }
        assertThat(seen.cardinality()).isEqualTo(n);
        assertThat(s.train()).isSorted();
        assertThat(s.test()).isSorted();
    }

    static int[] counts(int[] labels, int[] rows, int classes) {
        int[] c = new int[classes];
        for (int r : rows) c[labels[r]]++;
        return c;
    }

    @Property(tries = 60)
    void stratifiedSplitKeepsClassRatiosAndExactTotal(@ForAll @IntRange(min = 10, max = 400) int n,
                                                      @ForAll @IntRange(min = 2, max = 6) int classes,
                                                      @ForAll @IntRange(min = 5, max = 50) int percent,
                                                      @ForAll @LongRange(min = 0, max = 1000) long seed) {
        int[] y = randomLabels(n, classes, seed);
        double f = percent / 100.0;
        int expected = (int) Math.floor(f * n + 0.5);
        if (expected == 0 || expected == n) return;
        Split s = Splits.stratified(y, f, seed);
        assertPartition(s, n);
        assertThat(s.test()).hasSize(expected);
        int[] all = counts(y, Splits.identity(n), classes), test = counts(y, s.test(), classes);
        for (int c = 0; c < classes; c++) {
            assertThat(Math.abs(test[c] - f * all[c])).isLessThan(1.0 + 1e-9);
        }
        assertThat(Splits.stratified(y, f, seed)).isEqualTo(s);
    }

    @Property(tries = 40)
    void stratifiedKFoldPartitionsWithoutLeaks(@ForAll @IntRange(min = 30, max = 300) int n, // some class has >= 10 = max k rows
                                               @ForAll @IntRange(min = 2, max = 10) int k,
                                               @ForAll @LongRange(min = 0, max = 1000) long seed) {
        int[] y = randomLabels(n, 3, seed);
        List<Split> folds = Splits.stratifiedKFold(y, k, seed);
        assertThat(folds).hasSize(k);
        BitSet tested = new BitSet();
        int minSize = Integer.MAX_VALUE, maxSize = 0;
        int[][] perClass = new int[k][];
        for (int f = 0; f < k; f++) {
            Split s = folds.get(f);
            assertPartition(s, n);
            for (int i : s.test()) {
                assertThat(tested.get(i)).as("row %d tested twice", i).isFalse();
                tested.set(i);
            }
            minSize = Math.min(minSize, s.test().length);
            maxSize = Math.max(maxSize, s.test().length);
            perClass[f] = counts(y, s.test(), 3);
        }
        assertThat(tested.cardinality()).isEqualTo(n);
        assertThat(maxSize - minSize).isLessThanOrEqualTo(1);
        for (int c = 0; c < 3; c++) {
            int lo = Integer.MAX_VALUE, hi = 0;
            for (int f = 0; f < k; f++) {
                lo = Math.min(lo, perClass[f][c]);
                hi = Math.max(hi, perClass[f][c]);
            }
            assertThat(hi - lo).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void kFoldPartitionsAndSizes() {
        List<Split> folds = Splits.kFold(23, 5, 7);
        int[] sizes = folds.stream().mapToInt(s -> s.test().length).toArray();
        assertThat(sizes).containsExactly(5, 5, 5, 4, 4);
        BitSet tested = new BitSet();
        for (Split s : folds) {
            assertPartition(s, 23);
            for (int i : s.test()) tested.set(i);
        }
        assertThat(tested.cardinality()).isEqualTo(23);
        assertThat(Splits.kFold(23, 5, 8).get(0).test()).isNotEqualTo(folds.get(0).test());
    }

    @Test
    void repeatedKFoldDiffersBetweenRounds() {
        Dataset iris = Datasets.iris();
        List<Split> all = Splits.repeatedKFold(iris, 5, 3, 1);
        assertThat(all).hasSize(15);
        for (Split s : all) {
            assertPartition(s, 150);
            assertThat(DatasetsTest.classCounts(s.test(iris))).containsExactly(10, 10, 10);
        }
        assertThat(all.get(0).test()).isNotEqualTo(all.get(5).test());
    }

    @Test
    void trainValidationTest() {
        Dataset iris = Datasets.iris();
        Splits.ThreeWay t = Splits.trainValidationTest(iris, 0.2, 0.2, 3);
        assertThat(t.test()).hasSize(30);
        assertThat(t.validation()).hasSize(30);
        assertThat(t.train()).hasSize(90);
        assertThat(DatasetsTest.classCounts(iris.subset(t.validation()))).containsExactly(10, 10, 10);
        BitSet seen = new BitSet();
        for (int[] part : new int[][] {t.train(), t.validation(), t.test()}) {
            for (int i : part) {
                assertThat(seen.get(i)).isFalse();
                seen.set(i);
            }
        }
        assertThat(seen.cardinality()).isEqualTo(150);
    }

    @Test
    void regressionSplitsArePlain() {
        Dataset reg = Dataset.regression("r", new float[10], new int[] {1}, new float[10], 1, List.of());
        Split s = Splits.canonical(reg);
        assertPartition(s, 10);
        assertThat(s.test()).hasSize(2);
        assertThat(Splits.kFold(reg, 5, 1)).hasSize(5);
        assertThat(Splits.repeatedKFold(reg, 5, 2, 1)).hasSize(10);
    }

    @Test
    void stratifiedKFoldRefusesARegressionSetAndMoreFoldsThanAnyClassHasRows() {
        // it fell back to plain k-fold without a word
        Dataset reg = Dataset.regression("r", new float[10], new int[] {1}, new float[10], 1, List.of());
        assertThatThrownBy(() -> Splits.stratifiedKFold(reg, 5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stratified k-fold keeps each class's share in every fold and needs a classification set; 'r' is a"
                        + " regression set: use k-fold (kFold)");
        // scikit-learn: "n_splits=50 cannot be greater than the number of members in each class"
        int[] y = new int[120];
        for (int i = 0; i < 120; i++) {
            y[i] = i % 3;
        }
        assertThatThrownBy(() -> Splits.stratifiedKFold(y, 50, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stratified k-fold with k = 50 needs a class with at least k rows; the largest class has 40"
                        + " (k cannot be greater than the number of members in each class): use k <= 40");
        assertThat(Splits.stratifiedKFold(y, 40, 1)).hasSize(40);
        // as scikit-learn, one class large enough will do (the others miss some folds)
        int[] skewed = {0, 0, 0, 0, 0, 1, 1, 2};
        assertThat(Splits.stratifiedKFold(skewed, 5, 1)).hasSize(5);
    }

    @Test
    void aSplitWhosePartsShareARowIsRefused() {
        assertThatThrownBy(() -> new Split(new int[] {0, 1, 2, 5}, new int[] {3, 5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 5 is in both the training part and the held-out part of a split; the parts must be disjoint,"
                        + " or the row's own score leaks into the evaluation");
        assertThat(new Split(new int[] {0, 2}, new int[] {1}).test()).containsExactly(1);
    }

    @Test
    void badArguments() {
        int[] y = {0, 1, 0, 1};
        assertThatThrownBy(() -> Splits.stratified(y, 1.5, 1)).hasMessageContaining("in (0, 1)");
        assertThatThrownBy(() -> Splits.stratified(y, 0.01, 1)).hasMessageContaining("would have 0 rows");
        assertThatThrownBy(() -> Splits.kFold(3, 5, 1)).hasMessageContaining("at least k rows");
        assertThatThrownBy(() -> Splits.kFold(3, 1, 1)).hasMessageContaining("k >= 2");
        assertThatThrownBy(() -> Splits.trainValidationTest(Datasets.iris(), 0.5, 0.5, 1)).hasMessageContaining("no training rows");
        assertThat(Arrays.stream(Splits.apportion(new int[] {50, 50, 50}, 0.2, 150)).sum()).isEqualTo(30);
        assertThat(Splits.apportion(new int[] {3, 3, 4}, 0.5, 10)).containsExactly(2, 1, 2); // tie on .5: the smaller class id
    }
}
