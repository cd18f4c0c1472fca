package org.nntune.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every study file in {@code examples/} runs as a user would run it ({@code nntune tune FILE}),
 * on a small trial budget (two trials; one for the image sets, whose trials cost seconds), and no
 * trial may fail. The Fashion-MNIST files run on the first 1,000 images of each part
 * ({@code data.max_rows}) so that CI stays quick; everything else is the file as shipped. A
 * population-based training file trains its whole population (one trial per member round).
 */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples");
    static final int FASHION_MNIST_ROWS = 1000;

    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> everyExampleStudyFileRunsWithoutAFailedTrial() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(6);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runs(f)));
    }

    /** Whether a line outside a comment sets {@code name} (block or flow style). */
    static boolean key(String yaml, String name) {
        return java.util.regex.Pattern.compile("(?m)^[^#\\n]*\\b" + name + "\\s*:").matcher(yaml).find();
    }

    @org.junit.jupiter.api.Test
    void aKeyInACommentIsNoKey() {
        assertThat(key("# a number of trials: the time-budget mode\nbudget:\n  timeout: 20s\n", "trials")).isFalse();
        assertThat(key("# a number of trials: the time-budget mode\nbudget:\n  timeout: 20s\n", "timeout")).isTrue();
        assertThat(key("budget: {trials: 12}\n", "trials")).isTrue();
        assertThat(key("budget:\n  max_trials: 3\n", "trials")).isFalse();
    }

    private static void runs(Path example) throws Exception {
        String text = Files.readString(example);
        boolean images = text.contains("idx: fashion_mnist") || text.contains("bundled: digits");
        int trials = images ? 1 : 2;
        if (text.contains("idx: fashion_mnist")) {
            text = text.replaceFirst("(?m)^data:\\n", "data:\n  max_rows: " + FASHION_MNIST_ROWS + "\n");
        }
        Path data = EXAMPLES.resolve("data");
        if (Files.isDirectory(data) && !Files.exists(dir.resolve("data"))) {
            ReadmeTest.copyTree(data, dir.resolve("data")); // the study files' CSV sources, relative to them
        }
        Path file = dir.resolve(example.getFileName());
        Files.writeString(file, text);
        // a dry run first: every example checks out, and the dry run creates no storage beside it
        CliTest.Result dry = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.out() + dry.err()).isZero();
        assertThat(dry.out()).contains(org.nntune.cli.run.StudyRun.DRY_RUN_DONE);
        assertThat(dir.resolve(file.getFileName().toString().replace(".yaml", ".db"))).doesNotExist();
        // population-based training runs its population to the end: as many trials as member rounds
        boolean population = text.contains("type: pbt");
        // a time-budget example (a timeout, no trial count) runs as it is: its phases are shown; keys, not
        // comments ("given 20 seconds instead of a number of trials: ..." once made this a 1-trial run)
        boolean timeBudget = !population && key(text, "timeout") && !key(text, "trials");
        CliTest.Result r = population || timeBudget ? CliTest.run("tune", file.toString(), "--progress", "plain")
                : CliTest.run("tune", file.toString(), "--trials", Integer.toString(trials), "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        if (population) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("trained (\\d+) of the (\\d+) member rounds").matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            trials = Integer.parseInt(m.group(2));
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(trials);
        }
        assertThat(r.out()).contains("space (").contains("searched:").contains("fixed:");
        if (timeBudget) {
            assertThat(r.out()).contains("time budget ").containsPattern("(?m)^search · trial ").contains("refit trained ");
        }
        String stem = example.getFileName().toString().replace(".yaml", "");
        try (Storage storage = Storages.open("sqlite:" + dir.resolve(stem + ".db"))) {
            long id = storage.getAllStudies().get(0).studyId();
            List<FrozenTrial> all = storage.getAllTrials(id);
            if (timeBudget) {
                assertThat(all).hasSizeGreaterThan(1);
            } else {
                assertThat(all).hasSize(trials);
            }
            assertThat(all).as(r.out()).noneMatch(t -> t.state() == TrialState.FAIL);
        }
    }
}
