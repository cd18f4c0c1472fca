package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An SQLite file whose folder does not exist: the message names the file as resolved and the missing folder
 * (SQLite's own says neither), and a three-slash URL meant as an absolute path gets the four-slash one. A folder
 * that is not writable: a database there is read, and a write (or a new file) is refused naming the file, the
 * folder and why (SQLite's "attempt to write a readonly database" names neither).
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

    // ---------------------------------------------------------------- a folder that is not writable

    /**
     * Makes {@code folder} unwritable for this process: {@code chmod a-w}, and where that does not stop the
     * process (root ignores permission bits) the immutable attribute ({@code chattr +i}); the test is skipped
     * where neither works. @return what makes it writable again
     */
    static AutoCloseable unwritable(Path folder) throws Exception {
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!Files.isWritable(folder)) {
            return () -> Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        Process p = new ProcessBuilder("chattr", "+i", folder.toString()).redirectErrorStream(true).start();
        boolean immutable = p.waitFor() == 0;
        AutoCloseable undo = () -> {
            new ProcessBuilder("chattr", "-i", folder.toString()).redirectErrorStream(true).start().waitFor();
            Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        };
        if (!immutable || Files.isWritable(folder)) {
            undo.close();
            org.junit.jupiter.api.Assumptions.abort("no way to make a folder unwritable here (chmod a-w is ignored by root,"
                    + " and chattr +i failed)");
        }
        return undo;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite:", "optuna+sqlite:///"})
    void aWriteInAFolderThatIsNotWritableSaysWhichFolderAndWhy(String scheme) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("archive"));
        Path file = folder.resolve("ro.db");
        String url = scheme + file;
        try (Storage s = Storages.open(url)) {
            s.createStudy("kept", List.of(StudyDirection.MINIMIZE));
        }
        try (AutoCloseable undo = unwritable(folder); Storage s = Storages.open(url)) {
            long id = s.getStudyId("kept"); // read as before
            assertThatThrownBy(() -> s.createTrial(id)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(file + "': the SQLite file " + file + " cannot be written: its folder " + folder
                            + " is not writable, and SQLite writes its journal (ro.db-journal, or ro.db-wal and ro.db-shm) in"
                            + " that folder for every change, so nntune can only read this database; make the folder writable")
                    .hasMessageNotContaining("SQLITE_READONLY");
            assertThatThrownBy(() -> Storages.open(scheme + folder.resolve("new.db"))).isInstanceOf(StorageException.class)
                    .hasMessageContaining("the SQLite file " + folder.resolve("new.db") + " cannot be created: its folder "
                            + folder + " is not writable");
        }
        assertThat(folder.resolve("new.db")).doesNotExist();
    }

    @Test
    void theReadOnlyWordsNameWhatCannotBeWritten() {
        Path file = Path.of("/data/archive/study.db");
        assertThat(SqliteFiles.readOnlyReason(file, false, true)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("the SQLite file /data/archive/study.db cannot be written: its folder /data/archive is not writable")
                .contains("study.db-journal", "study.db-wal"));
        assertThat(SqliteFiles.readOnlyReason(file, true, false)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("the SQLite file /data/archive/study.db cannot be written: the file itself is read-only"));
        assertThat(SqliteFiles.readOnlyReason(file, true, true)).isEmpty();
        java.sql.SQLException readOnly = new java.sql.SQLException("[SQLITE_READONLY] Attempt to write a readonly database", null, 8);
        assertThat(SqliteFiles.readOnly(StorageUrl.parse("postgresql://u@h/db"), readOnly)).isEmpty();
        assertThat(SqliteFiles.readOnly(StorageUrl.parse("sqlite:" + dir.resolve("x.db")), new java.sql.SQLException("other", null, 1)))
                .isEmpty();
    }
}
