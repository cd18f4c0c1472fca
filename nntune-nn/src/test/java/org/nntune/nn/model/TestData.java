package org.nntune.nn.model;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.tensor.Rng;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The small public data sets the engine's learning tests use (copies of scikit-learn's iris and
 * digits, in src/test/resources/data), a stratified train/test split and standard scaling.
 * Self-contained so the tests depend on no other package; the data package's readers, splits
 * and scalers can replace these three methods one for one.
 */
final class TestData {
    private TestData() {}

    /** A train/test pair. */
    record Split(Dataset train, Dataset test) {}

    /** Iris: 150 × 4, 3 classes. The resource's first line is scikit-learn's header (count, features, class names). */
    static Dataset iris() {
        List<String> lines = lines("/data/iris.csv", false);
        String[] head = lines.get(0).split(",");
        return parse("iris", lines.subList(1, lines.size()), 4, List.of(head[2], head[3], head[4]), new int[] {4});
    }

    /** Digits: 1,797 × 64 pixels (0..16) as 1 × 8 × 8 images, 10 classes. */
    static Dataset digits(boolean asImages) {
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add(Integer.toString(c));
        }
        return parse("digits", lines("/data/digits.csv.gz", true), 64, classes, asImages ? new int[] {1, 8, 8} : new int[] {64});
    }

    private static List<String> lines(String resource, boolean gzip) {
        try (InputStream raw = TestData.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        out.add(line);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Dataset parse(String name, List<String> rows, int features, List<String> classes, int[] shape) {
        float[] x = new float[rows.size() * features];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            for (int j = 0; j < features; j++) {
                x[i * features + j] = Float.parseFloat(f[j]);
            }
            y[i] = Integer.parseInt(f[features].trim());
        }
        return Dataset.classification(name, x, shape, y, List.of(), classes);
    }

    /** A stratified split: from each class, a seeded shuffle's first round(testFraction · count) rows go to the test set. */
    static Split stratified(Dataset data, double testFraction, long seed) {
        int[] labels = data.labels();
        Rng rng = new Rng(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int c = 0; c < data.classCount(); c++) {
            final int cls = c;
            int[] members = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == cls).toArray();
            rng.shuffle(members, members.length);
            int nTest = (int) Math.round(members.length * testFraction);
            for (int i = 0; i < members.length; i++) {
                (i < nTest ? test : train).add(members[i]);
            }
        }
        int[] tr = train.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] te = test.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Split(data.subset(tr), data.subset(te));
    }

    /** The canonical split of the learning tests: stratified, 20 % test, seed 42. */
    static Split canonical(Dataset data) {
        return stratified(data, 0.2, 42);
    }

    /** Standardises both sets with the training set's per-feature mean and standard deviation. */
    static Split standardized(Split s) {
        int f = s.train().featureCount();
        double[] mean = new double[f];
        double[] sq = new double[f];
        int n = s.train().size();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                double v = s.train().feature(i, j);
                mean[j] += v;
                sq[j] += v * v;
            }
        }
        float[] mu = new float[f];
        float[] inv = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] /= n;
            double sd = Math.sqrt(Math.max(0, sq[j] / n - mean[j] * mean[j]));
            mu[j] = (float) mean[j];
            inv[j] = sd > 1e-12 ? (float) (1 / sd) : 1f;
        }
        return new Split(scale(s.train(), mu, inv), scale(s.test(), mu, inv));
    }

    private static Dataset scale(Dataset d, float[] mu, float[] inv) {
        float[] x = d.features();
        int f = mu.length;
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - mu[i % f]) * inv[i % f];
        }
        return d.withFeatures(x);
    }

    static String describe(Split s) {
        return s.train().size() + " train / " + s.test().size() + " test, " + Arrays.toString(s.train().featureShape());
    }
}
