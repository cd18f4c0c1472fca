package org.nntune.bench;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.model.EpochResult;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.internal.kernels.KernelProvider;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Trains nntune's networks on Fashion-MNIST and reports test accuracy after every epoch: the
 * 784-128-10 MLP (Adam 1e-3, batch 32, 10 epochs) and a small CNN
 * (conv 8·3×3 → pool → conv 16·3×3 → pool → dense 64 → 10, Adam 1e-3, batch 64). Pixels are
 * scaled to [0, 1]. {@code --schedule cosine} decays the rate to 0 over the run (cosine, no
 * warm-up) instead of keeping it constant. Prints one JSON line at the end.
 *
 * <pre>
 * java $(cat nntune-bench/target/classes/nntune-jvm.flags) -cp nntune-bench/target/benchmarks.jar \
 *     org.nntune.bench.FashionMnistTraining [--model mlp|cnn|both] [--mlp-epochs 10] [--cnn-epochs 5]
 *     [--schedule constant|cosine] [--dir /usr/share/datasets/fashion-mnist]
 * </pre>
 */
public final class FashionMnistTraining {
    private FashionMnistTraining() {}

    public static void main(String[] args) throws IOException {
        String model = "both";
        int mlpEpochs = 10;
        int cnnEpochs = 5;
        String schedule = "constant";
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--model" -> model = args[i + 1];
                case "--mlp-epochs" -> mlpEpochs = Integer.parseInt(args[i + 1]);
                case "--cnn-epochs" -> cnnEpochs = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--schedule" -> schedule = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; known: --model mlp|cnn|both, --mlp-epochs N, --cnn-epochs N, --schedule constant|cosine, --dir DIR");
            }
        }
        LearningRateSchedule lrs = switch (schedule) {
            case "constant" -> LearningRateSchedule.constant();
            case "cosine" -> LearningRateSchedule.cosine(0, 0f);
            default -> throw new IllegalArgumentException("--schedule " + schedule + ": known are constant, cosine");
        };
        Dataset train = read(dir, "train", "fashion-mnist-train");
        Dataset test = read(dir, "t10k", "fashion-mnist-test");
        System.err.println("kernels: " + KernelProvider.get().name() + "; " + train + "; " + test);
        List<String> json = new ArrayList<>();
        if (!model.equals("cnn")) {
            Sequential mlp = Sequential.builder().input(1, 28, 28).dense(128, Activation.RELU).dense(10).seed(1).build();
            json.addAll(run("mlp", mlp, train, test, mlpEpochs, 32, lrs));
        }
        if (!model.equals("mlp")) {
            Sequential cnn = Sequential.builder().input(1, 28, 28)
                    .conv2d(8, 3, 1, 1, Activation.RELU).maxPool2d(2)
                    .conv2d(16, 3, 1, 1, Activation.RELU).maxPool2d(2)
                    .flatten().dense(64, Activation.RELU).dense(10).seed(1).build();
            json.addAll(run("cnn", cnn, train, test, cnnEpochs, 64, lrs));
        }
        System.out.println("{" + String.join(", ", json) + "}");
    }

    private static List<String> run(String name, Sequential m, Dataset train, Dataset test, int epochs, int batch,
                                    LearningRateSchedule schedule) {
        System.err.print(m.summary());
        double[] best = {0};
        long start = System.nanoTime();
        long[] trainNanos = {0};
        TrainingListener report = new TrainingListener() {
            long epochStart = System.nanoTime();

            @Override
            public void onEpochEnd(TrainingControl c, EpochResult r) {
                long t = System.nanoTime() - epochStart;
                trainNanos[0] += t;
                double acc = c.model().evaluate(test).accuracy();
                best[0] = Math.max(best[0], acc);
                System.err.printf(Locale.ROOT, "%s epoch %d: loss %.4f, test accuracy %.4f, %.1f s, %.0f samples/s%n",
                        name, r.epoch(), r.trainingLoss(), acc, t / 1e9, train.size() / (t / 1e9));
                epochStart = System.nanoTime();
            }
        };
        m.fit(train, FitOptions.builder().epochs(epochs).batchSize(batch).seed(1).optimizer(Optimizer.adam(1e-3f))
                .schedule(schedule).listener(report).build());
        double total = (System.nanoTime() - start) / 1e9;
        double acc = m.evaluate(test).accuracy();
        return List.of(
                String.format(Locale.ROOT, "\"%s_test_accuracy\": %.4f", name, acc),
                String.format(Locale.ROOT, "\"%s_best_epoch_test_accuracy\": %.4f", name, best[0]),
                String.format(Locale.ROOT, "\"%s_epochs\": %d", name, epochs),
                String.format(Locale.ROOT, "\"%s_train_samples_per_s\": %.0f", name, (double) train.size() * epochs / (trainNanos[0] / 1e9)),
                String.format(Locale.ROOT, "\"%s_wall_s\": %.1f", name, total));
    }

    /** Reads an IDX image file and its label file (gzipped) as a classification set of 1×28×28 images in [0, 1]. */
    private static Dataset read(Path dir, String prefix, String name) throws IOException {
        float[] x;
        int rows;
        int h;
        int w;
        try (DataInputStream in = open(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803)) {
            rows = in.readInt();
            h = in.readInt();
            w = in.readInt();
            byte[] raw = in.readNBytes(rows * h * w);
            x = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                x[i] = (raw[i] & 0xff) / 255f;
            }
        }
        int[] y;
        try (DataInputStream in = open(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801)) {
            int n = in.readInt();
            if (n != rows) {
                throw new IOException(prefix + ": " + rows + " images but " + n + " labels");
            }
            byte[] raw = in.readNBytes(n);
            y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = raw[i];
            }
        }
        List<String> classes = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot");
        return Dataset.classification(name, x, new int[] {1, h, w}, y, List.of(), classes);
    }

    private static DataInputStream open(Path file, int magic) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        int m = d.readInt();
        if (m != magic) {
            d.close();
            throw new IOException(file + ": IDX magic " + Integer.toHexString(m) + ", expected " + Integer.toHexString(magic));
        }
        return d;
    }
}
