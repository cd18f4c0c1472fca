package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hints a did-you-mean alone cannot give: a key at the wrong level, Optuna's class names, the sampler's seed. */
class HintsTest {
    private static StudyFile read(String yaml) {
        return new StudyFileReader().read(Path.of("/tmp/studies/h.yaml"), yaml);
    }

    @Test
    void aTopLevelSpaceIsPointedToModelSpace() {
        assertThatThrownBy(() -> read("""
                data: {bundled: iris}
                space:
                  units: 8
                """)).hasMessageContaining("line 2, key 'space': unknown key 'space'; did you mean model.space?");
    }

    @Test
    void aHyperparameterDirectlyUnderModelIsPointedToTheSpace() {
        assertThatThrownBy(() -> read("""
                data: {bundled: iris}
                model:
                  family: mlp
                  units: 8
                """)).hasMessageContaining("line 4, key 'model.units': unknown key 'units'; did you mean model.space.units?");
    }

    @Test
    void optunasClassNamesAreMappedToOurs() {
        assertThatThrownBy(() -> read("data: {bundled: iris}\nsampler: TPESampler\npruner: MedianPruner\n"))
                .hasMessageContaining("key 'sampler': 'TPESampler' is not allowed; did you mean 'tpe'?")
                .hasMessageContaining("key 'pruner': 'MedianPruner' is not allowed; did you mean 'median'?");
        assertThatThrownBy(() -> read("data: {bundled: iris}\nsampler: {type: CmaEsSampler}\npruner: SuccessiveHalvingPruner\n"))
                .hasMessageContaining("did you mean 'cmaes'?").hasMessageContaining("did you mean 'asha'?");
    }

    @Test
    void aSamplersSeedIsPointedToTheStudySeed() {
        assertThatThrownBy(() -> read("data: {bundled: iris}\nsampler: {type: tpe, seed: 3}\n"))
                .hasMessageContaining("line 2, key 'sampler.seed': unknown option 'seed' for sampler type tpe; the study's seed is the"
                        + " top-level 'seed:'");
    }

    @Test
    void aFileWithoutModelIsTheMlpFamilysFixedNetwork() {
        StudyFile sf = read("data: {bundled: iris}\n");
        assertThat(sf.model().family()).isEqualTo("mlp");
        assertThat(sf.model().defaults()).isEqualTo("fixed");
        assertThat(sf.model().space()).isEmpty();
    }
}
