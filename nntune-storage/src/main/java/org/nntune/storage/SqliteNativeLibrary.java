package org.nntune.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The SQLite driver's native library, kept in a per-user cache so that a command starts without
 * unpacking it. By default sqlite-jdbc, at every start of a JVM, runs {@code uname}, copies its
 * native library (about 1 MB) out of the jar to a new file in the temporary folder, reads both
 * back to compare them byte by byte, and loads the copy (deleted at exit): a noticeable part of a
 * short command's start. With {@link #useCache()} the library is copied once per sqlite-jdbc
 * version, operating system and architecture into {@code ~/.cache/nntune} (or
 * {@code $XDG_CACHE_HOME/nntune}), written to a temporary file and moved into place so a reader
 * never sees half a file, and later starts load it from there directly (the driver's own
 * {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name} properties).
 *
 * <p>Nothing changes when the user set those properties, or when the cache cannot be written (the
 * driver then unpacks as before); a cached copy that does not load (another C library in a
 * container sharing the home folder, say) makes the driver unpack as before too. The driver is
 * reached by reflection (its own lookup of the library's name and place in its jar), as this module
 * reads no JDBC driver's code: without sqlite-jdbc, or with another layout of it, nothing changes.
 */
public final class SqliteNativeLibrary {
    private SqliteNativeLibrary() {}

    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";
    private static volatile boolean done;

    /**
     * Points the driver at the cached library, copying it there first if needed; at most once per
     * JVM, before the first SQLite connection (later calls, and calls after the driver loaded its
     * library, change nothing).
     */
    public static synchronized void useCache() {
        if (done) {
            return;
        }
        done = true;
        if (System.getProperty(PATH) != null || System.getProperty(NAME) != null) {
            return; // the user chose the library
        }
        try {
            Class<?> loader = Class.forName("org.sqlite.SQLiteJDBCLoader");
            Class<?> util = Class.forName("org.sqlite.util.LibraryLoaderUtil");
            String name = (String) util.getMethod("getNativeLibName").invoke(null);
            Path dir = cacheRoot().resolve("sqlite-jdbc-" + loader.getMethod("getVersion").invoke(null) + "-"
                    + (System.getProperty("os.name") + "-" + System.getProperty("os.arch")).replaceAll("[^A-Za-z0-9._-]", "_")
                    .toLowerCase(Locale.ROOT));
            Path lib = dir.resolve(name);
            if (!Files.isRegularFile(lib)) {
                // the first start with this driver version: the driver's own lookup of the library for this machine
                String resource = util.getMethod("getNativeLibResourcePath").invoke(null) + "/" + name;
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    if (in == null) {
                        return; // no library for this machine in the jar: the driver says so itself
                    }
                    Files.createDirectories(dir);
                    Path tmp = Files.createTempFile(dir, name, ".tmp");
                    try {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            }
            System.setProperty(PATH, dir.toString());
            System.setProperty(NAME, name);
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            // a read-only home, no sqlite-jdbc of the expected shape: the driver unpacks its library as it always did
        }
    }

    /** {@code $XDG_CACHE_HOME/nntune}, else {@code ~/.cache/nntune}; the system property {@code nntune.cacheDir} overrides both. */
    static Path cacheRoot() {
        String own = System.getProperty("nntune.cacheDir");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "nntune");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "nntune");
    }
}
