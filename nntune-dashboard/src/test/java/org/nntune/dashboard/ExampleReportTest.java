package org.nntune.dashboard;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes example reports to target/ (for looking at them) and checks they are written whole. */
class ExampleReportTest {
    @Test
    void writesExampleReports() throws Exception {
        Path dir = Path.of("target", "example-reports");
        Files.createDirectories(dir);
        Path single = dir.resolve("single.html");
        HtmlReport.write(ExampleStudies.singleObjective("mlp on <digits> & \"friends\"", 300, 42), single);
        Path multi = dir.resolve("multi.html");
        HtmlReport.write(ExampleStudies.twoObjectives("accuracy vs size", 200, 7), multi);
        assertThat(Files.readString(single)).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(Files.readString(multi)).contains("id=\"pareto\"");
    }
}
