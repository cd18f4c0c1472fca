package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.output.TextTable;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.Storage;
import org.nntune.storage.Storages;
import org.nntune.tune.study.Study;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code studies} and {@code trials} line their columns up for names in any script ({@link TextTable}). */
class WideNamesTest {

    /** {@code studies} with a Japanese study name: the directions column starts at one terminal column on every row. */
    @Test
    void studiesAlignsWideNames(@TempDir Path dir) {
        String url = "sqlite:///" + dir.resolve("s.db");
        try (Storage storage = Storages.open(url)) {
            for (String name : List.of("実験-一", "iris")) {
                Study.builder(name).storage(storage).sampler(new RandomSampler(1)).create()
                        .optimize(t -> t.suggestFloat("x", 0, 1), 2);
            }
        }
        CliTest.Result r = CliTest.run("studies", "--storage", url);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        List<Integer> at = lines.stream().map(l -> {
            int i = l.indexOf(l.startsWith("study") ? "directions" : "[minimize]");
            return TextTable.width(l.substring(0, i));
        }).toList();
        assertThat(at).as(r.out()).containsOnly(at.get(0));
        List<Integer> bestAt = lines.stream().map(l -> {
            int i = l.startsWith("study") ? l.indexOf("best") : l.indexOf("(trial");
            return TextTable.width(l.substring(0, i));
        }).toList();
        assertThat(bestAt.get(1)).as(r.out()).isEqualTo(bestAt.get(2)); // the best values start together too
    }

    /** {@code trials} with a wide category value: the column after it (z, one digit) starts at one terminal column on every line. */
    @Test
    void trialsAlignsWideValues(@TempDir Path dir) {
        String url = "sqlite:///" + dir.resolve("t.db");
        try (Storage storage = Storages.open(url)) {
            Study.builder("words").storage(storage).sampler(new RandomSampler(3)).create()
                    .optimize(t -> t.suggestCategorical("w", List.of("猫", "cat", "ねこねこ")).length() + t.suggestInt("z", 0, 9), 8);
        }
        CliTest.Result r = CliTest.run("trials", "words", "--storage", url);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(9);
        List<Integer> zAt = lines.stream().map(l -> TextTable.width(l) - (l.startsWith("number") ? "param_z".length() : 1)).toList();
        assertThat(zAt).as(r.out()).containsOnly(zAt.get(0));
    }
}
