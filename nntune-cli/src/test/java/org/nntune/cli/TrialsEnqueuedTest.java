package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trials} shows a trial that waits with the values enqueued for it (as the dashboard does), marked in JSON. */
class TrialsEnqueuedTest {

    @Test
    void aWaitingEnqueuedTrialShowsTheValuesItWillRunWith(@TempDir Path dir) throws Exception {
        String url = "sqlite:" + dir.resolve("q.db");
        try (Storage storage = Storages.open(url)) {
            Study study = Study.builder("queued").storage(storage).direction(StudyDirection.MINIMIZE).create();
            study.optimize(t -> t.suggestFloat("x", 0, 1), 1);
            study.enqueueTrial(Map.of("x", 0.25));
        }
        CliTest.Result csv = CliTest.run("trials", "queued", "--storage", url, "--format", "csv");
        assertThat(csv.code()).as(csv.err()).isZero();
        assertThat(csv.out().split("\r\n")).hasSize(3);
        assertThat(csv.out().split("\r\n")[2]).startsWith("1,WAITING,").contains(",0.25");
        CliTest.Result json = CliTest.run("trials", "queued", "--storage", url, "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        String flat = json.out().replaceAll("\\s", "");
        assertThat(flat).contains("\"state\":\"WAITING\",\"values\":[],\"params\":{\"x\":0.25},\"enqueued\":[\"x\"]");
        // the finished trial shows what it asked for, and nothing is marked enqueued there
        assertThat(flat.indexOf("\"enqueued\"")).isEqualTo(flat.lastIndexOf("\"enqueued\""));
    }
}
