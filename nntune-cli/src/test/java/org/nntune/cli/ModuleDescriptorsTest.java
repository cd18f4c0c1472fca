package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.nntune.cli.run.ClusterWorkers;
import org.nntune.dashboard.HtmlReport;
import org.nntune.nn.model.Sequential;
import org.nntune.onnx.OnnxExport;
import org.nntune.search.MlpSpace;
import org.nntune.storage.JdbcStorage;
import org.nntune.tune.study.Study;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every library module the CLI uses, and the CLI, is a named module exporting only its API packages: its descriptor
 * is read from the jar or class folder its classes come from (the CLI runs on the class path, where the
 * descriptors are otherwise ignored).
 */
class ModuleDescriptorsTest {
    private static ModuleDescriptor descriptor(Class<?> anyClass, String module) throws Exception {
        Path location = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ModuleFinder.of(location).find(module).orElseThrow(() -> new AssertionError(
                location + " holds no module " + module)).descriptor();
    }

    private static Set<String> exported(ModuleDescriptor d) {
        Set<String> out = new TreeSet<>();
        d.exports().forEach(e -> out.add(e.source()));
        return out;
    }

    @Test
    void eachModuleExportsOnlyItsApiPackages() throws Exception {
        record Expected(Class<?> anyClass, String module, List<String> exports) {}
        for (Expected e : List.of(
                new Expected(Sequential.class, "org.nntune.nn", List.of("org.nntune.nn.data", "org.nntune.nn.layer",
                        "org.nntune.nn.loss", "org.nntune.nn.metric", "org.nntune.nn.model", "org.nntune.nn.optim",
                        "org.nntune.nn.tensor")),
                new Expected(Study.class, "org.nntune.tune", List.of("org.nntune.tune.analysis", "org.nntune.tune.population",
                        "org.nntune.tune.pruner", "org.nntune.tune.run", "org.nntune.tune.sampler", "org.nntune.tune.space",
                        "org.nntune.tune.storage", "org.nntune.tune.study", "org.nntune.tune.trial")),
                new Expected(JdbcStorage.class, "org.nntune.storage", List.of("org.nntune.storage")),
                new Expected(MlpSpace.class, "org.nntune.search", List.of("org.nntune.search")),
                new Expected(OnnxExport.class, "org.nntune.onnx", List.of("org.nntune.onnx")),
                new Expected(HtmlReport.class, "org.nntune.dashboard", List.of("org.nntune.dashboard",
                        "org.nntune.dashboard.web")),
                new Expected(Main.class, "org.nntune.cli", List.of("org.nntune.cli", "org.nntune.cli.exit",
                        "org.nntune.cli.output", "org.nntune.cli.run", "org.nntune.cli.studyfile")))) {
            ModuleDescriptor d = descriptor(e.anyClass(), e.module());
            assertThat(exported(d)).as(e.module()).containsExactlyElementsOf(e.exports());
            assertThat(d.packages()).as(e.module()).containsAll(e.exports());
        }
        // not API: the engine's kernels, the dashboard's SVG kit and the CLI's commands
        assertThat(descriptor(Sequential.class, "org.nntune.nn").packages()).contains("org.nntune.nn.internal.kernels");
        assertThat(descriptor(HtmlReport.class, "org.nntune.dashboard").packages()).contains("org.nntune.dashboard.svg");
        ModuleDescriptor cli = descriptor(Main.class, "org.nntune.cli");
        assertThat(cli.packages()).contains("org.nntune.cli.command");
        // as a module the CLI finds cluster runners with ServiceLoader, and picocli reaches into its commands
        assertThat(cli.uses()).containsExactly(ClusterWorkers.class.getName());
        assertThat(cli.opens()).extracting(ModuleDescriptor.Opens::source, ModuleDescriptor.Opens::targets)
                .contains(org.assertj.core.groups.Tuple.tuple("org.nntune.cli.command", Set.of("info.picocli")),
                        org.assertj.core.groups.Tuple.tuple("org.nntune.cli", Set.of("info.picocli")));
    }
}
