package org.nntune.cli.run;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.StorageException;
import org.nntune.storage.StorageUrl;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.IncompleteCopyException;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudySummary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How the command line opens and shows storages: each failure an exit code 4 with the URL (its
 * password masked), a reading command never creating a database, a study file's default storage.
 * Used by the commands and by the study runs alike.
 */
public final class CliStorage {
    private CliStorage() {}

    /** The default storage of a study file: an SQLite file named after it, beside it ({@code iris.yaml} → {@code iris.db}). */
    public static String defaultFor(Path studyFile) {
        Path abs = studyFile.toAbsolutePath();
        String stem = abs.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        return "sqlite:" + abs.resolveSibling(stem + ".db");
    }

    /** A storage URL as nntune shows it: every password masked ({@link StorageUrl#mask}). */
    public static String shown(String url) {
        return StorageUrl.mask(url);
    }

    /**
     * Checks that a URL has the form of a storage, without opening it ({@code tune --dry-run}): a
     * malformed one is exit code 4 with the message {@link #open} would give.
     *
     * @return the database file of an SQLite URL, empty for the other storages
     */
    public static Optional<Path> checkForm(String url) {
        try {
            return Storages.sqliteFile(url);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.STORAGE, "cannot open storage " + shown(url) + ": " + shown(e.getMessage()), e);
        }
    }

    /** Opens a storage; failures become exit code 4 with the URL (password masked) in the message. */
    public static Storage open(String url) {
        try {
            if (Storages.sqliteFile(url).isPresent()) {
                // a command starts faster with the SQLite driver's native library cached than unpacked anew
                org.nntune.storage.SqliteNativeLibrary.useCache();
            }
            return Storages.open(url);
        } catch (StorageException | IllegalArgumentException | IllegalStateException e) {
            // IllegalStateException: a schema this nntune cannot use (newer, or an unknown Optuna revision)
            String why = shown(String.valueOf(e.getMessage()));
            // the storage's own message may already say "cannot open the storage 'URL': …": say it once
            String own = "cannot open the storage '" + shown(url) + "': ";
            throw new CliException(ExitCode.STORAGE, "cannot open storage " + shown(url) + ": "
                    + (why.startsWith(own) ? why.substring(own.length()) : why), e);
        }
    }

    /**
     * Opens the storage of a command that reads studies ({@code studies}, {@code trials}, {@code best},
     * {@code report}, {@code delete}, {@code worker}, the source of {@code copy}): an SQLite file that does
     * not exist is exit code 4 naming it, never a new empty database where the path was mistyped.
     */
    public static Storage openExisting(String url) {
        Optional<Path> file = checkForm(url);
        if (file.isPresent() && !Files.exists(file.get())) {
            throw new CliException(ExitCode.STORAGE, "cannot open storage " + shown(url) + ": there is no SQLite database "
                    + file.get() + " (check the path; this command only reads, so it creates none)"
                    + Storages.sqliteThreeSlashHint(url).map(h -> " " + h).orElse(""));
        }
        if (file.isPresent() && Files.isRegularFile(file.get())) {
            // opening creates nntune's tables: a file of other tables (or an empty one) is left as it is
            org.nntune.storage.SqliteNativeLibrary.useCache();
            Optional<java.util.Set<String>> tables = Storages.sqliteTables(file.get());
            if (tables.isPresent() && !tables.get().contains("nntune_studies") && !tables.get().contains("studies")) {
                throw new CliException(ExitCode.STORAGE, "cannot open storage " + shown(url) + ": " + file.get() + " holds no"
                        + " nntune or Optuna storage (" + (tables.get().isEmpty() ? "it has no tables"
                        : "its tables: " + String.join(", ", tables.get().stream().limit(8).toList()))
                        + "); this command only reads, so it leaves the file as it is");
            }
        }
        return open(url);
    }

    /** The SQLite file of {@code url} if it does not exist yet (opening the storage will create it). */
    public static Optional<Path> newSqliteFile(String url) {
        try {
            return Storages.sqliteFile(url).filter(f -> !Files.exists(f));
        } catch (IllegalArgumentException badUrl) {
            return Optional.empty(); // opening it says what is wrong
        }
    }

    /**
     * Removes an SQLite file a refused command created (with its WAL, shared-memory and journal files); a
     * file that cannot be removed stays, as the refusal is what the user needs to see, and a stray file is no
     * data lost.
     */
    public static void deleteNewSqliteFile(Path file) {
        for (String suffix : java.util.List.of("", "-wal", "-shm", "-journal")) {
            try {
                Files.deleteIfExists(Path.of(file + suffix));
            } catch (java.io.IOException ignored) {
                // see above
            }
        }
    }

    /** Whether a STUDY argument names a study file rather than a study. */
    public static boolean isStudyFile(String study) {
        return namesStudyFile(study) && Files.isRegularFile(Path.of(study));
    }

    /** Whether a STUDY argument is written as a study file's name ({@code .yaml} or {@code .yml}), whether or not it exists. */
    public static boolean namesStudyFile(String study) {
        return study.endsWith(".yaml") || study.endsWith(".yml");
    }

    /**
     * The one place where commands open a stored study by name to read or resume it ({@code trials},
     * {@code best}, {@code report}, {@code dashboard}, {@code worker}, {@code tune}, the source of {@code copy}):
     * the id of the study, if there is one. A study whose copy was interrupted ({@link StudySummary#isIncompleteCopy})
     * is exit code 4 saying so and how to mend it, never read as if it were whole.
     */
    public static OptionalLong findStudyId(Storage storage, String name, String url) {
        OptionalLong id = storage.findStudyId(name);
        if (id.isPresent()) {
            try {
                IncompleteCopyException.check(storage, id.getAsLong(), name);
            } catch (IncompleteCopyException e) {
                throw incompleteCopy(name, url, e);
            }
        }
        return id;
    }

    /** The id of a study by name ({@link #findStudyId}), or exit code 4 listing the studies there are. */
    public static long studyId(Storage storage, String name, String url) {
        return orNoSuchStudy(findStudyId(storage, name, url), storage, name, url);
    }

    /** The id of a study by name, whole or an incomplete copy ({@code delete}), or exit code 4 listing the studies there are. */
    public static long anyStudyId(Storage storage, String name, String url) {
        return orNoSuchStudy(storage.findStudyId(name), storage, name, url);
    }

    private static long orNoSuchStudy(OptionalLong id, Storage storage, String name, String url) {
        return id.orElseThrow(() -> {
            var names = storage.getAllStudies().stream().map(s -> s.name()).toList();
            return new CliException(ExitCode.STORAGE, "no study named '" + name + "' in " + shown(url)
                    + (names.isEmpty() ? " (it holds no studies)" : "; studies there: " + String.join(", ", names)));
        });
    }

    /** Exit code 4: the study is an incomplete copy; run the copy again, or delete it. */
    public static CliException incompleteCopy(String name, String url, Exception cause) {
        return new CliException(ExitCode.STORAGE, IncompleteCopyException.message(name, shown(url))
                + "; run the same copy again to replace it, or nntune delete " + ShellWords.word(name) + " --storage "
                + ShellWords.word(shown(url)), cause);
    }
}
