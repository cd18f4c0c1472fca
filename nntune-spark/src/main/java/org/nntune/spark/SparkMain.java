package org.nntune.spark;

import org.nntune.cli.Main;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point for {@code spark-submit}:
 * <pre>
 * spark-submit --class org.nntune.spark.SparkMain nntune-spark.jar STUDY.yaml --workers N --storage postgresql://…
 * </pre>
 * It is {@code nntune tune STUDY.yaml --spark MASTER …} with the master spark-submit was given
 * ({@code --master}, or the cluster's spark-defaults): the same options, checks, progress, results
 * and exit codes ({@link org.nntune.cli.exit.ExitCode}); the driver runs wherever spark-submit runs it.
 */
public final class SparkMain {
    private SparkMain() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(out, err, args));
    }

    /** {@link #main} without exiting; @return the exit code */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        String master = System.getProperty("spark.master");
        if (Arrays.asList(args).contains("--spark")) {
            err.println("nntune: SparkMain takes the master from spark-submit (--master); remove --spark");
            return org.nntune.cli.exit.ExitCode.USAGE;
        }
        if (master == null || master.isBlank()) {
            err.println("nntune: no Spark master: run SparkMain with spark-submit --master URL --class "
                    + SparkMain.class.getName() + " nntune-spark.jar STUDY.yaml --workers N --storage URL,"
                    + " or run nntune tune STUDY.yaml --spark URL");
            return org.nntune.cli.exit.ExitCode.USAGE;
        }
        // spark-submit has set up Spark's default log profile (every INFO line of Spark's, and of the storage's
        // connection pool, which opens before Spark starts): quieted now as nntune tune --spark quiets it
        SparkWorkers.quietSparkLog(Arrays.asList(args).contains("--verbose"));
        List<String> tune = new ArrayList<>(List.of("tune"));
        tune.addAll(Arrays.asList(args));
        tune.addAll(List.of("--spark", master));
        return Main.run(out, err, tune.toArray(String[]::new));
    }
}
