package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.layer.Activation;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void aFailedSaveNamesTheCallersFileAndWhyNotTheTemporaryFile(@TempDir Path dir) throws Exception {
        Sequential m = Sequential.builder().input(4).dense(3).seed(1).build();
        Path missing = dir.resolve("nope").resolve("x.model");
        assertThatThrownBy(() -> m.save(missing)).isInstanceOf(NoSuchFileException.class)
                .hasMessage("cannot write " + missing + ": its folder does not exist");
        Path relative = Path.of("no-such-folder-" + System.nanoTime(), "x.model");
        assertThatThrownBy(() -> m.save(relative)).isInstanceOf(NoSuchFileException.class)
                .hasMessage("cannot write " + relative + ": its folder does not exist");
        Files.writeString(dir.resolve("plain"), "x");
        Path underAFile = dir.resolve("plain").resolve("x.model");
        assertThatThrownBy(() -> m.save(underAFile)).isInstanceOf(FileSystemException.class)
                .hasMessage("cannot write " + underAFile + ": a part of the path is a file, not a folder");
        Files.createDirectories(dir.resolve("folder").resolve("inside"));
        assertThatThrownBy(() -> m.save(dir.resolve("folder"))).isInstanceOf(FileSystemException.class)
                .hasMessage("cannot write " + dir.resolve("folder") + ": it is a folder");
        assertThat(names(dir)).containsExactly("folder", "plain");
    }

    @Test
    void aFolderWithoutWritePermissionSaysPermissionDenied(@TempDir Path dir) throws Exception {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "a POSIX file system");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(locked), "not running as a user who may write anywhere (root)");
            Path file = locked.resolve("x.model");
            assertThatThrownBy(() -> AtomicFile.write(file, new byte[] {1})).isInstanceOf(AccessDeniedException.class)
                    .hasMessage("cannot write " + file + ": permission denied");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A saved file is an ordinary file of the user: the umask's permissions (rw-r--r-- under 022), not a temporary file's 0600. */
    @Test
    void aSavedFileGetsTheUsualPermissions(@TempDir Path dir) throws Exception {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "a POSIX file system");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x"); // what the umask gives a new file
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(plain);
        Path model = dir.resolve("m.model");
        Sequential.builder().input(4).dense(3).seed(1).build().save(model);
        assertThat(Files.getPosixFilePermissions(model)).isEqualTo(usual);
        if (usual.contains(PosixFilePermission.GROUP_READ)) { // a umask like 022, not 077
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(model))).startsWith("rw-r");
        }
    }
}
