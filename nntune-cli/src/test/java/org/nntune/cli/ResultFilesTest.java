package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file nntune writes replaces the old one in a single rename, so a crash or {@code kill -9}
 * half-way leaves the old complete file: checked by keeping a hard link to each old file, whose bytes
 * an in-place rewrite would change, and by finding no temporary file afterwards.
 */
class ResultFilesTest {

    @Test
    void resultsReportsAndExportsAreReplacedNeverRewrittenInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("atomic.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("atomic", 2));
        CliTest.Result first = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(first.code()).as(first.err()).isZero();
        Path results = dir.resolve("atomic-results");
        Path export = dir.resolve("best.json");
        Path model = dir.resolve("exported.model");
        Path report = dir.resolve("r.html");
        assertThat(CliTest.run("best", file.toString(), "--export", export.toString(), "--model", model.toString()).code()).isZero();
        assertThat(CliTest.run("report", file.toString(), "-o", report.toString()).code()).isZero();

        List<Path> written = List.of(results.resolve("trials.csv"), results.resolve("best-params.json"),
                results.resolve("best.model"), results.resolve("report.html"), export, model, report);
        Map<Path, byte[]> old = new LinkedHashMap<>();
        Path links = Files.createDirectories(dir.resolve("links"));
        for (Path p : written) {
            old.put(p, Files.readAllBytes(p));
            Files.createLink(links.resolve(p.getParent().getFileName() + "-" + p.getFileName()), p);
        }

        CliTest.Result again = CliTest.run("tune", file.toString(), "--trials", "4", "--progress", "none");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(CliTest.run("best", file.toString(), "--export", export.toString(), "--model", model.toString()).code()).isZero();
        assertThat(CliTest.run("report", file.toString(), "-o", report.toString()).code()).isZero();

        for (Path p : written) {
            Path link = links.resolve(p.getParent().getFileName() + "-" + p.getFileName());
            assertThat(Files.readAllBytes(link)).as("old bytes of " + p + " untouched").isEqualTo(old.get(p));
        }
        assertThat(Files.readAllLines(results.resolve("trials.csv"))).hasSize(1 + 4);
        assertThat(Files.readAllLines(links.resolve("atomic-results-trials.csv"))).hasSize(1 + 2);
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(Path::toString).filter(n -> n.endsWith(".tmp"))).as("temporary files left").isEmpty();
        }
    }
}
