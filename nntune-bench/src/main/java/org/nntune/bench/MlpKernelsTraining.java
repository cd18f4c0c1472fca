package org.nntune.bench;

import org.nntune.nn.internal.kernels.KernelProvider;
import org.nntune.nn.internal.kernels.Kernels;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The 784-128-10 MLP of {@code torch_mlp_epoch.py} trained straight on the kernels (no layer or
 * model classes): what the kernels allow the engine to reach. Same protocol as the Python side:
 * Fashion-MNIST scaled to [0, 1], PyTorch's default initialisation (uniform ±1/sqrt(fan-in)),
 * Adam lr = 1e-3, 50 warm-up steps on a throw-away model, then 3 epochs over the 60,000 training
 * images shuffled each epoch, each epoch timed; test accuracy after the last. One step is
 * X·W1 → bias+ReLU (fused) → ·W2 + b2 → softmax+cross-entropy (fused, gradient in place) →
 * dW2 = Hᵀ·dZ, db2 = 1ᵀ·dZ, dH = dZ·W2ᵀ → ReLU backward + db1 (fused) → dW1 = Xᵀ·dH → one Adam
 * update over all parameters (they live in one array). Nothing is allocated per step.
 *
 * <pre>
 * MlpKernelsTraining [--batches 100,32,256] [--epochs 3] [--threads N] [--seed 0] [--data DIR]
 * </pre>
 * Prints one JSON line: {@code {"b100": {"samples_per_s_epoch1": …, "samples_per_s_best": …,
 * "test_acc": …}, …}}.
 */
public final class MlpKernelsTraining {
    static final int IN = 784;
    static final int HIDDEN = 128;
    static final int OUT = 10;
    static final int W1 = 0;
    static final int B1 = W1 + IN * HIDDEN;
    static final int W2 = B1 + HIDDEN;
    static final int B2 = W2 + HIDDEN * OUT;
    static final int PARAMS = B2 + OUT;

    private MlpKernelsTraining() {}

    /** A model and its training buffers for batches of up to {@code batch} rows. */
    static final class Mlp {
        final Kernels k;
        final float[] p = new float[PARAMS];
        final float[] g = new float[PARAMS];
        final float[] m = new float[PARAMS];
        final float[] v = new float[PARAMS];
        final float[] x;
        final int[] y;
        final float[] h;
        final float[] z;
        final float[] dh;
        final float[] ones;
        int step;

        Mlp(Kernels k, int batch, long seed) {
            this.k = k;
            SplittableRandom rnd = new SplittableRandom(seed);
            init(rnd, W1, IN * HIDDEN, IN);
            init(rnd, B1, HIDDEN, IN);
            init(rnd, W2, HIDDEN * OUT, HIDDEN);
            init(rnd, B2, OUT, HIDDEN);
            x = new float[batch * IN];
            y = new int[batch];
            h = new float[batch * HIDDEN];
            z = new float[batch * OUT];
            dh = new float[batch * HIDDEN];
            ones = new float[batch];
            Arrays.fill(ones, 1f);
        }

