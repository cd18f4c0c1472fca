package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A validation setting its method does not read is refused at its key, not ignored. */
class ValidationSettingsTest {
    private static StudyFile read(String validation) {
        return new StudyFileReader().read(Path.of("/tmp/studies/v.yaml"), """
                data: {bundled: iris}
                validation: %s
                model: {family: mlp}
                """.formatted(validation));
    }

    @Test
    void fractionWithAKfoldMethodIsRefusedAtFraction() {
        assertThatThrownBy(() -> read("{method: kfold, fraction: 0.3}"))
                .isInstanceOf(StudyFileException.class)
                .hasMessageStartingWith("/tmp/studies/v.yaml, line 2, key 'validation.fraction': 'fraction' applies to method: holdout")
                .hasMessageContaining("method: kfold");
        assertThatThrownBy(() -> read("{fraction: 0.3}"))
                .hasMessageContaining("key 'validation.fraction'").hasMessageContaining("the default method for classification, stratified_kfold");
    }

    @Test
    void foldsWithHoldoutIsRefusedAtFolds() {
        assertThatThrownBy(() -> read("{method: holdout, folds: 5}"))
                .isInstanceOf(StudyFileException.class)
                .hasMessageStartingWith("/tmp/studies/v.yaml, line 2, key 'validation.folds': 'folds' applies to method: kfold or stratified_kfold");
    }

    @Test
    void eachMethodWithItsOwnSettingIsRead() {
        assertThat(read("{method: kfold, folds: 4}").validation()).isEqualTo(new StudyFile.Validation("kfold", 4, 0.2));
        assertThat(read("{method: holdout, fraction: 0.3}").validation()).isEqualTo(new StudyFile.Validation("holdout", 5, 0.3));
    }
}
