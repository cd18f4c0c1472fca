package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.nntune.tune.PackageGraph;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of nntune-cli form no cycle: {@code exit}, {@code output} and {@code studyfile} at
 * the bottom, {@code run} on them, {@code command} on {@code run}, the entry point ({@code Main}) on
 * top. Read from the compiled classes, as nntune-tune's own test reads its packages.
 */
class CliPackageCyclesTest {
    private static PackageGraph cli() throws Exception {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return PackageGraph.read(classes, "org.nntune.cli");
    }

    @Test
    void cliPackagesFormNoCycle() throws Exception {
        assertThat(cli().cycles()).as("package cycles in nntune-cli, with a class-level dependency for each edge").isEmpty();
    }

    @Test
    void theLayersAreReadFromTheClassesAndACycleWouldBeFound() throws Exception {
        PackageGraph g = cli();
        assertThat(g.dependencies().get("org.nntune.cli")).contains("org.nntune.cli.command", "org.nntune.cli.exit");
        assertThat(g.dependencies().get("org.nntune.cli.command")).contains("org.nntune.cli.run", "org.nntune.cli.exit")
                .doesNotContain("org.nntune.cli");
        assertThat(g.dependencies().get("org.nntune.cli.run")).contains("org.nntune.cli.studyfile", "org.nntune.cli.exit")
                .doesNotContain("org.nntune.cli.command", "org.nntune.cli");
        assertThat(g.dependencies().getOrDefault("org.nntune.cli.exit", java.util.Set.of())).isEmpty();
        // the study run naming a command again would close run -> command -> run
        g.add("org.nntune.cli.run.StudyRun", "org.nntune.cli.command.StorageOption");
        assertThat(g.cycles()).singleElement().asString().contains("org.nntune.cli.command", "org.nntune.cli.run");
    }
}
