package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A CSV with a categorical column and class names, tuned and then predicted from raw CSV; a regression CSV too. */
class CsvEndToEndTest {

    static final List<String> COLORS = List.of("red", "green", "blue");
    static final List<String> KINDS = List.of("small", "medium", "large");

    static final String STUDY = """
            study: shapes
            seed: 4
            task: %s
            data:
              csv: %s
              label: %s
              categorical: [color]
            metric: %s
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space:
                layers: 1
                units: {low: 8, high: 16}
                optimizer: adam
                lr: {low: 1.0e-2, high: 5.0e-2, log: true}
                batch_size: 16
                epochs: 30
            sampler: {type: random}
            budget: {trials: 2}
            """;

    /** {@code rows} labelled rows that cycle through the sizes, colors and kinds (no randomness): a set too small for much. */
    static String fewShapes(int rows) {
        StringBuilder csv = new StringBuilder("size,color,weight,kind\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i % 7).append(',').append(COLORS.get(i % 3)).append(',').append(i * 0.1)
                    .append(',').append(KINDS.get(i % 3)).append('\n');
        }
        return csv.toString();
    }

    /** The kind follows the size, shifted by the color; unlabelled rows leave the kind out. */
    private static String shapes(int rows, long seed, boolean labelled, String extraColor) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(labelled ? "size,color,weight,kind\n" : "size,color,weight\n");
        for (int i = 0; i < rows; i++) {
            int c = r.nextInt(3);
            double size = r.nextDouble() * 3;
            String color = extraColor != null && i == 0 ? extraColor : COLORS.get(c);
            sb.append(String.format(Locale.ROOT, "%.3f,%s,%.3f", size, color, r.nextGaussian()));
            if (labelled) {
                sb.append(',').append(KINDS.get(Math.min(2, (int) (size + 0.3 * c))));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void classificationWithCategoriesAndClassNames(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("shapes.csv"), shapes(150, 1, true, null));
        Path file = dir.resolve("shapes.yaml");
        Files.writeString(file, STUDY.formatted("classification", "shapes.csv", "kind", "accuracy"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("CSV shapes.csv").contains("test accuracy:").contains("CSV encoder");
        Path model = dir.resolve("shapes-results").resolve("best.model");
        assertThat(model.resolveSibling("best.model.csv-encoder")).isNotEmptyFile();

        Path raw = dir.resolve("raw.csv");
        Files.writeString(raw, shapes(6, 2, false, null));
        CliTest.Result pred = CliTest.run("predict", model.toString(), raw.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        assertThat(pred.err()).doesNotContain("no class names");
        List<String> lines = pred.out().lines().toList();
        assertThat(lines).hasSize(1 + 6);
        assertThat(lines.get(0)).isEqualTo("prediction");
        assertThat(lines.subList(1, 7)).allSatisfy(l -> assertThat(KINDS).contains(l));

        CliTest.Result proba = CliTest.run("predict", model.toString(), raw.toString(), "--proba");
        assertThat(proba.code()).as(proba.err()).isZero();
        List<String> plines = proba.out().lines().toList();
        assertThat(plines).hasSize(1 + 6);
        // one column per class, named after it (classes in the encoder's order)
        assertThat(Arrays.stream(plines.get(0).split(",")).sorted().toList())
                .containsExactly("p_large", "p_medium", "p_small");
        for (String l : plines.subList(1, 7)) {
            double[] p = Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray();
            assertThat(p).hasSize(3);
            assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-3));
        }

        // the ONNX export states the encoder's class and feature names, which its graph does not apply
        Path onnx = dir.resolve("shapes.onnx");
        CliTest.Result exported = CliTest.run("export", model.toString(), "--onnx", onnx.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(new String(Files.readAllBytes(onnx), java.nio.charset.StandardCharsets.UTF_8))
                .contains("nntune.class_names").contains("large").contains("nntune.feature_names").contains("nntune.not_in_graph");

        // the label column may be there too (it is ignored)
        Path labelled = dir.resolve("labelled.csv");
        Files.writeString(labelled, shapes(6, 2, true, null));
        CliTest.Result withLabel = CliTest.run("predict", model.toString(), labelled.toString());
        assertThat(withLabel.code()).as(withLabel.err()).isZero();
        assertThat(withLabel.out()).isEqualTo(pred.out());

        // a color never seen in training: encoded as none of the known ones (CsvReader.UnseenCategory.ZEROS)
        Path unseen = dir.resolve("unseen.csv");
        Files.writeString(unseen, shapes(3, 3, false, "purple"));
        CliTest.Result u = CliTest.run("predict", model.toString(), unseen.toString());
        assertThat(u.code()).as(u.err()).isZero();
        assertThat(u.out().lines().skip(1).toList()).hasSize(3).allSatisfy(l -> assertThat(KINDS).contains(l));

        // nntune best --model refits and saves the encoder beside the model, so predict reads raw CSV there too
        Path refit = dir.resolve("refit/again.model");
        Files.createDirectories(refit.getParent());
        CliTest.Result best = CliTest.run("best", file.toString(), "--model", refit.toString());
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).contains("again.model.csv-encoder");
        CliTest.Result again = CliTest.run("predict", refit.toString(), raw.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out().lines().skip(1).toList()).hasSize(6).allSatisfy(l -> assertThat(KINDS).contains(l));

        // a missing feature column is a data error naming it
        Path missing = dir.resolve("missing.csv");
        Files.writeString(missing, "size,weight\n1.0,0.5\n");
        CliTest.Result m = CliTest.run("predict", model.toString(), missing.toString());
        assertThat(m.code()).isEqualTo(ExitCode.DATA);
        assertThat(m.err()).contains("color").doesNotContain("\tat ");
    }

    @Test
    void exportOfAModelTrainedWithMeanFillHasTheFillInItsGraph(@TempDir Path dir) throws Exception {
        // every 7th weight and every 9th color missing, filled with the training mean / most frequent color
        List<String> lines = new java.util.ArrayList<>(shapes(120, 5, true, null).lines().toList());
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            f[2] = i % 7 == 0 ? "" : f[2];
            f[1] = i % 9 == 0 ? "" : f[1];
            lines.set(i, String.join(",", f));
        }
        Files.writeString(dir.resolve("gaps.csv"), String.join("\n", lines) + "\n");
        Path file = dir.resolve("gaps.yaml");
        Files.writeString(file, STUDY.formatted("classification", "gaps.csv", "kind", "accuracy")
                .replace("  categorical: [color]\n", "  categorical: [color]\n  missing: mean\n"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        Path onnx = dir.resolve("gaps.onnx");
        CliTest.Result exported = CliTest.run("export", dir.resolve("gaps-results").resolve("best.model").toString(),
                "--onnx", onnx.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        // the numeric fill as graph nodes, the values and the category fill in the metadata (OnnxRuntimeTest runs such a graph)
        assertThat(new String(Files.readAllBytes(onnx), java.nio.charset.StandardCharsets.UTF_8))
                .contains("IsNaN", "Where", "nntune.missing", "nntune.fill_values", "weight=", "nntune.fill_categories", "color=");
    }

    @Test
    void regression(@TempDir Path dir) throws Exception {
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder("x,color,y\n");
        for (int i = 0; i < 120; i++) {
            double x = r.nextDouble() * 2 - 1;
            int c = r.nextInt(3);
            sb.append(String.format(Locale.ROOT, "%.4f,%s,%.4f%n", x, COLORS.get(c), 2 * x + c + 0.05 * r.nextGaussian()));
        }
        Files.writeString(dir.resolve("line.csv"), sb);
        Path file = dir.resolve("line.yaml");
        Files.writeString(file, STUDY.formatted("regression", "line.csv", "y", "mse").replace("study: shapes", "study: line"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("minimize mse").contains("test mse:");

        Path raw = dir.resolve("raw.csv");
        Files.writeString(raw, "x,color\n0.5,red\n-0.5,blue\n");
        CliTest.Result pred = CliTest.run("predict", dir.resolve("line-results/best.model").toString(), raw.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        List<String> lines = pred.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("prediction");
        assertThat(Double.parseDouble(lines.get(1))).isFinite();
        assertThat(Double.parseDouble(lines.get(2))).isFinite();

        CliTest.Result proba = CliTest.run("predict", dir.resolve("line-results/best.model").toString(), raw.toString(), "--proba");
        assertThat(proba.code()).as(proba.err()).isEqualTo(ExitCode.USAGE);
        assertThat(proba.err()).contains("--proba: ").contains("best.model is a regression model; probabilities exist only for classifiers");
        assertThat(proba.out()).isEmpty();
    }
}
