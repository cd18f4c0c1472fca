package org.nntune.tune;

import org.junit.jupiter.api.Test;
import org.nntune.tune.study.Study;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of nntune-tune form no cycle: {@code trial} (with {@code space}) at the bottom, the
 * strategies and the storage contract on it, {@code study} and {@code population} on top. Read from
 * the compiled classes, so a dependency through a field type, a generic signature or a lambda counts
 * as much as an import.
 */
class PackageCyclesTest {
    private static PackageGraph tune() throws Exception {
        Path classes = Path.of(Study.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return PackageGraph.read(classes, "org.nntune.tune");
    }

    @Test
    void tunePackagesFormNoCycle() throws Exception {
        PackageGraph g = tune();
        assertThat(g.cycles()).as("package cycles in nntune-tune, with a class-level dependency for each edge")
                .isEmpty();
    }

    @Test
    void theGraphHoldsTheLayersAndACycleWouldBeFound() throws Exception {
        PackageGraph g = tune();
        // the edges the layering is about are read from the class files
        assertThat(g.dependencies().get("org.nntune.tune.study"))
                .contains("org.nntune.tune.sampler", "org.nntune.tune.pruner", "org.nntune.tune.storage", "org.nntune.tune.trial");
        assertThat(g.dependencies().get("org.nntune.tune.sampler")).contains("org.nntune.tune.trial")
                .doesNotContain("org.nntune.tune.study", "org.nntune.tune.analysis");
        assertThat(g.dependencies().get("org.nntune.tune.trial")).containsOnly("org.nntune.tune.space");
        // one class of the bottom package naming the facade closes a loop through everything between them
        g.add("org.nntune.tune.trial.FrozenTrial", "org.nntune.tune.study.Study");
        assertThat(g.cycles()).singleElement().asString()
                .contains("org.nntune.tune.sampler ⇄ ", "org.nntune.tune.study ⇄ ", "org.nntune.tune.trial:")
                .contains("org.nntune.tune.trial -> org.nntune.tune.study   e.g. org.nntune.tune.trial.FrozenTrial -> org.nntune.tune.study.Study");
    }
}
