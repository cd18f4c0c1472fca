package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFileReader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands nntune prints to be run again read back as they were meant, in a POSIX shell. */
class ShellWordsTest {

    @Test
    void aWordIsQuotedOnlyWhenTheShellWouldSplitOrExpandIt() {
        assertThat(ShellWords.word("iris-test")).isEqualTo("iris-test");
        assertThat(ShellWords.word("sqlite:/tmp/a/b.db")).isEqualTo("sqlite:/tmp/a/b.db");
        assertThat(ShellWords.word("postgresql://me@db:5432/s")).isEqualTo("postgresql://me@db:5432/s");
        assertThat(ShellWords.word("slow study")).isEqualTo("'slow study'");
        assertThat(ShellWords.word("multi obj ü")).isEqualTo("'multi obj ü'");
        assertThat(ShellWords.word("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellWords.word("$HOME")).isEqualTo("'$HOME'");
        assertThat(ShellWords.word("")).isEqualTo("''");
    }

    @Test
    void aDurationIsWrittenAsTimeoutReadsIt() {
        assertThat(ShellWords.duration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(ShellWords.duration(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(ShellWords.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(ShellWords.duration(Duration.ofMillis(1500))).isEqualTo("1.5");
        for (Duration d : new Duration[] {Duration.ofHours(2), Duration.ofMinutes(90), Duration.ofSeconds(45), Duration.ofMillis(1500)}) {
            assertThat(org.nntune.cli.studyfile.Section.parseDuration(ShellWords.duration(d))).isEqualTo(d);
        }
    }

    /** The resume command carries what changes the outcome: without --trials it would run the file's budget. */
    @Test
    void theResumeCommandIsTheCommandThatWasRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my runs").resolve("s.yaml");
        java.nio.file.Files.createDirectories(file.getParent());
        StudyFile sf = new StudyFileReader().read(file, "study: s\ndata: {bundled: iris}\nmodel: {family: mlp, space: {epochs: 1}}\nbudget: {trials: 6}\n");
        StudyRun.Overrides ov = new StudyRun.Overrides(Optional.of("sqlite:a.db"), Optional.of(10), Optional.of(Duration.ofMinutes(5)),
                Optional.of(2), Optional.empty(), Optional.of("slow study"));
        assertThat(StudyRun.resumeCommand(sf, ov, "slow study", "sqlite:a.db", false)).isEqualTo("nntune tune '" + file
                + "' --storage sqlite:a.db --study 'slow study' --trials 10 --timeout 5m --jobs 2");
        StudyRun.Overrides plain = new StudyRun.Overrides(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThat(StudyRun.resumeCommand(sf, plain, "s", "sqlite:s.db", false)).isEqualTo("nntune tune '" + file + "'");
        assertThat(StudyRun.resumeCommand(sf, new StudyRun.Overrides(Optional.of("sqlite:a.db"), Optional.of(14), Optional.empty(),
                Optional.empty(), Optional.empty()), "slow study", "sqlite:a.db", true))
                .isEqualTo("nntune worker 'slow study' --storage sqlite:a.db --trials 14");
    }
}
