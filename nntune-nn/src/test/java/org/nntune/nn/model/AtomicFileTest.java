package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.layer.Activation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A saved model replaces its file in one step: the old file's bytes are never written over (a hard
 * link to the old file keeps the old model, which an in-place write would have changed), and no
 * temporary file is left.
 */
class AtomicFileTest {

    private static String[] names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void savingAModelReplacesTheFileAndNeverWritesIntoTheOldOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.model");
        Sequential first = Sequential.builder().input(4).dense(8, Activation.RELU).dense(3).seed(1).build();
        Sequential second = Sequential.builder().input(4).dense(16, Activation.TANH).dense(3).seed(2).build();
        first.save(file);
        byte[] old = Files.readAllBytes(file);
        Path oldLink = dir.resolve("old-link");
        Files.createLink(oldLink, file);

        second.save(file);
        assertThat(Files.readAllBytes(oldLink)).as("the old file's bytes were not written over").isEqualTo(old);
        assertThat(Files.readAllBytes(file)).isNotEqualTo(old);
        assertThat(Sequential.load(file).toString()).isEqualTo(second.toString());
        assertThat(names(dir)).containsExactly("m.model", "old-link");
    }

    @Test
    void aWriteThatCannotHappenLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.bin");
        AtomicFile.write(file, new byte[] {1, 2, 3});
        Files.createDirectories(dir.resolve("taken"));
        // the target is a non-empty folder: the rename fails, the temporary file goes
        Files.writeString(dir.resolve("taken").resolve("x"), "x");
        assertThatThrownBy(() -> AtomicFile.write(dir.resolve("taken"), new byte[] {9})).isInstanceOf(IOException.class);
        assertThat(names(dir)).containsExactly("m.bin", "taken");
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }
}
