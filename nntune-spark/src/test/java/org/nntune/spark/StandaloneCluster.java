package org.nntune.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on this machine for tests: a Master and Workers, each a JVM of its
 * own started from the test class path (Spark's jars and nntune's), with ports probed free. The
 * Master is on 127.0.0.1 and Worker {@code i} on the loopback address 127.0.0.{i+1}, so that Spark
 * sees each Worker as a host of its own (it never runs a speculative copy of a task on the host of
 * a running attempt).
 *
 * <p>A Worker starts its executors with Spark's launcher, which builds their class path from
 * {@code $SPARK_HOME/jars/*}: the cluster's SPARK_HOME is a {@link TestSparkHome} holding the whole
 * test class path (nntune's classes too). Every JVM gets Spark's JDK 17 options ({@code nntune.spark.jvmFlags},
 * set by the pom). {@link #close} kills every process the cluster started (Workers' executors too).
 */
final class StandaloneCluster implements AutoCloseable {
    private final TestSparkHome home;
    private final Path logs;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final int masterPort;
    private final int masterUiPort;

    private StandaloneCluster(Path dir) throws IOException {
        this.home = TestSparkHome.create(entry -> true);
        this.logs = dir.resolve("logs");
        Files.createDirectories(logs);
        this.masterPort = freePort();
        this.masterUiPort = freePort();
    }

    /** Starts a Master and {@code workers} Workers (1 core, 1 GB each) and waits until all Workers have registered. */
    static StandaloneCluster start(Path dir, int workers) throws Exception {
        StandaloneCluster c = new StandaloneCluster(dir);
        try {
            c.processes.add(c.jvm("master", "127.0.0.1", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(c.masterPort), "--webui-port", Integer.toString(c.masterUiPort))));
            c.awaitPort(c.masterPort);
            for (int i = 0; i < workers; i++) {
                Path work = dir.resolve("work-" + i);
                Files.createDirectories(work);
                String host = workerHost(i);
                Process w = c.jvm("worker-" + i, host, List.of("org.apache.spark.deploy.worker.Worker", c.masterUrl(), "--host", host,
                        "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                        "--cores", "1", "--memory", "1g", "--work-dir", work.toString()));
                c.processes.add(w);
                c.workers.add(w);
            }
            c.awaitAliveWorkers(workers);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** The address Worker {@code i} and its executors listen on: 127.0.0.{i+1}, a host of its own for Spark. */
    static String workerHost(int i) {
        return "127.0.0." + (i + 1);
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Worker {@code i}'s JVM. */
    Process worker(int i) {
        return workers.get(i);
    }

    /** Kills Worker {@code i} and the executors it started with SIGKILL, as a machine that dies. */
    void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        List<ProcessHandle> executors = w.toHandle().descendants().toList();
        w.destroyForcibly();
        executors.forEach(ProcessHandle::destroyForcibly);
        w.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle e : executors) {
            e.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    /** What the cluster's JVMs wrote, for a failed test's message. */
    String logTail() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                sb.append("---- ").append(f.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (IOException e) {
            sb.append("(cannot read the logs: ").append(e).append(")\n");
        }
        return sb.toString();
    }

    /** Kills every JVM the cluster started, executors first (they are the Workers' children). */
    @Override
    public void close() {
        try {
            killAll();
        } finally {
            home.close();
        }
    }

    private void killAll() {
        for (Process p : processes) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The JDK 17 options Spark needs, as the pom passes them to the tests. */
    static List<String> sparkJvmFlags() {
        String flags = System.getProperty("nntune.spark.jvmFlags", "");
        return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private Process jvm(String name, String host, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(sparkJvmFlags());
        cmd.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.path().toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", host);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("SPARK_CONF_DIR");
        env.remove("SPARK_CLASSPATH");
        return pb.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                checkAlive();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the Spark Master did not listen on port " + port + " within 120 s\n" + logTail());
                }
                Thread.sleep(250);
            }
        }
    }

    /** Polls the Master's JSON page until {@code n} Workers are alive. */
    private void awaitAliveWorkers(int n) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
                .timeout(Duration.ofSeconds(10)).build();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String last = "";
        while (System.nanoTime() < deadline) {
            checkAlive();
            try {
                last = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = alive.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                    return;
                }
            } catch (IOException notYet) {
                // the web UI starts after the Master's port
            }
            Thread.sleep(500);
        }
        throw new AssertionError(n + " Spark Workers did not register within 180 s; the Master says: " + last + "\n" + logTail());
    }

    private void checkAlive() {
        for (Process p : processes) {
            if (!p.isAlive()) {
                throw new AssertionError("a Spark JVM of the test cluster ended with exit code " + p.exitValue() + "\n" + logTail());
            }
        }
    }
}
