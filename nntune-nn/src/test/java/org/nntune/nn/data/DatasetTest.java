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
