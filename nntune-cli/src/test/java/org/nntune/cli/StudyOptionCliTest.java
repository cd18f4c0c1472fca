package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --study NAME} on the commands that read a study given by its file: tune suggests
 * {@code --study NEW-NAME}, and {@code trials FILE --study NEW-NAME} was an unknown option. And
 * {@code best} on a study with no complete trial says why, as tune does.
 */
class StudyOptionCliTest {

    private static Path write(Path dir, String name, int trials) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted(name, trials));
        return file;
    }

    @Test
    void theReadingCommandsTakeAStudyOfAnotherNameInTheFilesStorage(@TempDir Path dir) throws Exception {
        Path file = write(dir, "g", 1);
        assertThat(CliTest.run("tune", file.toString(), "--progress", "none").code()).isZero();
        CliTest.Result other = CliTest.run("tune", file.toString(), "--study", "x", "--trials", "2", "--progress", "none");
        assertThat(other.code()).as(other.err()).isZero();
        CliTest.Result trials = CliTest.run("trials", file.toString(), "--study", "x", "--format", "csv");
        assertThat(trials.code()).as(trials.err()).isZero();
        assertThat(trials.out().lines().count()).as(trials.out()).isEqualTo(3); // header and x's 2 trials, not g's 1
        assertThat(CliTest.run("trials", file.toString(), "--format", "csv").out().lines().count()).isEqualTo(2);
        CliTest.Result best = CliTest.run("best", file.toString(), "--study", "x");
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).contains("best trial ");
        Path report = dir.resolve("x.html");
        CliTest.Result written = CliTest.run("report", file.toString(), "--study", "x", "-o", report.toString());
        assertThat(written.code()).as(written.err()).isZero();
        assertThat(report).exists();
        // a name the storage lacks is said as for any study
        CliTest.Result missing = CliTest.run("trials", file.toString(), "--study", "nope");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nope");
        // with a study name, --study has no file's storage to look in
        CliTest.Result byName = CliTest.run("trials", "g", "--study", "x", "--storage", "sqlite:" + dir.resolve("g.db"));
        assertThat(byName.code()).isEqualTo(ExitCode.USAGE);
        assertThat(byName.err()).contains("--study NAME goes with a study file").contains("g is a study name");
        CliTest.Result deleted = CliTest.run("delete", file.toString(), "--study", "x", "--yes");
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(CliTest.run("trials", file.toString(), "--study", "x").code()).isNotZero();
        assertThat(CliTest.run("trials", file.toString(), "--format", "csv").out().lines().count()).as("g is kept").isEqualTo(2);
    }

    @Test
    void bestOnAStudyWhoseTrialsAllFailedSaysWhy(@TempDir Path dir) throws Exception {
        String url = "sqlite:" + dir.resolve("f.db");
        try (var storage = org.nntune.storage.Storages.open(url)) {
            Study s = Study.builder("f").storage(storage).create();
            for (int i = 0; i < 2; i++) {
                Trial t = s.ask();
                t.suggestFloat("x", 0, 1);
                s.tellFailed(t, "the loss became NaN at epoch 3");
            }
        }
        CliTest.Result best = CliTest.run("best", "f", "--storage", url);
        assertThat(best.code()).isEqualTo(ExitCode.OTHER);
        assertThat(best.err()).contains("study 'f' has no best trial: no trial completed (2 trials: 2 failed, e.g. trial 0: the loss"
                + " became NaN at epoch 3); see nntune trials f --storage " + url).doesNotContain("--verbose");
    }
}
