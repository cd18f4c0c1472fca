package org.nntune.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.CsvEncoder;
import org.nntune.nn.data.CsvReader;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FashionMnist;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.MinMaxScaler;
import org.nntune.nn.data.Pipeline;
import org.nntune.nn.data.PixelScaler;
import org.nntune.nn.data.SeriesWindows;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.ActivationLayer;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.optim.Optimizer;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every kind of network nntune trains, exported and run in ONNX Runtime: its outputs must be
 * nntune's own predictions ({@link Sequential#outputs}) to 1e-5 on held-out rows. The models
 * are trained for an epoch or two only: the point is the graph, not the accuracy, but trained
 * weights and batch-norm statistics are not their initial values, so a wrong layout shows.
 */
class OnnxRuntimeTest {
    static final double TOLERANCE = 1e-5;
    private static OrtEnvironment env;
    /** Fashion-MNIST, read once for both of its tests (70,000 images). */
    private static TrainTest fashion;

    @TempDir
    Path dir;

    @BeforeAll
    static void runtime() {
        env = OrtEnvironment.getEnvironment();
    }

    @Test
    void irisMlpWithStandardScalingBatchNormAndDropout() throws Exception {
        Dataset iris = Datasets.iris();
        Split split = Splits.canonical(iris);
        Dataset train = split.train(iris);
        Sequential model = Sequential.builder().input(4).preprocessing(StandardScaler.fit(train))
                .dense(16, Activation.RELU).batchNorm().dropout(0.2).dense(3).activation(Activation.SOFTMAX).seed(1).build();
        fit(model, train, 30, 16);
        assertAgrees(model, iris.subset(split.test()));
    }

    @Test
    void digitsMlpWithEveryActivationAndAPipeline() throws Exception {
        Dataset digits = Datasets.digits();
        Split split = Splits.canonical(digits);
        Dataset train = split.train(digits);
        FittedTransform pixels = new PixelScaler(64, 16f);
        FittedTransform pipeline = new Pipeline(List.of(pixels, StandardScaler.fit(pixels.apply(train))));
        Sequential model = Sequential.builder().input(64).preprocessing(pipeline)
                .dense(32, Activation.GELU).dense(24, Activation.TANH)
                .layer(new ActivationLayer(Activation.LEAKY_RELU, 0.05f)).dense(20, Activation.ELU)
                .dense(16, Activation.SIGMOID).dense(12).batchNorm().dense(10).seed(2).build();
        fit(model, train, 3, 32);
        assertAgrees(model, digits.subset(split.test()));
    }

    @Test
    void digitsCnnWithMinMaxScalingAndAveragePooling() throws Exception {
        Dataset digits = Datasets.digitsImages();
        Split split = Splits.canonical(digits);
        Dataset train = split.train(digits);
        Sequential model = Sequential.builder().input(1, 8, 8).preprocessing(MinMaxScaler.fit(train))
                .conv2d(6, 3, 1, 1, Activation.RELU).batchNorm().avgPool2d(2).conv2d(8, 3, 1, 0, Activation.ELU)
                .flatten().dense(10).seed(3).build();
        fit(model, train, 2, 32);
        assertAgrees(model, digits.subset(split.test()));
    }

    @Test
    void fashionMnistMlp() throws Exception {
        TrainTest data = fashion();
        Dataset train = head(data.train(), 2000).withShape(784);
        Sequential model = Sequential.builder().input(784).preprocessing(PixelScaler.of(784))
                .dense(64, Activation.RELU).dropout(0.3).dense(32, Activation.RELU).dense(10)
                .activation(Activation.SOFTMAX).seed(4).build();
        fit(model, train, 1, 64);
        assertAgrees(model, head(data.test(), 500).withShape(784));
    }

    @Test
    void fashionMnistCnn() throws Exception {
        TrainTest data = fashion();
        Dataset train = head(data.train(), 600);
        Sequential model = Sequential.builder().input(1, 28, 28).preprocessing(PixelScaler.of(784))
                .conv2d(8, 3, 1, 1, Activation.RELU).batchNorm().maxPool2d(2)
                .conv2d(8, 3, 2, 1, Activation.RELU).maxPool2d(2, 1).dropout(0.25)
                .flatten().dense(32, Activation.RELU).dense(10).seed(5).build();
        fit(model, train, 1, 64);
        assertAgrees(model, head(data.test(), 300));
    }

