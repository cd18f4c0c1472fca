package org.nntune.tune.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
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
import java.util.UUID;

/**
 * Writes result files (trial tables, exports, reports) so that a reader, a crash or a
 * {@code kill -9} never sees half of one: the content is streamed to a hidden temporary file beside
 * the target, forced to the disk, and renamed over the target in one step. If the writer fails,
 * the target keeps its old content and the temporary file is removed. The file gets the user's
 * usual permissions (the umask's). A failure to create, move or sync the file is an exception of the
 * JDK's type whose message names the caller's file and says why, not the temporary file.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** What writes the content. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the file's content.
         *
         * @param out the temporary file's stream (closed by the caller)
         * @throws IOException if writing fails (the file is then left as it was)
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code file} with what {@code content} writes, atomically. */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        FileChannel ch;
        try {
            // CREATE_NEW without attributes: the file gets the user's usual permissions (the umask's)
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failure(file, e);
        }
        try (ch) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            content.writeTo(out); // the content's own failures pass through as they are
            out.flush();
            ch.force(true);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure(file, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@code e}, which names the temporary file, as an exception of the same type (callers tell a
     * missing folder from a denied one by it) saying "cannot write FILE: why", {@code e} its cause.
     */
    private static IOException failure(Path file, IOException e) {
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
