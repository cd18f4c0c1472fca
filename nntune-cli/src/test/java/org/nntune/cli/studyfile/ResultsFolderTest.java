package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A study's results folder by its name: readable, and never shared by two names. */
class ResultsFolderTest {

    @Test
    void aNameThatIsAlreadyAFileNameIsKeptInAnyScript() {
        assertThat(StudyFile.resultsFolder("iris-2")).isEqualTo("iris-2-results");
        assertThat(StudyFile.resultsFolder("my_study_ü")).isEqualTo("my_study_ü-results");
        assertThat(StudyFile.resultsFolder("実験.v1")).isEqualTo("実験.v1-results");
    }

    @Test
    void namesThatDifferOnlyInCharactersAFileNameCannotHoldGetFoldersOfTheirOwn() {
        List<String> names = List.of("my study ü", "my study ä", "my_study_ü", "my:study_ü", "a/b", "a:b", "a_b", "slow study");
        HashSet<String> folders = new HashSet<>();
        for (String n : names) {
            String f = StudyFile.resultsFolder(n);
            assertThat(f).matches("[\\p{L}\\p{N}._-]+").endsWith("-results");
            assertThat(folders.add(f)).as("%s → %s shared", n, f).isTrue();
        }
        assertThat(StudyFile.resultsFolder("slow study")).matches("slow_study-[0-9a-f]{6}-results")
                .isEqualTo(StudyFile.resultsFolder("slow study")); // the same name, the same folder, every run
    }
}
