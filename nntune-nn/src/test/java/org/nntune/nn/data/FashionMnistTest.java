package org.nntune.nn.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Loads the real Fashion-MNIST when it is installed (Debian dataset-fashion-mnist). */
class FashionMnistTest {

    @Test
    void loadsTheInstalledSet() {
        Path dir = Path.of(FashionMnist.DEFAULT_DIR);
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed in " + dir + " (apt-get install dataset-fashion-mnist); skipping");
        TrainTest tt = FashionMnist.load(dir);
        assertThat(tt.train().size()).isEqualTo(60_000);
        assertThat(tt.test().size()).isEqualTo(10_000);
        assertThat(tt.train().featureShape()).containsExactly(1, 28, 28);
        int[] counts = new int[10];
        for (int y : tt.train().labels()) counts[y]++;
        assertThat(counts).containsOnly(6000);
        float max = 0;
        float[] row = new float[784];
        for (int i = 0; i < 100; i++) {
            tt.test().copyFeatures(i, row, 0);
            for (float v : row) {
                assertThat(v).isBetween(0f, 255f).isEqualTo((float) Math.rint(v));
                max = Math.max(max, v);
            }
        }
        assertThat(max).isEqualTo(255f);
        assertThat(tt.test().label(0)).isEqualTo(9); // the first test image is an ankle boot
    }
}
