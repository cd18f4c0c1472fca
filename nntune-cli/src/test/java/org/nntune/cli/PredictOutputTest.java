package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.InputEncoder;
import org.nntune.nn.model.Sequential;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code predict} prints is CSV a reader takes back whole: quoted class names, float values in full. */
class PredictOutputTest {

    static final String STUDY = """
            study: out
            seed: 3
            task: %s
            data:
              csv: %s
              label: y
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space: {layers: 1, units: 8, optimizer: adam, lr: 0.03, batch_size: 16, epochs: 15}
            sampler: {type: random}
            budget: {trials: 1}
            """;

    /** RFC 4180 records of {@code text}: quoted fields may hold separators, doubled quotes and line breaks. */
    static List<List<String>> records(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                rec.add(f.toString());
                f.setLength(0);
            } else if (c == '\n') {
                rec.add(f.toString());
                f.setLength(0);
                out.add(rec);
                rec = new ArrayList<>();
            } else if (c != '\r') {
                f.append(c);
            }
        }
        return out;
    }

    private static Path tune(Path dir, String task, String csv) throws Exception {
        Files.writeString(dir.resolve("d.csv"), csv);
        Path file = dir.resolve("out.yaml");
        Files.writeString(file, STUDY.formatted(task, "d.csv"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        return dir.resolve("out-results").resolve("best.model");
    }

    @Test
    void classNamesWithCommasQuotesAndLineBreaksAreQuoted(@TempDir Path dir) throws Exception {
        List<String> classes = List.of("Setosa, \"wild\"", "versicolor", "virginica\nhybrid");
        StringBuilder csv = new StringBuilder("a,b,y\n");
        Random r = new Random(1);
        for (int i = 0; i < 60; i++) {
            int k = i % 3;
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,", k + 0.2 * r.nextGaussian(), -k + 0.2 * r.nextGaussian()))
                    .append('"').append(classes.get(k).replace("\"", "\"\"")).append("\"\n");
        }
        Path model = tune(dir, "classification", csv.toString());
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "a,b\n0,0\n1,-1\n2,-2\n0.1,0\n2,-2.1\n");

        CliTest.Result pred = CliTest.run("predict", model.toString(), in.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        List<List<String>> rows = records(pred.out());
        assertThat(rows).hasSize(1 + 5).allSatisfy(rec -> assertThat(rec).hasSize(1));
        assertThat(rows.get(0)).containsExactly("prediction");
        assertThat(rows.subList(1, 6)).allSatisfy(rec -> assertThat(classes).contains(rec.get(0)));

        CliTest.Result proba = CliTest.run("predict", model.toString(), in.toString(), "--proba");
        assertThat(proba.code()).as(proba.err()).isZero();
        List<List<String>> p = records(proba.out());
        assertThat(p).hasSize(1 + 5).allSatisfy(rec -> assertThat(rec).hasSize(3));
        assertThat(p.get(0)).containsExactlyInAnyOrder("p_Setosa, \"wild\"", "p_versicolor", "p_virginica\nhybrid");
    }

    @Test
    void regressionValuesReadBackAsTheModelsFloats(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        Random r = new Random(2);
        for (int i = 0; i < 60; i++) {
            double a = r.nextDouble();
            double b = r.nextDouble();
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.1f%n", a, b, 1_234_567 + 40_000 * a - 30_000 * b));
        }
        Path model = tune(dir, "regression", csv.toString());
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "a,b\n0.1,0.2\n0.5,0.5\n0.9,0.3\n");

        CliTest.Result pred = CliTest.run("predict", model.toString(), in.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        List<String> lines = pred.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("prediction");

        Sequential m = Sequential.load(model);
        InputEncoder enc;
        try (InputStream s = Files.newInputStream(model.resolveSibling("best.model.csv-encoder"))) {
            enc = InputEncoder.read(s);
        }
        float[] expected = m.outputs(enc.readFeatures(in).features(), 3);
        for (int i = 0; i < 3; i++) {
            String printed = lines.get(1 + i);
            assertThat(printed).as("plain notation for an ordinary magnitude").doesNotContain("e").doesNotContain("E");
            assertThat(Float.parseFloat(printed)).as(printed).isEqualTo(expected[i]);
        }
    }
}
