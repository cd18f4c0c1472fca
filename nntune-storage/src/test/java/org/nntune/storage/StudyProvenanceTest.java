package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudyProvenanceTest {
    @TempDir
    Path dir;

    @Test
    void definitionAndFingerprintAreRecordedOnceAndChecked() {
        String url = "sqlite:" + dir.resolve("p.db");
        Map<String, Object> def = Map.of("space", Map.of("lr", List.of(0.1, 0.01)), "epochs", 3);
        try (Storage s = new JdbcStorage(url)) {
            long id = s.createStudy("p", List.of(StudyDirection.MINIMIZE));
            assertThat(StudyProvenance.definition(s, id)).isEmpty();
            StudyProvenance.recordDefinition(s, id, def);
            StudyProvenance.recordDefinition(s, id, def); // the same again is fine
            StudyProvenance.recordDataFingerprint(s, id, "sha256:abc");
            assertThatThrownBy(() -> StudyProvenance.recordDefinition(s, id, Map.of("epochs", 4)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("study 'p'")
                    .hasMessageContaining("different study definition");
            assertThatThrownBy(() -> StudyProvenance.recordDataFingerprint(s, id, " "))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (Storage s = new JdbcStorage(url)) { // another worker, knowing only URL and name
            long id = s.getStudyId("p");
            assertThat(StudyProvenance.definition(s, id)).hasValue(Map.of("space", Map.of("lr", List.of(0.1, 0.01)), "epochs", 3L));
            assertThat(StudyProvenance.dataFingerprint(s, id)).hasValue("sha256:abc");
            StudyProvenance.checkDataFingerprint(s, id, "sha256:abc");
            assertThatThrownBy(() -> StudyProvenance.checkDataFingerprint(s, id, "sha256:def"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("sha256:abc")
                    .hasMessageContaining("sha256:def").hasMessageContaining("same data");
        }
    }
}
