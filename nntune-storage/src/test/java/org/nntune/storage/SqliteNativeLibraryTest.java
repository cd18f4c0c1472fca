package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SQLite driver's native library from nntune's cache: copied there on the first start, loaded
 * from there on every later one, never unpacked into the temporary folder again. Each start is a
 * JVM of its own (the driver loads its library once per JVM); which file the JVM mapped is read
 * from {@code /proc/self/maps}, so the test runs on Linux only.
 */
class SqliteNativeLibraryTest {

    /** One start: uses the cache, opens an SQLite storage, prints the mapped file of the driver's library. */
    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            System.setProperty("org.sqlite.lib.path", args[1]);
        }
        SqliteNativeLibrary.useCache();
        try (JdbcStorage s = new JdbcStorage("sqlite:" + args[0])) {
            s.getAllStudies();
        }
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            maps.filter(l -> l.contains("sqlitejdbc")).map(l -> l.substring(l.indexOf('/'))).distinct()
                    .forEach(f -> System.out.println("mapped " + f));
        }
    }

    private static String start(Path cache, Path tmp, Path db, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dnntune.cacheDir=" + cache, "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), SqliteNativeLibraryTest.class.getName(), db.toString()));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static List<Path> unpacked(Path tmp) throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().contains("sqlitejdbc")).toList();
        }
    }

    @Test
    void theLibraryIsCopiedOnceThenLoadedFromTheCache(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "reads /proc/self/maps (Linux)");
        Path cache = dir.resolve("cache");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String first = start(cache, tmp, dir.resolve("a.db"));
        Path lib;
        try (Stream<Path> files = Files.walk(cache)) {
            lib = files.filter(f -> f.getFileName().toString().contains("sqlitejdbc")).findFirst().orElseThrow();
        }
        assertThat(lib.getParent().getFileName().toString()).startsWith("sqlite-jdbc-");
        assertThat(first).contains("mapped " + lib);
        FileTime written = Files.getLastModifiedTime(lib);

        String second = start(cache, tmp, dir.resolve("b.db"));
        assertThat(second).contains("mapped " + lib);
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(written);
        try (Stream<Path> files = Files.list(lib.getParent())) {
            assertThat(files.toList()).containsExactly(lib); // no temporary copy left behind
        }
        // neither start unpacked the library into the temporary folder (the driver's own way)
        assertThat(unpacked(tmp)).isEmpty();

        // a library path the user set is left alone: the driver unpacks its own as before, the cache is not used
        String own = start(dir.resolve("unused-cache"), tmp, dir.resolve("c.db"), dir.resolve("nowhere").toString());
        assertThat(own).doesNotContain("mapped " + lib).contains("mapped " + tmp);
        assertThat(dir.resolve("unused-cache")).doesNotExist();
    }
}
