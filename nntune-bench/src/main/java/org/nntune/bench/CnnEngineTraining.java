package org.nntune.bench;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.internal.kernels.KernelProvider;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The small CNN of {@code torch_mlp_epoch.py} (conv 3×3·32 valid → ReLU → max-pool 2 → conv
 * 3×3·64 valid → ReLU → max-pool 2 → dense 128 → ReLU → dense 10) trained through the engine
 * ({@link Sequential}, {@code fit}) with that script's protocol: Fashion-MNIST in [0, 1], Adam
 * lr = 1e-3, batch 64; 10 warm-up steps on a throw-away model (random rows); then a fresh model
 * and one permutation of the training set, and {@code --windows} consecutive timed windows of
 * {@code --steps} steps each, the batches taken from the permutation in order (position advancing
 * by 64 modulo 60,000 − 64, as the script does). A window is timed from the start of its first
 * step to the end of its last; the first window begins when training starts, after the buffers
 * are made.
 *
 * <pre>
 * CnnEngineTraining [--steps 200] [--windows 2] [--seed 0] [--data DIR]
 * </pre>
 * Prints one JSON line with the keys of {@code torch_mlp_best_of_settings.py --cnn-steps}:
 * {@code {"cnn": {"samples_per_s_window1": …, "samples_per_s_window2": …, "samples_per_s_best": …,
 * "ms_per_step_best": …, "last_loss": …, "params": …}}}.
 */
public final class CnnEngineTraining {
    private CnnEngineTraining() {}

    static final int BATCH = 64;
    static final int WARMUP_STEPS = 10;

    public static void main(String[] args) throws IOException {
        int steps = 200;
        int windows = 2;
        long seed = 0;
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        String usage = "usage: CnnEngineTraining [--steps 200] [--windows 2] [--seed 0] [--data DIR]";
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value; " + usage);
            }
            switch (args[i]) {
                case "--steps" -> steps = positive("--steps", args[++i]);
                case "--windows" -> windows = positive("--windows", args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--data" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + usage);
            }
        }
        System.err.println("kernels: " + KernelProvider.description());
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add(Integer.toString(c));
        }
        Dataset train = Dataset.classification("fashion-mnist-train",
                MlpKernelsTraining.images(dir.resolve("train-images-idx3-ubyte.gz")), new int[] {1, 28, 28},
                MlpKernelsTraining.labels(dir.resolve("train-labels-idx1-ubyte.gz")), List.of(), classes);
        int n = train.size();

        // warm-up: a throw-away model, 10 steps on random rows
        SplittableRandom wr = new SplittableRandom(seed + 10_000);
        int[] warmRows = new int[WARMUP_STEPS * BATCH];
        for (int r = 0; r < warmRows.length; r++) {
            warmRows[r] = wr.nextInt(n);
        }
        cnn(seed + 10_000).fit(train.subset(warmRows), options(seed).shuffle(false).build());

        // the timed run: the rows of every window's batches, in the order the script visits them
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom pr = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = pr.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int total = steps * windows;
        int[] rows = new int[total * BATCH];
        int pos = 0;
        for (int s = 0; s < total; s++) {
            System.arraycopy(perm, pos, rows, s * BATCH, BATCH);
            pos = (pos + BATCH) % (n - BATCH);
        }
        long[] marks = new long[windows + 1];
        double[] lastLoss = new double[1];
        int perWindow = steps;
        TrainingListener timer = new TrainingListener() {
            @Override
            public void onTrainStart(TrainingControl c) {
                marks[0] = System.nanoTime();
            }

            @Override
            public void onBatchEnd(TrainingControl c, int epoch, int batch, double loss) {
                if (batch % perWindow == 0) {
                    marks[batch / perWindow] = System.nanoTime();
                }
                lastLoss[0] = loss;
            }
        };
        Sequential model = cnn(seed);
        model.fit(train.subset(rows), options(seed).shuffle(false).listener(timer).build());

        double[] sps = new double[windows];
        double best = 0;
        StringBuilder json = new StringBuilder("{\"cnn\": {");
        for (int w = 0; w < windows; w++) {
            sps[w] = (double) steps * BATCH / ((marks[w + 1] - marks[w]) / 1e9);
            best = Math.max(best, sps[w]);
            System.err.printf(Locale.ROOT, "window %d: %.1f samples/s (%.2f ms/step)%n", w + 1, sps[w], 1000.0 * BATCH / sps[w]);
            json.append(String.format(Locale.ROOT, "\"samples_per_s_window%d\": %.1f, ", w + 1, sps[w]));
        }
        json.append(String.format(Locale.ROOT, "\"samples_per_s_best\": %.1f, \"ms_per_step_best\": %.3f, "
                + "\"last_loss\": %.4f, \"params\": %d}}", best, 1000.0 * BATCH / best, lastLoss[0], model.parameterCount()));
        System.out.println(json);
    }

    /** Adam 1e-3, batch 64, one pass over the given rows. */
    private static FitOptions.Builder options(long seed) {
        return FitOptions.builder().epochs(1).batchSize(BATCH).seed(seed).optimizer(Optimizer.adam(1e-3f));
    }

    /** The script's SmallCNN. */
    static Sequential cnn(long seed) {
        return Sequential.builder().input(1, 28, 28)
                .conv2d(32, 3, Activation.RELU).maxPool2d(2)
                .conv2d(64, 3, Activation.RELU).maxPool2d(2)
                .flatten().dense(128, Activation.RELU).dense(10).seed(seed).build();
    }

    private static int positive(String option, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(option + " " + value + " is not a positive whole number");
    }
}
