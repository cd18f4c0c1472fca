package org.nntune.storage;

import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;

import java.util.Locale;

/** Opens a {@link Storage} from the URL a user wrote (command line, study file, Java). */
public final class Storages {
    private Storages() {}

    /**
     * Opens a storage.
     *
     * @param url {@code memory} (or {@code in-memory}) for a storage in this JVM's memory, else a
     *     database URL in one of the forms {@link StorageUrl} lists, e.g. {@code sqlite:study.db} or
     *     {@code postgresql://user@host:5432/db}; with the prefix {@code optuna+} (e.g.
     *     {@code optuna+sqlite:///study.db}) the study lives in Optuna's own tables ({@link OptunaStorage})
     * @return the storage; close it when done
     * @throws IllegalArgumentException naming the URL and the allowed forms if it is not valid
     * @throws IllegalStateException if the database was written by a newer nntune
     * @throws StorageException if the database cannot be reached
     */
    public static Storage open(String url) {
        if (isMemory(url)) {
            return new InMemoryStorage();
        }
        if (url.strip().toLowerCase(Locale.ROOT).startsWith(OptunaStorage.PREFIX)) {
            return OptunaStorage.open(url);
        }
        return new JdbcStorage(url);
    }

    /**
     * @return the database file of a URL if it names an SQLite database (nntune's tables or, with
     *     {@code optuna+}, Optuna's), empty for the others
     * @throws IllegalArgumentException if the URL is not valid
     */
    public static java.util.Optional<java.nio.file.Path> sqliteFile(String url) {
        if (isMemory(url)) {
            return java.util.Optional.empty();
        }
        if (url.strip().toLowerCase(Locale.ROOT).startsWith(OptunaStorage.PREFIX)) {
            return OptunaStorage.sqliteFile(url);
        }
        return StorageUrl.parse(url).sqliteFile();
    }

    /**
     * Whether two storage URLs name the same storage: the same database ({@link StorageUrl#sameDatabase}, e.g. an
     * SQLite file by a relative and an absolute path) and the same tables (nntune's, or with {@code optuna+}
     * Optuna's: one database may hold both, and they are two storages). Two {@code memory} URLs are two storages.
     *
     * @throws IllegalArgumentException if a URL is not valid
     */
    public static boolean sameStorage(String a, String b) {
        if (isMemory(a) || isMemory(b) || isOptuna(a) != isOptuna(b)) {
            return false;
        }
        return (isOptuna(a) ? OptunaStorage.storageUrl(a) : StorageUrl.parse(a))
                .sameDatabase(isOptuna(b) ? OptunaStorage.storageUrl(b) : StorageUrl.parse(b));
    }

    private static boolean isOptuna(String url) {
        return url.strip().toLowerCase(Locale.ROOT).startsWith(OptunaStorage.PREFIX);
    }

    /**
     * For a URL {@code sqlite:///PATH} (three slashes: a path relative to the working directory, SQLAlchemy's
     * rule), a note in parentheses saying so, and naming the four-slash URL when {@code /PATH}'s folder
     * exists (the user likely meant the absolute path); for messages about a file that is not there.
     *
     * @return the note; empty for any other URL
     */
    public static java.util.Optional<String> sqliteThreeSlashHint(String url) {
        String u = url.strip();
        boolean optuna = u.toLowerCase(Locale.ROOT).startsWith(OptunaStorage.PREFIX);
        return SqliteFiles.threeSlashHint(optuna ? u.substring(OptunaStorage.PREFIX.length()) : u,
                optuna ? OptunaStorage.PREFIX : "");
    }

    /**
     * The tables of an SQLite database file, read without writing to it: a command that only reads
     * checks that a file holds a storage (nntune's tables, or Optuna's) before it opens one, since
     * opening creates the tables.
     *
     * @return the tables' names; empty when the file cannot be read this way (not a database, a
     *     folder that needs an immutable open), which the opening then reports or handles
     */
    public static java.util.Optional<java.util.Set<String>> sqliteTables(java.nio.file.Path file) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: an empty file stays empty
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return java.util.Optional.of(names);
        } catch (java.sql.SQLException e) {
            return java.util.Optional.empty();
        }
    }

    /** @return whether {@code url} names the in-memory storage ({@code memory}, {@code in-memory}) */
    public static boolean isMemory(String url) {
        String u = url.strip().toLowerCase(Locale.ROOT);
        return u.equals("memory") || u.equals("in-memory") || u.equals("inmemory");
    }
}
