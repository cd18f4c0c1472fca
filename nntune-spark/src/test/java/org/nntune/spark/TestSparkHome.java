package org.nntune.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * A Spark installation made of the test class path, for the JVMs the tests start as a cluster
 * would: Spark's launcher (a Worker starting executors, spark-submit) takes {@code $SPARK_HOME/jars/*}
 * as the class path when {@code $SPARK_HOME/RELEASE} exists, as in a Spark distribution. So: a
 * temporary folder with a RELEASE file and {@code jars/} holding links to the chosen class path
 * jars, folders of classes packed as jars. It lives outside the test's {@code @TempDir} (JUnit warns
 * about every link it deletes there); {@link #close} deletes the links, never what they point to.
 */
final class TestSparkHome implements AutoCloseable {
    private final Path home;

    private TestSparkHome(Path home) {
        this.home = home;
    }

    /** A SPARK_HOME with the entries of the test class path that {@code include} accepts. */
    static TestSparkHome create(Predicate<Path> include) throws IOException {
        Path home = Files.createTempDirectory("nntune-spark-home");
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        Files.writeString(home.resolve("RELEASE"), "Spark (the jars of nntune-spark's test class path)\n");
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (!include.test(p)) {
                continue;
            }
            String name = String.format("%03d-%s", i++, p.getFileName());
            if (Files.isDirectory(p)) {
                packJar(p, jars.resolve(name + ".jar"));
            } else if (Files.isRegularFile(p) && entry.endsWith(".jar")) {
                Files.createSymbolicLink(jars.resolve(name), p);
            }
        }
        return new TestSparkHome(home);
    }

    Path path() {
        return home;
    }

    private static void packJar(Path dir, Path jar) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p); // a symbolic link is deleted itself, not its target
            }
        } catch (IOException e) {
            System.err.println("cannot delete the test's SPARK_HOME " + home + ": " + e);
        }
    }
}
