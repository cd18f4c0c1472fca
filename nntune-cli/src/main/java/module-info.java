/**
 * The {@code nntune} command line: a thin adapter over a typed study-file model. Exported for the
 * modules that run a study's workers on a cluster (as nntune-spark does): the entry point
 * ({@code org.nntune.cli}), the exit codes and the exception that carries one ({@code exit}), the
 * {@link org.nntune.cli.run.ClusterWorkers} service they provide and the study run it drives
 * ({@code run}, which takes a progress mode from {@code output}), and the study-file model
 * ({@code studyfile}). The commands are not API. The packages form no cycle: {@code exit},
 * {@code output} and {@code studyfile} at the bottom, {@code run} on them, {@code command} on
 * {@code run}, the entry point on top. {@code bin/nntune} runs the shaded jar on the class path,
 * where this descriptor is ignored; as a module the CLI runs too ({@code java -p … -m org.nntune.cli}).
 */
module org.nntune.cli {
    // the exported packages' signatures name the engine's, the tuner's and the search's types
    requires transitive org.nntune.nn;
    requires transitive org.nntune.tune;
    requires transitive org.nntune.search;
    requires org.nntune.storage;
    requires org.nntune.onnx;
    requires org.nntune.dashboard;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.logging; // the level of nntune's own System.Logger output (the JDK routes it to java.util.logging)

    exports org.nntune.cli;
    exports org.nntune.cli.exit;
    exports org.nntune.cli.output;
    exports org.nntune.cli.run;
    exports org.nntune.cli.studyfile;

    // picocli reads and sets the annotated fields of the commands reflectively
    opens org.nntune.cli to info.picocli;
    opens org.nntune.cli.command to info.picocli;

    uses org.nntune.cli.run.ClusterWorkers;
}
