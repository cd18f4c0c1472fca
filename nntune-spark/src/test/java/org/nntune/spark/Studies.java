package org.nntune.spark;

import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Study files and checks the Spark tests share. */
final class Studies {
    private Studies() {}

    /**
     * A grid of 4 × 3 = 12 points on iris (an MLP of 1 layer: units × learning rate), trials of a
     * fraction of a second each ({@code epochs}: longer trials), budget {@code trials}.
     */
    static String grid(String name, int trials, int epochs) {
        return """
                study: %s
                seed: 7
                data: {bundled: iris}
                metric: accuracy
                validation: {method: holdout, fraction: 0.25}
                model:
                  family: mlp
                  space:
                    hidden: [[4], [6], [8], [12]]
                    optimizer: adam
                    lr: [1.0e-2, 3.0e-2, 1.0e-1]
                    batch_size: 8
                    epochs: %d
                sampler: grid
                pruner: {type: none}
                budget: {trials: %d}
                """.formatted(name, epochs, trials);
    }

    /** The study's trials. */
    static List<FrozenTrial> trials(String url, String study) {
        try (Storage s = Storages.open(url)) {
            return s.getAllTrials(s.findStudyId(study).orElseThrow());
        }
    }

    /**
     * Exactly {@code budget} COMPLETE trials, numbered without gap or repeat; no two on one grid point
     * (a retry of a stale trial runs its point again, as the same point: its FAIL is not counted);
     * nothing left RUNNING or WAITING; every FAIL a stale trial (a lost worker's).
     */
    static void assertExactBudget(String url, String study, int budget) {
        List<FrozenTrial> all = trials(url, study);
        assertThat(all).extracting(FrozenTrial::state).doesNotContain(TrialState.RUNNING, TrialState.WAITING);
        assertThat(all).extracting(FrozenTrial::number).containsExactlyElementsOf(IntStream.range(0, all.size()).boxed().toList());
        List<FrozenTrial> complete = all.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        assertThat(complete).hasSize(budget);
        List<Map<String, Object>> points = complete.stream().map(FrozenTrial::params).toList();
        assertThat(points).doesNotHaveDuplicates();
        assertThat(all).filteredOn(t -> t.state() == TrialState.FAIL)
                .allSatisfy(t -> assertThat(t.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("stale")));
    }

    /** Output and error of an in-process command. */
    record Result(int code, String out, String err) {}

    /** Runs {@code nntune ARGS} in this JVM (with nntune-spark and Spark on the class path). */
    static Result nntune(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = org.nntune.cli.Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
