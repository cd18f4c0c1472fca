package org.nntune.storage;

import java.nio.file.Path;

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
}
