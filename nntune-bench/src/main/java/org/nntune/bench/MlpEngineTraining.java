package org.nntune.bench;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.model.EpochResult;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.internal.kernels.KernelProvider;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The 784-128-10 MLP of {@code torch_mlp_epoch.py} trained through the engine ({@link Sequential},
 * {@code fit}), with the protocol of {@link MlpKernelsTraining}: Fashion-MNIST in [0, 1], Adam
 * lr = 1e-3, 50 warm-up steps on a throw-away model, then the epochs over the 60,000 training
 * images shuffled each epoch, each epoch timed; test accuracy after the last.
 *
 * <pre>
 * MlpEngineTraining [--batches 100,32,256] [--epochs 3] [--seed 0] [--data DIR]
 * </pre>
 * Prints one JSON line with the keys of {@link MlpKernelsTraining}: {@code {"b100":
 * {"samples_per_s_epoch1": …, "samples_per_s_best": …, "test_acc": …}, …}}.
 */
public final class MlpEngineTraining {
    private MlpEngineTraining() {}

    public static void main(String[] args) throws IOException {
        String batches = "100,32,256";
        int epochs = 3;
        long seed = 0;
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batches" -> batches = args[++i];
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--data" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: MlpEngineTraining [--batches 100,32,256] [--epochs 3] [--seed 0] [--data DIR]");
            }
        }
        System.err.println("kernels: " + KernelProvider.description());
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add(Integer.toString(c));
        }
        Dataset train = Dataset.classification("fashion-mnist-train",
                MlpKernelsTraining.images(dir.resolve("train-images-idx3-ubyte.gz")), new int[] {784},
                MlpKernelsTraining.labels(dir.resolve("train-labels-idx1-ubyte.gz")), List.of(), classes);
        Dataset test = Dataset.classification("fashion-mnist-test",
                MlpKernelsTraining.images(dir.resolve("t10k-images-idx3-ubyte.gz")), new int[] {784},
                MlpKernelsTraining.labels(dir.resolve("t10k-labels-idx1-ubyte.gz")), List.of(), classes);
        List<String> out = new ArrayList<>();
        for (String bs : batches.split(",")) {
            int b = Integer.parseInt(bs.trim());
            // warm-up: 50 steps of a throw-away model on random rows
            SplittableRandom wr = new SplittableRandom(seed + 10_000);
            int[] rows = new int[50 * b];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = wr.nextInt(train.size());
            }
            mlp(seed + 10_000).fit(train.subset(rows), FitOptions.builder().epochs(1).batchSize(b).seed(seed)
                    .optimizer(Optimizer.adam(1e-3f)).build());
            double[] sps = new double[epochs];
            TrainingListener timer = new TrainingListener() {
                long start = System.nanoTime();

                @Override
                public void onEpochEnd(TrainingControl c, EpochResult r) {
                    long now = System.nanoTime();
                    sps[r.epoch() - 1] = train.size() / ((now - start) / 1e9);
                    System.err.printf(Locale.ROOT, "batch %d epoch %d: %.0f samples/s%n", b, r.epoch(), sps[r.epoch() - 1]);
                    start = now;
                }
            };
            Sequential m = mlp(seed);
            m.fit(train, FitOptions.builder().epochs(epochs).batchSize(b).seed(seed).optimizer(Optimizer.adam(1e-3f))
                    .listener(timer).build());
            double acc = m.evaluate(test).accuracy();
            out.add(String.format(Locale.ROOT, "\"b%d\": {\"samples_per_s_epoch1\": %.4f, \"samples_per_s_best\": %.4f, \"test_acc\": %.4f}",
                    b, sps[0], Arrays.stream(sps).max().orElse(0), acc));
        }
        System.out.println("{" + String.join(", ", out) + "}");
    }

    private static Sequential mlp(long seed) {
        return Sequential.builder().input(784).dense(128, Activation.RELU).dense(10).seed(seed).build();
    }
}
