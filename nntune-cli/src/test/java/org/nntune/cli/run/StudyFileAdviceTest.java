package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileReader;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.model.DivergenceException;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.optim.Optimizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A diverged training's advice in a study file's keys: only what the file can set, never the Java API. */
class StudyFileAdviceTest {

    /** The engine's exception for a training at learning rate 10 that diverges in its first epoch. */
    private static DivergenceException diverged(double clipNorm) {
        float[] x = {1e30f, 1f, -1e30f, 2f, 3f, 1e30f, 0f, 1f};
        Dataset d = Dataset.regression("huge", x, new int[] {2}, new float[] {1e30f, -1e30f, 1e30f, 0f}, 1, List.of());
        Sequential m = Sequential.builder().input(2).dense(4, Activation.RELU).dense(1).loss(Loss.mse()).build();
        FitOptions.Builder o = FitOptions.builder().epochs(5).batchSize(2).optimizer(Optimizer.sgd(10f));
        if (clipNorm > 0) {
            o.clipNorm(clipNorm);
        }
        return catchThrowableOfType(() -> m.fit(d, o.build()), DivergenceException.class);
    }

    private static StudyFile read(Path dir, String yaml) {
        return new StudyFileReader().read(dir.resolve("s.yaml"), yaml);
    }

    @Test
    void anMlpIsToldItsLrAndScalingWhereItsInputsAreUnscaledButNoClipNormItHasNot(@TempDir Path dir) {
        String iris = """
                study: s
                data: {bundled: iris%s}
                model: {family: mlp, space: {epochs: 1}}
                """;
        DivergenceException e = diverged(0);
        String scaled = new StudyFileAdvice(read(dir, iris.formatted(""))).words(e);
        assertThat(scaled).isEqualTo("training diverged at epoch 1, batch " + e.batch() + ": the loss is " + e.loss() + "."
                + " Try a lower lr (it was 10.0).");
        String unscaled = new StudyFileAdvice(read(dir, iris.formatted(", preprocessing: none"))).words(e);
        assertThat(unscaled).endsWith(" Try a lower lr (it was 10.0) or scaling the inputs (data.preprocessing: standard).");
        assertThat(e.getMessage()).contains("FitOptions.Builder.clipNorm"); // the Java API keeps its own words
    }

    @Test
    void aTextNetworkIsToldItsClipNorm(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.csv"), "text,label\nbuy cheap pills now,spam\nsee you at lunch,ham\n");
        StudyFileAdvice text = new StudyFileAdvice(read(dir, """
                study: s
                data: {csv: t.csv, text: text, label: label}
                model: {family: rnn, space: {epochs: 1}}
                """));
        assertThat(text.words(diverged(0.5))).endsWith(" Try a lower lr (it was 10.0) or a lower clip_norm (it was 0.5).");
        assertThat(text.words(diverged(0))).endsWith(" Try a lower lr (it was 10.0) or gradient clipping (clip_norm, e.g. 1.0).");
        // what a study's trial fails with: the advice, the engine's exception its cause
        DivergenceException e = diverged(0);
        assertThatThrownBy(() -> text.run(() -> {
            throw e;
        })).hasMessage(text.words(e)).hasCause(e);
    }
}
