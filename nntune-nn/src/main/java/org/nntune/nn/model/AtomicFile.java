package org.nntune.nn.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file with new bytes so that the file is, at every moment (a crash or {@code kill -9}
 * included), either its old complete content or the new complete content, never half of one: the
 * bytes go to a hidden temporary file in the same folder (a rename is atomic only within one file
 * system), are forced to the disk, and the temporary file is then renamed over the target.
 * A failed write leaves the target as it was and no temporary file behind.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes {@code bytes} to {@code file} atomically, replacing it if it exists. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        // createFile (not createTempFile) so the new file gets the usual permissions of the user's umask
        Path tmp = Files.createFile(target.resolveSibling("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp"));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            // a rename within one folder is atomic on every file system nntune supports; where it is not,
            // the move fails (AtomicMoveNotSupportedException) rather than replace the file in two steps
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
