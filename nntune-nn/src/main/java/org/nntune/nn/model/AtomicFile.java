package org.nntune.nn.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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
 *
 * <p>The file gets the permissions of any new file of the user (the umask's, e.g. rw-r--r--), not
 * the owner-only ones of {@link Files#createTempFile}. A failure is an IOException of the JDK's type
 * ({@link NoSuchFileException}, {@link AccessDeniedException}, …) whose message names the
 * caller's file and says why in words — never the temporary file, which is only in its cause.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes {@code bytes} to {@code file} atomically, replacing it if it exists. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        try {
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
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /**
     * {@code e} as an exception of the same kind that says "cannot write FILE: why", FILE as the
     * caller wrote it; the JDK's exception, which names the temporary file, is the cause.
     */
    static IOException failure(Path file, IOException e) {
        String message = "cannot write " + file + ": " + reason(file, e);
        IOException out;
        if (e instanceof NoSuchFileException) {
            out = new NoSuchFileException(null, null, message);
        } else if (e instanceof AccessDeniedException) {
            out = new AccessDeniedException(null, null, message);
        } else if (e instanceof FileAlreadyExistsException) {
            out = new FileAlreadyExistsException(null, null, message);
        } else if (e instanceof NotDirectoryException) {
            out = new NotDirectoryException(message); // its only constructor: the message is its "file"
        } else if (e instanceof DirectoryNotEmptyException) {
            out = new DirectoryNotEmptyException(message);
        } else if (e instanceof AtomicMoveNotSupportedException) {
            out = new AtomicMoveNotSupportedException(null, null, message);
        } else if (e instanceof FileSystemException) {
            out = new FileSystemException(null, null, message);
        } else {
            out = new IOException(message);
        }
        out.initCause(e);
        return out;
    }

    /** Why the write failed, in words. */
    private static String reason(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "its folder does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is a file, not a folder";
        }
        if (e instanceof DirectoryNotEmptyException || Files.isDirectory(file)) {
            return "it is a folder";
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return "its file system cannot replace a file in one step";
        }
        String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if ("Not a directory".equals(why)) {
            return "a part of the path is a file, not a folder";
        }
        return why != null ? why : e.getClass().getSimpleName();
    }
}
