package org.nntune.nn.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetTest {

    private static Dataset small() {
        float[] x = {0, 1, 10, 11, 20, 21, 30, 31};
        return Dataset.classification("small", x, new int[] {2}, new int[] {0, 1, 0, 1},
                List.of("a", "b"), List.of("no", "yes"));
    }

    /** Rows of doubles or floats in memory, flattened row by row, the same set as the flat factory's. */
    @Test
    void setsFromRowsInMemoryEqualTheFlatOnes() {
        double[][] x = {{0, 1}, {10, 11}, {20, 21}, {30, 31}};
        Dataset fromDoubles = Dataset.classification("small", x, new int[] {0, 1, 0, 1}, List.of("no", "yes"));
        Dataset fromFloats = Dataset.classification("small", new float[][] {{0, 1}, {10, 11}, {20, 21}, {30, 31}},
                new int[] {0, 1, 0, 1}, List.of("no", "yes"));
        Dataset flat = Dataset.classification("small", new float[] {0, 1, 10, 11, 20, 21, 30, 31}, new int[] {2},
                new int[] {0, 1, 0, 1}, List.of(), List.of("no", "yes"));
        for (Dataset d : List.of(fromDoubles, fromFloats)) {
            assertThat(d.task()).isEqualTo(Task.CLASSIFICATION);
            assertThat(d.featureShape()).containsExactly(2);
            assertThat(d.classNames()).containsExactly("no", "yes");
            assertThat(d.fingerprint()).isEqualTo(flat.fingerprint());
        }
        x[1][0] = 99; // copied: the caller's rows stay the caller's
        assertThat(fromDoubles.feature(1, 0)).isEqualTo(10f);

        Dataset r = Dataset.regression("r", new double[][] {{1, 2, 3}, {4, 5, 6}}, new double[] {0.5, -1.5});
        Dataset rf = Dataset.regression("r", new float[][] {{1, 2, 3}, {4, 5, 6}}, new float[] {0.5f, -1.5f});
        Dataset rflat = Dataset.regression("r", new float[] {1, 2, 3, 4, 5, 6}, new int[] {3}, new float[] {0.5f, -1.5f}, 1, List.of());
        assertThat(r.task()).isEqualTo(Task.REGRESSION);
        assertThat(r.targetDim()).isEqualTo(1);
        assertThat(r.fingerprint()).isEqualTo(rflat.fingerprint());
        assertThat(rf.fingerprint()).isEqualTo(rflat.fingerprint());
    }

    @Test
    void rowsInMemoryThatAreNotATableAreRefusedWithTheRow() {
        List<String> classes = List.of("no", "yes");
        assertThatThrownBy(() -> Dataset.classification("d", new double[0][], new int[0], classes))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("data set 'd': x has no rows; give at least one row of features");
        assertThatThrownBy(() -> Dataset.classification("d", new double[][] {{1, 2}, {3}}, new int[] {0, 1}, classes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data set 'd': row 1 of x has 1 features but row 0 has 2; every row needs the same number");
        assertThatThrownBy(() -> Dataset.classification("d", new float[][] {{1, 2}, null}, new int[] {0, 1}, classes))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("data set 'd': row 1 of x is null");
        assertThatThrownBy(() -> Dataset.classification("d", new double[][] {{}, {}}, new int[] {0, 1}, classes))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("data set 'd': row 0 of x has no features");
        assertThatThrownBy(() -> Dataset.classification("d", new double[][] {{1}, {2}}, new int[] {0}, classes))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("data set 'd': 2 rows of features but 1 labels");
        assertThatThrownBy(() -> Dataset.classification("d", new double[][] {{1}, {2}}, new int[] {0, 2}, classes))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 2 of row 1 is outside [0, 2)");
        assertThatThrownBy(() -> Dataset.regression("d", new double[][] {{1}, {2}}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 rows need 2 × 1 targets, got 1");
    }

    @Test
    void viewsShareStorageAndCompose() {
        Dataset d = small();
        Dataset v = d.subset(new int[] {3, 1, 2});
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.feature(0, 1)).isEqualTo(31f);
        assertThat(v.labels()).containsExactly(1, 1, 0);
        Dataset vv = v.subset(new int[] {2, 0});
        assertThat(vv.features()).containsExactly(20f, 21f, 30f, 31f);
        assertThat(vv.labels()).containsExactly(0, 1);
    }

    @Test
    void gatherFillsABatchWithoutAllocating() {
        Dataset d = small();
        float[] xb = new float[4];
        int[] yb = new int[2];
        d.gather(new int[] {2, 3, 0, 1}, 1, 2, xb, yb, null);
        assertThat(xb).containsExactly(30f, 31f, 0f, 1f);
        assertThat(yb).containsExactly(1, 0);
    }

    @Test
    void fingerprintFollowsContentNotStorage() {
        Dataset d = small();
        Dataset copy = Dataset.classification("small", d.features(), new int[] {2}, d.labels(),
                List.of("a", "b"), List.of("no", "yes"));
        assertThat(copy.fingerprint()).isEqualTo(d.fingerprint()).hasSize(64);
        assertThat(d.subset(new int[] {0, 1, 2, 3}).fingerprint()).isEqualTo(d.fingerprint());
        assertThat(d.subset(new int[] {1, 0, 2, 3}).fingerprint()).isNotEqualTo(d.fingerprint());
        float[] changed = d.features();
        changed[5] = 21.5f;
        assertThat(d.withFeatures(changed).fingerprint()).isNotEqualTo(d.fingerprint());
    }

    @Test
    void regressionTargets() {
        Dataset r = Dataset.regression("r", new float[] {1, 2, 3}, new int[] {1}, new float[] {0.5f, 1.5f, 2.5f}, 1, List.of());
        assertThat(r.subset(new int[] {2}).target(0, 0)).isEqualTo(2.5f);
        assertThatThrownBy(r::labels).isInstanceOf(IllegalStateException.class).hasMessageContaining("regression");
    }

    @Test
    void badConstructionIsExplained() {
        assertThatThrownBy(() -> Dataset.classification("d", new float[3], new int[] {2}, new int[] {0}, List.of(), List.of("a", "b")))
                .hasMessageContaining("not a whole number of rows");
        assertThatThrownBy(() -> Dataset.classification("d", new float[2], new int[] {2}, new int[] {2}, List.of(), List.of("a", "b")))
                .hasMessageContaining("label 2 of row 0");
        assertThatThrownBy(() -> Dataset.classification("d", new float[2], new int[] {2}, new int[] {0}, List.of(), List.of("a")))
                .hasMessageContaining("at least 2 classes");
        assertThatThrownBy(() -> small().feature(4, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
