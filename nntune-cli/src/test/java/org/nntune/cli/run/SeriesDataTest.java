package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileReader;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A series study's data: windows in time order; test after training, validation after fitting, never shuffled across a cut. */
class SeriesDataTest {

    @Test
    void testAndValidationPartsComeAfterWhatIsTrainedOn(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("t,v\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i).append(',').append(i).append('\n'); // value = time step: a target names its own step
        }
        Files.writeString(dir.resolve("s.csv"), csv);
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                data: {csv: s.csv, series: v, window: 5, horizon: 3, test_fraction: 0.25}
                validation: {fraction: 0.2}
                model: {family: rnn, space: {epochs: 1}}
                """);
        StudyFile sf = new StudyFileReader().read(file);
        StudyData data = StudyData.load(sf, false);
        Dataset train = data.train();
        Dataset test = data.test().orElseThrow();
        assertThat(train.featureShape()).containsExactly(5, 1);
        assertThat(data.encoder()).isPresent();
        // training rows in time order; the first test target is after the last training target
        for (int i = 1; i < train.size(); i++) {
            assertThat(train.target(i, 0)).isGreaterThan(train.target(i - 1, 0));
        }
        assertThat(test.target(0, 0)).isGreaterThan(train.target(train.size() - 1, 2));

        Split v = StudyRun.cv(sf).splits(train, 123).get(0);
        assertThat(StudyRun.cv(sf).describe()).contains("time order");
        int lastFit = v.train()[v.train().length - 1];
        int firstHeld = v.test()[0];
        assertThat(v.test()).hasSize((int) Math.round(train.size() * 0.2));
        assertThat(v.test()[v.test().length - 1]).isEqualTo(train.size() - 1);
        // the last fitted window's last target comes before the first held-out window's first target
        assertThat(train.target(lastFit, 2)).isLessThan(train.target(firstHeld, 0));
        assertThat(firstHeld - lastFit).isEqualTo(3); // horizon 3: a gap of 2 windows
    }
}
