package org.nntune.nn.optim;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The schedules' rates, batch by batch, against PyTorch's schedulers: StepLR and ExponentialLR
 * stepped per epoch, CosineAnnealingLR with an eta_min stepped per batch, and a LinearLR warm-up
 * chained to them by SequentialLR. The cases and rates in golden/lr_schedules.txt come from
 * nntune-bench/scripts/lr_schedule_golden.py (torch 1.13), which says what each spec stands for.
 */
class ScheduleGoldenTest {

    @Test
    void ratesMatchPyTorchsSchedulersBatchByBatch() throws IOException {
        int cases = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                ScheduleGoldenTest.class.getResourceAsStream("/golden/lr_schedules.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" ");
                float base = Float.parseFloat(f[1]);
                int epochs = Integer.parseInt(f[2]);
                int batches = Integer.parseInt(f[3]);
                double[] expected = Arrays.stream(f[4].split(",")).mapToDouble(Double::parseDouble).toArray();
                assertThat(expected).hasSize(epochs * batches);
                LearningRateSchedule.Scheduler s = schedule(f[0]).start(base, epochs, batches);
                for (int e = 0; e < epochs; e++) {
                    for (int b = 0; b < batches; b++) {
                        double want = expected[e * batches + b];
                        assertThat((double) s.rate(e, b)).as("%s, epoch %d batch %d", f[0], e, b)
                                .isCloseTo(want, within(1e-6 * Math.max(want, 1e-3)));
                    }
                    s.epochEnd(e, 1.0);
                }
                cases++;
            }
        }
        assertThat(cases).isEqualTo(13);
    }

    /** A spec of the golden file: step:s:g, exponential:g, cosine:W:m, warmup:W:spec, constant. */
    private static LearningRateSchedule schedule(String spec) {
        String[] p = spec.split(":", 2);
        String[] args = p.length > 1 ? p[1].split(":") : new String[0];
        return switch (p[0]) {
            case "constant" -> LearningRateSchedule.constant();
            case "step" -> LearningRateSchedule.step(Integer.parseInt(args[0]), Double.parseDouble(args[1]));
            case "exponential" -> LearningRateSchedule.exponential(Double.parseDouble(args[0]));
            case "cosine" -> LearningRateSchedule.cosine(Integer.parseInt(args[0]), Double.parseDouble(args[1]));
            case "warmup" -> LearningRateSchedule.warmup(Integer.parseInt(args[0]), schedule(p[1].substring(p[1].indexOf(':') + 1)));
            default -> throw new IllegalArgumentException("unknown spec " + spec);
        };
    }
}
