package org.nntune.tune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A file written through {@link AtomicFile} is, at every moment, its old complete content or the new complete content. */
class AtomicFileTest {

    private static long files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void aWriterThatDiesHalfWayLeavesTheOldFileWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trials.csv");
        AtomicFile.write(file, out -> out.write("old,complete\n".getBytes()));
        assertThatThrownBy(() -> AtomicFile.write(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full half-way");
        })).hasMessage("disk full half-way");
        assertThat(Files.readString(file)).isEqualTo("old,complete\n");
        assertThat(files(dir)).as("no temporary file left").isEqualTo(1);

        assertThatThrownBy(() -> AtomicFile.write(file, out -> {
            throw new IllegalStateException("bug in the writer");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(file)).isEqualTo("old,complete\n");
        assertThat(files(dir)).isEqualTo(1);
    }

    @Test
    void theOldFileIsReplacedNeverWrittenInto(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.html");
        AtomicFile.write(file, out -> out.write("old".getBytes()));
        Files.createLink(dir.resolve("old-link"), file);
        AtomicFile.write(file, out -> out.write("new".getBytes()));
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(Files.readString(dir.resolve("old-link"))).isEqualTo("old");
    }

    @Test
    void aReaderAlwaysSeesOneWholeVersion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.csv");
        byte[] a = new byte[1 << 20];
        byte[] b = new byte[1 << 19];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        AtomicFile.write(file, out -> out.write(a));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        int[] reads = {0};
        Thread reader = new Thread(() -> {
            while (!stop.get() && torn.get() == null) {
                try {
                    byte[] seen = Files.readAllBytes(file);
                    reads[0]++;
                    if (!Arrays.equals(seen, a) && !Arrays.equals(seen, b)) {
                        torn.set(seen.length + " bytes, neither version");
                    }
                } catch (NoSuchFileException e) {
                    torn.set("the file was missing for a moment");
                } catch (IOException e) {
                    torn.set(e.toString());
                }
            }
        });
        reader.start();
        for (int i = 0; i < 60 && torn.get() == null; i++) {
            byte[] next = i % 2 == 0 ? b : a;
            AtomicFile.write(file, out -> {
                out.write(next, 0, next.length / 2);
                Thread.yield();
                out.write(next, next.length / 2, next.length - next.length / 2);
            });
        }
        stop.set(true);
        reader.join();
        assertThat(torn.get()).isNull();
        assertThat(reads[0]).isPositive();
    }

    @Test
    void aFailedWriteNamesTheCallersFileAndWhyNotTheTemporaryFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope").resolve("trials.csv");
        assertThatThrownBy(() -> AtomicFile.write(missing, out -> out.write(1))).isInstanceOf(NoSuchFileException.class)
                .hasMessage("cannot write " + missing + ": its folder does not exist");
        Files.createDirectories(dir.resolve("folder").resolve("inside"));
        assertThatThrownBy(() -> AtomicFile.write(dir.resolve("folder"), out -> out.write(1)))
                .isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessage("cannot write " + dir.resolve("folder") + ": it is a folder");
        assertThat(files(dir)).as("no temporary file left").isEqualTo(1);
    }

    /** A result file is an ordinary file of the user: the umask's permissions (rw-r--r-- under 022), not 0600. */
    @Test
    void aWrittenFileGetsTheUsualPermissions(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"),
                "a POSIX file system");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        Path file = dir.resolve("trials.csv");
        AtomicFile.write(file, out -> out.write("a,b\n".getBytes()));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
    }
}
