package org.nntune.cli.exit;

/** A user-facing failure with its exit code; the CLI prints the message alone (a stack trace only with --verbose). */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * Why a file could not be written or read, in words: the JDK's file exceptions carry only the
     * path (often of a hidden temporary file beside the target) as their message. An
     * {@link java.io.UncheckedIOException} is read for its cause.
     */
    public static String ioReason(Exception failure) {
        Exception e = failure instanceof java.io.UncheckedIOException u ? u.getCause() : failure;
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "its folder does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "a part of the path is a file, not a folder";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
