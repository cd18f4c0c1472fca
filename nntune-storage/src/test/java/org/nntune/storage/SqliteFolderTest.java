package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An SQLite file whose folder does not exist: the message names the file as resolved and the missing folder
 * (SQLite's own says neither), and a three-slash URL meant as an absolute path gets the four-slash one.
 */
class SqliteFolderTest {
    @TempDir
    Path dir;

    @Test
    void threeSlashesAreRelativeAndTheMessageSaysWhichFileAndHowToWriteTheAbsoluteOne() {
        String relative = dir.resolve("plain.db").toString().substring(1); // tmp/junit…/plain.db
        Path resolved = Path.of(relative).toAbsolutePath();
        Path missing = Path.of(relative.substring(0, relative.indexOf('/'))).toAbsolutePath();
        assertThat(missing).doesNotExist();
        assertThatThrownBy(() -> Storages.open("sqlite:///" + relative)).isInstanceOf(StorageException.class)
                .hasMessageContaining("the SQLite file " + resolved + " cannot be created: the folder " + missing + " does not exist")
                .hasMessageContaining("three slashes is a path relative to the working directory")
                .hasMessageContaining("for the absolute path " + dir.resolve("plain.db") + " write sqlite:////" + relative)
                .hasMessageNotContaining("Failed to initialize pool");
        assertThatThrownBy(() -> Storages.open("optuna+sqlite:///" + relative)).isInstanceOf(StorageException.class)
                .hasMessageContaining("the SQLite file " + resolved)
                .hasMessageContaining("write optuna+sqlite:////" + relative + " with four slashes");
        assertThat(missing).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aMissingFolderIsNamedWithoutAHintWhenNoneFits() throws Exception {
        Path file = dir.resolve("no/such/folder/x.db");
        assertThatThrownBy(() -> Storages.open("sqlite:////" + file.toString().substring(1))).isInstanceOf(StorageException.class)
                .hasMessageContaining("the SQLite file " + file + " cannot be created: the folder " + dir.resolve("no")
                        + " does not exist")
                .hasMessageNotContaining("slashes");
        assertThatThrownBy(() -> Storages.open("sqlite:///nntune-no-such-folder/x.db")).isInstanceOf(StorageException.class)
                .hasMessageContaining("the folder " + Path.of("nntune-no-such-folder").toAbsolutePath() + " does not exist")
                .hasMessageContaining("relative to the working directory").hasMessageNotContaining("four slashes");
        assertThat(Storages.sqliteThreeSlashHint("sqlite:" + file)).isEmpty();
        assertThat(Storages.sqliteThreeSlashHint("postgresql://u@h/db")).isEmpty();
        Files.createDirectories(file.getParent());
        assertThat(Storages.sqliteThreeSlashHint("optuna+sqlite:///" + file.toString().substring(1) + "?pool_size=1"))
                .hasValueSatisfying(h -> assertThat(h).contains("write optuna+sqlite:////" + file.toString().substring(1) + "?pool_size=1"));
    }
}
