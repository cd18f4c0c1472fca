package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileException;
import org.nntune.cli.studyfile.StudyFileReader;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A missing data file is the study file's mistake at its key's line, also where the study file itself
 * is not on disk: a cluster worker reads the driver's file text, on a machine without the driver's folder.
 */
class DataKeyLineTest {

    @Test
    void aMissingCsvIsReportedAtItsKeysLineWhenOnlyTheFilesTextIsThere(@TempDir Path dir) {
        Path file = dir.resolve("elsewhere").resolve("sun.yaml"); // neither the file nor its folder exists
        String text = """
                study: sun
                # a comment
                task: classification
                data:
                  label: y
                  test_csv: data/test.csv
                  csv: data/train.csv
                model: {family: mlp, space: {epochs: 1}}
                """;
        StudyFile sf = new StudyFileReader().read(file, text);
        StudyFileException e = catchThrowableOfType(StudyFileException.class, () -> StudyData.load(sf, false));
        assertThat(e.where().line()).as(e.getMessage()).isEqualTo(7);
        assertThat(e.getMessage()).contains("line 7, key 'data.csv'").contains("train.csv does not exist");
    }
}
