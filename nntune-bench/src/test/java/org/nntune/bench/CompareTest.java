package org.nntune.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CompareTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThatThrownBy(() -> Stats.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lastJsonLineIsFlattenedWithDots() throws Exception {
        String out = "warming up\n{\"old\": 1}\nsome text\n{\"a\": 1.5, \"b\": {\"c\": 2, \"s\": \"x\"}, \"d\": [1]}\n";
        Map<String, Double> f = Compare.parseLastJson(out);
        assertThat(f).containsOnlyKeys("a", "b.c").containsEntry("a", 1.5).containsEntry("b.c", 2.0);
    }

    @Test
    void summarizeTakesMediansPerSideAndComputesRatios() {
        List<Compare.Run> runs = List.of(
                new Compare.Run("reference", 1, Map.of("wall_s", 10.0, "acc", 0.80)),
                new Compare.Run("nntune", 1, Map.of("wall_s", 2.0, "acc", 0.85, "heap", 50.0)),
                new Compare.Run("reference", 1, Map.of("wall_s", 12.0, "acc", 0.81)),
                new Compare.Run("nntune", 1, Map.of("wall_s", 4.0, "acc", 0.86, "heap", 60.0)),
                new Compare.Run("reference", 1, Map.of("wall_s", 11.0, "acc", 0.79)),
                new Compare.Run("nntune", 1, Map.of("wall_s", 3.0, "acc", 0.84, "heap", 55.0)));
        List<Compare.Row> rows = Compare.summarize(List.of(new Compare.Metric("wall_s", false),
                new Compare.Metric("acc", true), new Compare.Metric("heap", false)), runs);
        assertThat(rows.get(0).reference()).isEqualTo(11.0);
        assertThat(rows.get(0).ours()).isEqualTo(3.0);
        assertThat(rows.get(0).advantage()).isCloseTo(11.0 / 3.0, within(1e-12));
        assertThat(rows.get(1).advantage()).isCloseTo(0.85 / 0.80, within(1e-12));
        assertThat(rows.get(2).reference()).isNaN();
        assertThat(rows.get(2).ours()).isEqualTo(55.0);
        // pair by pair, in the figure's direction: wall 10/2, 12/4, 11/3; accuracy 0.85/0.80, 0.86/0.81, 0.84/0.79
        assertThat(rows.get(0).pairAdvantages()).containsExactly(5.0, 3.0, 11.0 / 3.0);
        assertThat(rows.get(1).pairAdvantages().get(2)).isCloseTo(0.84 / 0.79, within(1e-12));
        assertThat(Compare.pairRange(rows.get(0).pairAdvantages())).isEqualTo("3.00–5.00×");
    }

    @Test
    void aFigureMissingFromSomeRunsIsAnError() {
        List<Compare.Run> runs = List.of(
                new Compare.Run("reference", 1, Map.of("acc", 0.8)),
                new Compare.Run("nntune", 1, Map.of("acc", 0.8)),
                new Compare.Run("reference", 1, Map.of()),
                new Compare.Run("nntune", 1, Map.of("acc", 0.8)));
        assertThatThrownBy(() -> Compare.summarize(List.of(new Compare.Metric("acc", true)), runs))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'acc'");
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> Compare.Options.parse("--name", "x", "--ref", "true", "--ours-main", "A", "--pairs", "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 3 pairs");
        assertThatThrownBy(() -> Compare.Options.parse("--name", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("required");
        assertThatThrownBy(() -> Compare.Metric.parse("acc:up"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("higher");
        Compare.Options twice = Compare.Options.parse("--name", "x", "--ref", "true", "--ours-main", "A", "--metric", "wall_s:lower");
        assertThat(twice.metrics()).as("wall_s, always measured, asked for again").hasSize(1);
        Compare.Options o = Compare.Options.parse("--name", "x", "--ref", "true", "--ours-main", "A", "--metric", "acc:higher");
        assertThat(o.pairs()).isEqualTo(3);
        assertThat(o.xmx()).isEqualTo("1g");
        assertThat(o.metrics()).extracting(Compare.Metric::key).containsExactly("wall_s", "acc");
    }

    @Test
    void jvmFlagsComeFromTheParentPom() throws Exception {
        assertThat(Compare.jvmFlags()).contains("--add-modules jdk.incubator.vector")
                .contains("--enable-native-access=ALL-UNNAMED").contains("-XX:+UseSerialGC");
    }

    @Test
    void aCollectorInTheExtraArgumentsReplacesTheDefaultOne() {
        List<String> flags = List.of("--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC");
        assertThat(Compare.withUserCollector(flags, List.of("-XX:+UseG1GC")))
                .containsExactly("--add-modules", "jdk.incubator.vector");
        assertThat(Compare.withUserCollector(flags, List.of("-XX:+UseParallelGC", "-Xss2m")))
                .doesNotContain("-XX:+UseSerialGC");
        assertThat(Compare.withUserCollector(flags, List.of("-Xss2m", "-XX:+UseCompressedOops"))).isEqualTo(flags);
        assertThat(Compare.withUserCollector(flags, List.of())).isEqualTo(flags);
    }

    @Test
    void sectionsAreAppendedUnderOneHeader(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("BENCHMARKS-LOG.md");
        BenchmarksFile.append(file, "### one\n");
        BenchmarksFile.append(file, "### two\n");
        String text = Files.readString(file);
        assertThat(text).startsWith("# nntune benchmark log");
        assertThat(text.indexOf("### one")).isLessThan(text.indexOf("### two"));
        assertThat(text.split("# nntune benchmark log", -1)).hasSize(2);
    }

    @Test
    void heapProbeReportsAPositiveFigure() {
        assertThat(HeapProbe.usedAfterFullGc()).isPositive();
    }
}
