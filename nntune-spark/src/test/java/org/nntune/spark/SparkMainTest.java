package org.nntune.spark;

import org.junit.jupiter.api.Test;
import org.nntune.cli.exit.ExitCode;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** SparkMain outside spark-submit, and with an option spark-submit owns (its real runs: ReadmeSparkIT). */
class SparkMainTest {

    @Test
    void withoutSparkSubmitsMasterItSaysHowToRunIt() {
        String before = System.clearProperty("spark.master");
        try {
            StringWriter err = new StringWriter();
            int code = SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "study.yaml", "--workers", "2");
            assertThat(code).isEqualTo(ExitCode.USAGE);
            assertThat(err.toString()).contains("no Spark master").contains("spark-submit --master URL --class org.nntune.spark.SparkMain")
                    .contains("nntune tune STUDY.yaml --spark URL");
        } finally {
            if (before != null) {
                System.setProperty("spark.master", before);
            }
        }
    }

    @Test
    void theMasterIsSparkSubmitsSoSparkIsRefused() {
        StringWriter err = new StringWriter();
        int code = SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "study.yaml", "--spark", "local[2]");
        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("takes the master from spark-submit").contains("remove --spark");
    }

    @Test
    void populationBasedTrainingIsRefusedOnSparkSayingWhatToDoInstead() {
        java.nio.file.Path pbt = java.nio.file.Path.of("..", "examples", "iris-pbt.yaml");
        Studies.Result r = Studies.nntune("tune", pbt.toString(), "--spark", "local[2]", "--workers", "2",
                "--storage", "postgresql://tuner@dbhost:5432/studies", "--progress", "none");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("population-based training (sampler: pbt) does not run on a spark cluster")
                .contains("nntune worker");
    }
}