    @Test
    void binaryAndRegressionOutputsKeepTheirLink() throws Exception {
        Dataset iris = Datasets.iris();
        int[] labels = iris.labels();
        float[] isSetosa = new float[iris.size()];
        float[] petalWidth = new float[iris.size()];
        for (int i = 0; i < iris.size(); i++) {
            isSetosa[i] = labels[i] == 0 ? 1f : 0f;
            petalWidth[i] = iris.feature(i, 3);
        }
        Dataset binary = Dataset.regression("setosa", iris.features(), new int[] {4}, isSetosa, 1, iris.featureNames());
        Sequential bce = Sequential.builder().input(4).preprocessing(StandardScaler.fit(binary))
                .dense(8, Activation.TANH).dense(1).loss(Loss.binaryCrossEntropy()).seed(6).build();
        fit(bce, binary, 5, 16);
        assertAgrees(bce, binary);

        Dataset regression = Dataset.regression("petal", iris.features(), new int[] {4}, petalWidth, 1, iris.featureNames());
        Sequential mse = Sequential.builder().input(4).preprocessing(MinMaxScaler.fit(regression))
                .dense(8, Activation.RELU).dense(1).loss(Loss.mse()).seed(7).build();
        fit(mse, regression, 5, 16);
        assertAgrees(mse, regression);

        // targets far from unit scale, standard-scaled inside the model: the graph answers in the data's units too
        float[] price = new float[iris.size()];
        for (int i = 0; i < iris.size(); i++) {
            price[i] = 1e4f + 1e3f * petalWidth[i];
        }
        Dataset priced = Dataset.regression("price", iris.features(), new int[] {4}, price, 1, iris.featureNames());
        Sequential scaled = Sequential.builder().input(4).preprocessing(StandardScaler.fit(priced))
                .targetScaling(StandardScaler.fitTargets(priced)).dense(8, Activation.RELU).dense(1).loss(Loss.mse()).seed(8).build();
        fit(scaled, priced, 5, 16);
        assertAgrees(scaled, priced, TOLERANCE * 1e4); // float32 near 1e4: the same relative tolerance
    }

    @Test
    void forecastersOfChangesAddTheRawLastInputBackInsideTheGraph() throws Exception {
        // a ramp of values up to 400: the graph forecasts levels, from changes of about 2 it learnt, as predict does
        float[] ramp = new float[200];
        org.nntune.nn.tensor.Rng rng = new org.nntune.nn.tensor.Rng(3);
        for (int t = 0; t < ramp.length; t++) {
            ramp[t] = (float) (2 * t + rng.nextGaussian());
        }
        Dataset windows = SeriesWindows.windows("ramp", ramp, 8, 3, SeriesWindows.Target.CHANGE);
        Sequential gru = Sequential.builder().input(8, 1).preprocessing(StandardScaler.fit(windows))
                .gru(8, 1, false, 0, Recurrent.Readout.LAST).dense(3).loss(Loss.mse()).changeFromLastInput()
                .targetScaling(StandardScaler.fitTargetChanges(windows)).seed(9).build();
        fit(gru, windows, 3, 16);
        assertAgrees(gru, windows, TOLERANCE * 400); // float32 near 400: the same relative tolerance
        Dataset flat = windows.withShape(8).named("ramp-mlp");
        Sequential mlp = Sequential.builder().input(8).preprocessing(MinMaxScaler.fit(flat)).dense(6, Activation.TANH).dense(3)
                .loss(Loss.mse()).changeFromLastInput().seed(10).build(); // without target scaling: the raw changes
        fit(mlp, flat, 3, 16);
        assertAgrees(mlp, flat, TOLERANCE * 400);
        float[] last = mlp.outputs(flat.features(), flat.size());
        assertThat(last[last.length - 1]).as("a forecast in the series' units").isGreaterThan(300f);
    }

