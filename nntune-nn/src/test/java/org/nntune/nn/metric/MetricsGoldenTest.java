package org.nntune.nn.metric;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The macro averages against scikit-learn's ({@code average='macro'}, over the labels present in
 * the truth or the predictions): the cases and values in golden/macro_metrics.txt come from
 * nntune-bench/scripts/metrics_golden.py. Each case has class ids that occur in neither.
 */
class MetricsGoldenTest {

    @Test
    void macroAveragesMatchScikitLearnOverThePresentLabels() throws IOException {
        int cases = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                MetricsGoldenTest.class.getResourceAsStream("/golden/macro_metrics.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" ");
                int k = Integer.parseInt(f[0]);
                int[] truth = Arrays.stream(f[1].split(",")).mapToInt(Integer::parseInt).toArray();
                int[] pred = Arrays.stream(f[2].split(",")).mapToInt(Integer::parseInt).toArray();
                assertThat(Metrics.macroPrecision(truth, pred, k)).as("precision, %s", line).isCloseTo(Double.parseDouble(f[3]), within(1e-12));
                assertThat(Metrics.macroRecall(truth, pred, k)).as("recall, %s", line).isCloseTo(Double.parseDouble(f[4]), within(1e-12));
                assertThat(Metrics.macroF1(truth, pred, k)).as("f1, %s", line).isCloseTo(Double.parseDouble(f[5]), within(1e-12));
                cases++;
            }
        }
        assertThat(cases).isEqualTo(9);
    }

    @Test
    void theTestersCases() {
        // sklearn.metrics.f1_score([0,0,1,1], [0,0,1,1], average='macro') == 1.0; with [0,0,0,0]: 0.3333…
        assertThat(Metrics.macroF1(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1}, 3)).isEqualTo(1.0);
        assertThat(Metrics.macroF1(new int[] {0, 0, 1, 1}, new int[] {0, 0, 0, 0}, 3)).isCloseTo(1 / 3.0, within(1e-12));
    }
}
