package org.nntune.nn.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatcherTest {

    static Dataset rows(int n) {
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i % 3;
        }
        return Dataset.classification("rows", x, new int[] {2}, y, List.of(), List.of("a", "b", "c"));
    }

    static List<Integer> epoch(Batcher b, int e, List<Integer> sizes) {
        b.startEpoch(e);
        List<Integer> seen = new ArrayList<>();
        for (int n; (n = b.nextBatch()) > 0; ) {
            sizes.add(n);
            for (int r = 0; r < n; r++) {
                int row = (int) b.features()[2 * r];
                assertThat(b.features()[2 * r + 1]).isEqualTo(-row);
                assertThat(b.labels()[r]).isEqualTo(row % 3);
                seen.add(row);
            }
        }
        return seen;
    }

    @Test
    void everyRowOncePerEpochWithThePartialLastBatchKept() {
        Batcher b = new Batcher(rows(10), 4, 99, true);
        float[] buffer = b.features();
        List<Integer> sizes = new ArrayList<>();
        List<Integer> e0 = epoch(b, 0, sizes);
        assertThat(sizes).containsExactly(4, 4, 2);
        assertThat(b.batchesPerEpoch()).isEqualTo(3);
        assertThat(e0).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(b.features()).isSameAs(buffer);
        List<Integer> e1 = epoch(b, 1, new ArrayList<>());
        assertThat(e1).containsExactlyInAnyOrderElementsOf(e0).isNotEqualTo(e0);
        // the order of an epoch depends only on seed and epoch number
        Batcher fresh = new Batcher(rows(10), 4, 99, true);
        assertThat(epoch(fresh, 1, new ArrayList<>())).isEqualTo(e1);
        assertThat(epoch(fresh, 0, new ArrayList<>())).isEqualTo(e0);
    }

    @Test
    void viewsAndNoShuffle() {
        Dataset view = rows(10).subset(new int[] {9, 3, 5});
        Batcher b = new Batcher(view, 2, 1, false);
        assertThat(epoch(b, 0, new ArrayList<>())).containsExactly(9, 3, 5);
        assertThat(b.epochOrder()).containsExactly(0, 1, 2);
    }

    @Test
    void regressionTargets() {
        Dataset reg = Dataset.regression("r", new float[] {1, 2, 3}, new int[] {1}, new float[] {10, 20, 30}, 1, List.of());
        Batcher b = new Batcher(reg, 8, 5, true);
        assertThat(b.batchSize()).isEqualTo(3);
        b.startEpoch(0);
        assertThat(b.nextBatch()).isEqualTo(3);
        for (int r = 0; r < 3; r++) assertThat(b.targets()[r]).isEqualTo(b.features()[r] * 10);
        assertThat(b.nextBatch()).isZero();
        assertThat(Arrays.stream(b.epochOrder()).sorted().toArray()).containsExactly(0, 1, 2);
    }

    @Test
    void misuse() {
        assertThatThrownBy(() -> new Batcher(rows(3), 0, 1, true)).hasMessageContaining("batch size");
        Batcher b = new Batcher(rows(3), 2, 1, true);
        assertThatThrownBy(b::nextBatch).isInstanceOf(IllegalStateException.class).hasMessageContaining("startEpoch");
    }
}