        private void init(SplittableRandom rnd, int off, int n, int fanIn) {
            double bound = 1 / Math.sqrt(fanIn);
            for (int i = 0; i < n; i++) {
                p[off + i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
        }

        /** Gathers rows {@code order[from .. from + b)} of the data into the batch buffers. */
        void gather(float[] images, int[] labels, int[] order, int from, int b) {
            for (int r = 0; r < b; r++) {
                int i = order[from + r];
                System.arraycopy(images, i * IN, x, r * IN, IN);
                y[r] = labels[i];
            }
        }

        /** One training step on the b rows in the batch buffers; returns the mean loss. */
        float train(int b) {
            k.gemm(false, false, b, HIDDEN, IN, 1f, x, 0, IN, p, W1, HIDDEN, 0f, h, 0, HIDDEN);
            k.addBiasRelu(h, 0, b, HIDDEN, p, B1);
            for (int r = 0; r < b; r++) {
                System.arraycopy(p, B2, z, r * OUT, OUT);
            }
            k.gemm(false, false, b, OUT, HIDDEN, 1f, h, 0, HIDDEN, p, W2, OUT, 1f, z, 0, OUT);
            float loss = k.softmaxCrossEntropy(z, 0, b, OUT, y, 0, z, 0);
            k.gemm(true, false, HIDDEN, OUT, b, 1f, h, 0, HIDDEN, z, 0, OUT, 0f, g, W2, OUT);
            k.gemm(false, false, 1, OUT, b, 1f, ones, 0, b, z, 0, OUT, 0f, g, B2, OUT);
            k.gemm(false, true, b, HIDDEN, OUT, 1f, z, 0, OUT, p, W2, OUT, 0f, dh, 0, HIDDEN);
            k.reluBackwardBiasGrad(dh, 0, h, 0, b, HIDDEN, g, B1);
            k.gemm(true, false, IN, HIDDEN, b, 1f, x, 0, IN, dh, 0, HIDDEN, 0f, g, W1, HIDDEN);
            k.adamUpdate(p, 0, g, 0, m, 0, v, 0, PARAMS, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, ++step);
            return loss;
        }

        /** Share of the rows whose largest logit is their label. */
        double accuracy(float[] images, int[] labels) {
            int n = labels.length;
            float[] hh = new float[n * HIDDEN];
            float[] zz = new float[n * OUT];
            k.gemm(false, false, n, HIDDEN, IN, 1f, images, 0, IN, p, W1, HIDDEN, 0f, hh, 0, HIDDEN);
            k.addBiasRelu(hh, 0, n, HIDDEN, p, B1);
            k.gemm(false, false, n, OUT, HIDDEN, 1f, hh, 0, HIDDEN, p, W2, OUT, 0f, zz, 0, OUT);
            int correct = 0;
            for (int r = 0; r < n; r++) {
                int best = 0;
                for (int c = 1; c < OUT; c++) {
                    if (zz[r * OUT + c] > zz[r * OUT + best]) {
                        best = c;
                    }
                }
                correct += best == labels[r] ? 1 : 0;
            }
            return (double) correct / n;
        }
    }

    public static void main(String[] args) throws IOException {
        String batches = "100,32,256";
        int epochs = 3;
        int threads = KernelProvider.get().threads();
        long seed = 0;
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batches" -> batches = args[++i];
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--data" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: MlpKernelsTraining [--batches 100,32,256] [--epochs 3] [--threads N] [--seed 0] [--data DIR]");
            }
        }
        Kernels k = KernelProvider.get(threads);
        System.err.println("kernels: " + KernelProvider.description() + "; this run: " + k.name() + ", " + threads
                + " thread(s)");
        float[] trainX = images(dir.resolve("train-images-idx3-ubyte.gz"));
        int[] trainY = labels(dir.resolve("train-labels-idx1-ubyte.gz"));
        float[] testX = images(dir.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testY = labels(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        int n = trainY.length;
        List<String> out = new ArrayList<>();
        for (String bs : batches.split(",")) {
            int b = Integer.parseInt(bs.trim());
            // warm-up: 50 steps of a throw-away model on random batches
            Mlp warm = new Mlp(k, b, seed + 10_000);
            SplittableRandom wr = new SplittableRandom(seed + 10_000);
            int[] idx = new int[b];
            for (int s = 0; s < 50; s++) {
                for (int r = 0; r < b; r++) {
                    idx[r] = wr.nextInt(n);
                }
                warm.gather(trainX, trainY, idx, 0, b);
                warm.train(b);
            }
            Mlp mlp = new Mlp(k, b, seed);
            SplittableRandom shuffle = new SplittableRandom(seed);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            double[] sps = new double[epochs];
            for (int e = 0; e < epochs; e++) {
                long t0 = System.nanoTime();
                for (int i = n - 1; i > 0; i--) {
                    int j = shuffle.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int from = 0; from < n; from += b) {
                    int rows = Math.min(b, n - from);
                    mlp.gather(trainX, trainY, order, from, rows);
                    mlp.train(rows);
                }
                sps[e] = n / ((System.nanoTime() - t0) / 1e9);
                System.err.printf(Locale.ROOT, "batch %d epoch %d: %.0f samples/s%n", b, e + 1, sps[e]);
            }
            double acc = mlp.accuracy(testX, testY);
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("samples_per_s_epoch1", sps[0]);
            row.put("samples_per_s_best", Arrays.stream(sps).max().orElse(0));
            row.put("test_acc", acc);
            List<String> fields = new ArrayList<>();
            row.forEach((key, val) -> fields.add(String.format(Locale.ROOT, "\"%s\": %.4f", key, val)));
            out.add("\"b" + b + "\": {" + String.join(", ", fields) + "}");
        }
        System.out.println("{" + String.join(", ", out) + "}");
    }

    static float[] images(Path file) throws IOException {
        try (DataInputStream in = idx(file, 0x803)) {
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            byte[] raw = in.readNBytes(count * rows * cols);
            float[] x = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                x[i] = (raw[i] & 0xff) / 255f;
            }
            return x;
        }
    }

    static int[] labels(Path file) throws IOException {
        try (DataInputStream in = idx(file, 0x801)) {
            byte[] raw = in.readNBytes(in.readInt());
            int[] y = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                y[i] = raw[i] & 0xff;
            }
            return y;
        }
    }

    private static DataInputStream idx(Path file, int magic) throws IOException {
        InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16));
        int m = in.readInt();
        if (m != magic) {
            in.close();
            throw new IOException(file + ": IDX magic " + Integer.toHexString(m) + ", expected " + Integer.toHexString(magic));
        }
        return in;
    }
}
