package org.nntune.nn.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetsTest {

    static int[] classCounts(Dataset d) {
        int[] counts = new int[d.classCount()];
        for (int y : d.labels()) counts[y]++;
        return counts;
    }

    @Test
    void iris() {
        Dataset iris = Datasets.iris();
        assertThat(iris.name()).isEqualTo("iris");
        assertThat(iris.size()).isEqualTo(150);
        assertThat(iris.featureShape()).containsExactly(4);
        assertThat(iris.featureNames()).containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
        assertThat(iris.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(classCounts(iris)).containsExactly(50, 50, 50);
        // first and last rows of the file
        assertThat(new float[] {iris.feature(0, 0), iris.feature(0, 1), iris.feature(0, 2), iris.feature(0, 3)})
                .containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
        assertThat(iris.label(0)).isEqualTo(0);
        assertThat(iris.feature(149, 2)).isEqualTo(5.1f);
        assertThat(iris.label(149)).isEqualTo(2);
        assertThat(Datasets.byName("iris").fingerprint()).isEqualTo(iris.fingerprint());
    }

    @Test
    void digits() {
        Dataset digits = Datasets.digits();
        assertThat(digits.size()).isEqualTo(1797);
        assertThat(digits.featureShape()).containsExactly(64);
        assertThat(digits.featureNames()).hasSize(64).startsWith("pixel_0_0").endsWith("pixel_7_7");
        assertThat(digits.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(classCounts(digits)).containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        float[] x = digits.features();
        for (float v : x) assertThat(v).isBetween(0f, 16f);
        // first row of the file: 0,0,5,13,9,1,0,0,... label 0
        assertThat(digits.feature(0, 2)).isEqualTo(5f);
        assertThat(digits.feature(0, 3)).isEqualTo(13f);
        assertThat(digits.label(0)).isEqualTo(0);
        assertThat(digits.label(1)).isEqualTo(1);

        Dataset images = Datasets.digitsImages();
        assertThat(images.featureShape()).containsExactly(1, 8, 8);
        assertThat(images.features()).isEqualTo(x);
        assertThat(Datasets.byName("digits").fingerprint()).isEqualTo(digits.fingerprint());
    }

    @Test
    void unknownName() {
        assertThatThrownBy(() -> Datasets.byName("mnist")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mnist'").hasMessageContaining("[iris, digits]");
    }

    @Test
    void canonicalSplitsAreStratified() {
        Dataset iris = Datasets.iris();
        Split s = Splits.canonical(iris);
        assertThat(s.test()).hasSize(30);
        assertThat(classCounts(s.test(iris))).containsExactly(10, 10, 10);
        assertThat(classCounts(s.train(iris))).containsExactly(40, 40, 40);

        Dataset digits = Datasets.digits();
        Split d = Splits.canonical(digits);
        assertThat(d.test()).hasSize(359); // round(0.2 × 1797)
        int[] all = classCounts(digits), test = classCounts(d.test(digits));
        for (int c = 0; c < 10; c++) {
            assertThat((double) test[c]).isCloseTo(0.2 * all[c], org.assertj.core.data.Offset.offset(1.0));
        }
        assertThat(Splits.canonical(digits).test()).isEqualTo(d.test()); // deterministic
    }
}
