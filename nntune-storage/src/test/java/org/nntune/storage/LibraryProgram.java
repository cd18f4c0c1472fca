package org.nntune.storage;

import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Study;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A library user's program as README's "Use as a library" shows it, run as a child JVM by the tests:
 * {@code LibraryProgram URL STUDY TRIALS [HANG_MARKER]} creates or loads the study and runs
 * {@code optimize(objective, TRIALS)} with the default options. With a marker path, trial 3 writes the
 * marker and hangs, for the test to kill the JVM in the middle of it. Heartbeats every 200 ms
 * ({@code nntune.heartbeatMillis}), so that a dead trial goes stale in 0.4 s.
 */
public final class LibraryProgram {
    private LibraryProgram() {}

    /** The program; prints "finished N trials" when {@code optimize} returns. */
    public static void main(String[] args) throws Exception {
        System.setProperty("nntune.heartbeatMillis", "200");
        Path marker = args.length > 3 ? Path.of(args[3]) : null;
        try (Storage storage = Storages.open(args[0])) {
            Study study = Study.builder(args[1]).storage(storage).createOrLoad();
            study.optimize(trial -> {
                double x = trial.suggestFloat("x", -10, 10);
                if (marker != null && trial.number() == 3) {
                    Files.writeString(marker, "trial 3 runs");
                    Thread.sleep(600_000);
                }
                return x * x;
            }, Integer.parseInt(args[2]));
            System.out.println("finished " + study.trials().size() + " trials");
        }
    }
}
