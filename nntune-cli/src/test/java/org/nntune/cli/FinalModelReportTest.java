package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report a run writes names the model it saved and its score on the held-out test rows: it showed only the best
 * trial's validation value, which chose the configuration and so flatters it, and the test score was lost with the
 * terminal (a tester).
 */
class FinalModelReportTest {

    @Test
    void theReportShowsTheSavedModelAndItsTestScore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("final.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("final", 2));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = Pattern.compile("refitted on all (\\d+) training rows; test accuracy: ([0-9.]+) \\((\\d+) test rows\\)")
                .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        String report = Files.readString(dir.resolve("final-results").resolve("report.html"));
        assertThat(report).contains("<th>Final model</th>", "refitted on " + m.group(1) + " training rows",
                "on " + m.group(3) + " held-out rows", dir.resolve("final-results").resolve("best.model").toAbsolutePath().toString());
        Matcher score = Pattern.compile("test accuracy (0\\.[0-9]+) on").matcher(report);
        assertThat(score.find()).as(report).isTrue();
        assertThat(Double.parseDouble(score.group(1))).isCloseTo(Double.parseDouble(m.group(2)), org.assertj.core.data.Offset.offset(1e-4));
        // nntune report reads it from the study as well
        Path again = dir.resolve("again.html");
        assertThat(CliTest.run("report", file.toString(), "-o", again.toString()).code()).isZero();
        assertThat(Files.readString(again)).contains("<th>Final model</th>", "held-out rows");
    }
}
