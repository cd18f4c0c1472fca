package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A metric's direction against its nature is a mistake: it would search for the worst networks. */
class DirectionTest {
    private static StudyFile read(String metric) {
        return new StudyFileReader().read(Path.of("/tmp/studies/d.yaml"), "data: {bundled: iris}\n" + metric);
    }

    @Test
    void theOppositeOfAMetricsDirectionIsRefusedAtDirection() {
        assertThatThrownBy(() -> read("metric: accuracy\ndirection: minimize\n"))
                .isInstanceOf(StudyFileException.class)
                .hasMessage("/tmp/studies/d.yaml, line 3, key 'direction': accuracy is better when higher, so direction: minimize"
                        + " would search for the worst networks (direction: maximize, or leave 'direction' out (each metric's own direction))");
        assertThatThrownBy(() -> read("metric: log_loss\ndirection: maximize\n")).hasMessageContaining("log_loss is better when lower");
        assertThatThrownBy(() -> read("metric: [accuracy, parameter_count]\ndirection: [minimize, minimize]\n"))
                .hasMessageContaining("accuracy is better when higher");
    }

    @Test
    void theNaturalDirectionWrittenOutIsFine() {
        assertThat(read("metric: accuracy\ndirection: maximize\n").objectives()).containsExactly(new StudyFile.Objective("accuracy", "maximize"));
        assertThat(read("metric: [accuracy, parameter_count]\ndirection: [maximize, minimize]\n").objectives()).hasSize(2);
    }
}
