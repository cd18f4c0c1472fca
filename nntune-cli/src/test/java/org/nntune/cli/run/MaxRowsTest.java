package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code data.max_rows}: a sample that keeps the classes of a file sorted by class, the same on every run. */
class MaxRowsTest {

    private static int[] classCounts(Dataset d) {
        int[] counts = new int[d.classCount()];
        Arrays.stream(d.labels()).forEach(l -> counts[l]++);
        return counts;
    }

    @Test
    void aFileSortedByClassKeepsEveryClass() {
        Dataset iris = Datasets.iris(); // sorted by class: 50 setosa, then 50 versicolor, then 50 virginica
        Split split = Splits.canonical(iris);
        StudyData all = new StudyData(split.train(iris), Optional.of(iris.subset(split.test())), Optional.empty(), "bundled iris");
        StudyData few = all.limit(30, false);
        assertThat(few.train().size()).isEqualTo(30);
        assertThat(few.test().orElseThrow().size()).isEqualTo(30);
        // the first 30 rows were all setosa
        assertThat(classCounts(few.train())).containsExactly(10, 10, 10);
        assertThat(classCounts(few.test().orElseThrow())).containsExactly(10, 10, 10);
        assertThat(few.description()).isEqualTo("bundled iris, a stratified sample of 30 rows of each part (data.max_rows)");
        // the same rows every time (a resume checks the data's fingerprint)
        assertThat(all.limit(30, false).train().fingerprint()).isEqualTo(few.train().fingerprint());
        // fewer rows than the limit: the part as it is, and no note
        assertThat(all.limit(500, false)).isEqualTo(all);
    }

    @Test
    void aSeriesKeepsItsFirstWindowsInTimeOrder() {
        Dataset iris = Datasets.iris();
        Dataset rows = iris.subset(IntStream.range(0, 100).toArray());
        StudyData few = new StudyData(rows, Optional.empty(), Optional.empty(), "series").limit(20, true);
        assertThat(few.train().fingerprint()).isEqualTo(iris.subset(IntStream.range(0, 20).toArray()).fingerprint());
        assertThat(few.description()).isEqualTo("series, first 20 windows of each part (data.max_rows)");
    }
}
