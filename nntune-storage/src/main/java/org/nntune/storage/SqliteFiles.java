package org.nntune.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where an SQLite storage keeps what does not go into its database file. */
final class SqliteFiles {
    private SqliteFiles() {}

    /**
     * The folder beside an SQLite file that holds its studies' artifacts by default ({@code <file>.artifacts}):
     * checkpoints stay out of the database and its WAL.
     *
     * @throws IllegalStateException for an in-memory SQLite database, which has no folder
     */
    static Path artifactFolder(StorageUrl url) {
        String jdbc = url.jdbcUrl();
        String file = jdbc.substring("jdbc:sqlite:".length());
        int q = file.indexOf('?');
        if (q >= 0) {
            file = file.substring(0, q);
        }
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file::memory:")) {
            throw new IllegalStateException("the in-memory SQLite storage '" + url.display() + "' has no folder for artifacts;"
                    + " use a file, or useArtifactStore(...)");
        }
        if (file.startsWith("file:")) {
            file = file.substring("file:".length());
        }
        return Path.of(file + ".artifacts");
    }

    /**
     * Why an SQLite file cannot be opened when it does not exist and its folder is not writable (SQLite cannot
     * create it there).
     *
     * @return empty unless the URL names an SQLite file that is missing in an existing folder nntune may not write
     */
    static Optional<String> unwritableFolder(StorageUrl url) {
        Optional<Path> file = url.sqliteFile();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path abs = file.get().toAbsolutePath().normalize();
        Path folder = abs.getParent();
        if (folder == null || Files.exists(abs) || !Files.isDirectory(folder) || Files.isWritable(folder)) {
            return Optional.empty();
        }
        return Optional.of("the SQLite file " + abs + " cannot be created: its folder " + folder + " is not writable"
                + " (its permissions, a read-only mount, chattr +i); choose a file in a folder you can write");
    }

    /**
     * Why a write to an SQLite storage failed with SQLITE_READONLY, which names neither file nor folder: SQLite
     * writes a journal file beside the database ({@code NAME-journal}, and {@code NAME-wal} and {@code NAME-shm} in
     * WAL mode) for every change, so the folder must be writable as well as the file. A database in a folder
     * that is not (a read-only mount, {@code chmod a-w}, {@code chattr +i}) is opened read-only, so that it can still
     * be read ({@link Dialect#configureSessions}); it is writing that then fails.
     *
     * @return empty unless {@code e} is SQLITE_READONLY on a storage that names an SQLite file
     */
    static Optional<String> readOnly(StorageUrl url, Throwable e) {
        Optional<Path> file = url.sqliteFile();
        if (file.isEmpty() || !isReadOnlyError(e)) {
            return Optional.empty();
        }
        Path abs = file.get().toAbsolutePath().normalize();
        Path folder = abs.getParent();
        return readOnlyReason(abs, folder == null || Files.isWritable(folder), Files.isWritable(abs));
    }

    /**
     * The words of {@link #readOnly} for a file and what can be written.
     *
     * @return empty when both are writable (then SQLite's own words are all there is to say)
     */
    static Optional<String> readOnlyReason(Path file, boolean folderWritable, boolean fileWritable) {
        String name = String.valueOf(file.getFileName());
        if (!folderWritable) {
            return Optional.of("the SQLite file " + file + " cannot be written: its folder " + file.getParent()
                    + " is not writable, and SQLite writes its journal (" + name + "-journal, or " + name + "-wal and "
                    + name + "-shm) in that folder for every change, so nntune can only read this database; make the"
                    + " folder writable (its permissions, a read-only mount, chattr -i), or copy the file to a writable"
                    + " folder and use that copy");
        }
        if (!fileWritable) {
            return Optional.of("the SQLite file " + file + " cannot be written: the file itself is read-only (its"
                    + " permissions); make it writable (chmod u+w), or copy it and use the copy");
        }
        return Optional.empty();
    }

    /** SQLITE_READONLY (8) or one of its extended codes (8 + n·256), by code or by sqlite-jdbc's message. */
    private static boolean isReadOnlyError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException s
                    && ((s.getErrorCode() & 0xff) == 8 || String.valueOf(s.getMessage()).contains("SQLITE_READONLY"))) {
                return true;
            }
        }
        return false;
    }

    /** A three-slash SQLAlchemy URL ({@code sqlite:///rel/path}, a relative path); group 1 is the path and what follows. */
    private static final Pattern THREE_SLASHES = Pattern.compile("(?i)^sqlite:///(?!/)(.+)$");

    /**
     * Why an SQLite file cannot be opened when its folder does not exist (SQLite creates the file, never
     * the folder): the resolved file and the missing folder, and, for a three-slash URL whose path exists
     * as an absolute one ({@code sqlite:///tmp/x.db} meant {@code /tmp/x.db}), the four-slash URL.
     *
     * @param prefix what the user wrote before the URL ({@code optuna+} for Optuna's tables), for the hint
     * @return empty unless the URL names an SQLite file whose folder is missing
     */
    static Optional<String> missingFolder(StorageUrl url, String prefix) {
        Optional<Path> file = url.sqliteFile();
        if (file.isEmpty() || file.get().getParent() == null || Files.isDirectory(file.get().getParent())) {
            return Optional.empty();
        }
        Path abs = file.get().normalize();
        Path folder = abs.getParent();
        while (folder.getParent() != null && !Files.isDirectory(folder.getParent())) {
            folder = folder.getParent();
        }
        StringBuilder why = new StringBuilder("the SQLite file " + abs + " cannot be created: the folder " + folder
                + " does not exist");
        threeSlashHint(url.display(), prefix).ifPresent(hint -> why.append(' ').append(hint));
        return Optional.of(why.toString());
    }

    /**
     * For a three-slash URL ({@code sqlite:///tmp/x.db}, a relative path under SQLAlchemy's rule), a note
     * saying so and, when the path exists as an absolute one (its folder does), the four-slash URL.
     *
     * @param url the URL without {@code prefix}
     * @param prefix what the user wrote before it ({@code optuna+} for Optuna's tables)
     * @return the note in parentheses; empty for other URLs
     */
    static Optional<String> threeSlashHint(String url, String prefix) {
        Matcher m = THREE_SLASHES.matcher(url.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String path = m.group(1);
        int q = path.indexOf('?');
        Path intended = Path.of("/" + (q < 0 ? path : path.substring(0, q))).normalize();
        StringBuilder hint = new StringBuilder("(sqlite:/// with three slashes is a path relative to the working directory,"
                + " as in SQLAlchemy");
        if (intended.getParent() != null && Files.isDirectory(intended.getParent())) {
            hint.append("; for the absolute path ").append(intended).append(" write ").append(prefix).append("sqlite:////")
                    .append(path).append(" with four slashes");
        }
        return Optional.of(hint.append(')').toString());
    }
}