    @Test
    void csvModelWithMeanFillImputesInsideTheGraphAsPredictDoes() throws Exception {
        // a CSV with gaps in both numeric columns and the category column, filled with the training means /
        // most frequent category (data.missing: mean)
        StringBuilder csv = new StringBuilder("size,color,weight,kind\n");
        String[] colors = {"red", "green", "blue", "red"};
        for (int i = 0; i < 80; i++) {
            float size = 1 + i % 9;
            float weight = 2 + (i * 37 % 23) / 4f;
            csv.append(i % 11 == 3 ? "" : Float.toString(size)).append(',').append(i % 13 == 5 ? "" : colors[i % 4]).append(',')
                    .append(i % 7 == 0 ? "" : Float.toString(weight)).append(',').append(size * weight > 25 ? "big" : "small").append('\n');
        }
        Path train = dir.resolve("gaps.csv");
        Files.writeString(train, csv);
        CsvReader.CsvData data = CsvReader.builder().categorical("color").missingValues(CsvReader.MissingPolicy.FILL_MEAN)
                .unseenCategory(CsvReader.UnseenCategory.MOST_FREQUENT).build().read(train);
        CsvEncoder encoder = data.encoder();
        Sequential model = Sequential.builder().input(encoder.featureCount()).preprocessing(StandardScaler.fit(data.dataset()))
                .dense(8, Activation.TANH).dense(2).seed(9).build();
        fit(model, data.dataset(), 5, 16);

        Path file = dir.resolve("gaps.onnx");
        OnnxExport.write(model, encoder, Map.of(), file);

        // predict's way: the raw rows, read and filled by the encoder, then the model
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "size,color,weight\n5.0,red,\n,blue,3.5\n,green,\n4.0,red,2.5\n");
        CsvEncoder.FeatureRows read = encoder.readFeatures(rows);
        float[] expected = model.outputs(read.features(), read.rows());
        // a deployment's way: the same rows encoded per nntune.feature_names, a missing number as NaN
        List<String> names = encoder.featureNames();
        assertThat(names).containsExactly("size", "color=blue", "color=green", "color=red", "weight");
        float nan = Float.NaN;
        float[] x = {
            5f, 0, 0, 1, nan,
            nan, 1, 0, 0, 3.5f,
            nan, 0, 1, 0, nan,
            4f, 0, 0, 1, 2.5f};
        float[][] actual = run(Files.readAllBytes(file), x, 4, names.size());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                assertThat((double) actual[i][j]).as("row %d, output %d", i, j).isCloseTo(expected[i * 2 + j], within(TOLERANCE));
            }
        }
        // what the graph cannot do is in the metadata: the fill values for a reader, the fill category to encode
        String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        float meanSize = encoder.missingFill()[0];
        assertThat(meanSize).isNotNaN();
        assertThat(text).contains("nntune.fill_values", "size=" + meanSize, "nntune.fill_categories", "color=red",
                "nntune.missing", "nntune.feature_names", "nntune.unseen_category");
    }

    @Test
    void unseenCategoryMetadataOnlyWhenAColumnIsCategorical() throws Exception {
        Path numeric = dir.resolve("numeric.csv");
        Files.writeString(numeric, "a,b,kind\n1,2,x\n2,3,y\n3,1,x\n4,4,y\n");
        CsvEncoder numbers = CsvReader.builder().build().read(numeric).encoder();
        assertThat(OnnxExport.csvMetadata(numbers)).containsKey("nntune.feature_names").doesNotContainKey("nntune.unseen_category");
        Path mixed = dir.resolve("mixed.csv");
        Files.writeString(mixed, "a,color,kind\n1,red,x\n2,blue,y\n3,red,x\n4,blue,y\n");
        CsvEncoder categories = CsvReader.builder().categorical("color").build().read(mixed).encoder();
        assertThat(categories.hasCategoricalColumns()).isTrue();
        assertThat(OnnxExport.csvMetadata(categories)).containsKey("nntune.unseen_category");
    }

    private static synchronized TrainTest fashion() {
        if (fashion == null) {
            fashion = FashionMnist.load();
        }
        return fashion;
    }

    private static Dataset head(Dataset d, int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return d.subset(rows);
    }

    private static void fit(Sequential model, Dataset train, int epochs, int batch) {
        model.fit(train, FitOptions.builder().epochs(epochs).batchSize(batch).seed(11).optimizer(Optimizer.adam(0.01)).build());
    }

    /** Exports to a file, runs it in ONNX Runtime on {@code test}'s raw features and compares with nntune. */
    private void assertAgrees(Sequential model, Dataset test) throws Exception {
        assertAgrees(model, test, TOLERANCE);
    }

    private void assertAgrees(Sequential model, Dataset test, double tolerance) throws Exception {
        Path file = dir.resolve(test.name() + ".onnx");
        OnnxExport.write(model, file);
        float[] x = test.features();
        int n = test.size();
        float[] expected = model.outputs(x, n);
        float[][] actual = run(Files.readAllBytes(file), x, n, test.featureCount());
        int k = expected.length / n;
        assertThat(actual.length).isEqualTo(n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            assertThat(actual[i]).hasSize(k);
            for (int j = 0; j < k; j++) {
                worst = Math.max(worst, Math.abs(actual[i][j] - expected[i * k + j]));
            }
        }
        assertThat(worst).as("largest difference between ONNX Runtime and nntune over %d rows × %d outputs", n, k)
                .isLessThanOrEqualTo(tolerance);
    }

    static float[][] run(byte[] onnx, float[] x, int n, int f) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment(); // also called from other test classes: no @BeforeAll there
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, f});
                 OrtSession.Result result = session.run(Map.of("input", input))) {
                return (float[][]) result.get("output").orElseThrow().getValue();
            }
        }
    }
}
