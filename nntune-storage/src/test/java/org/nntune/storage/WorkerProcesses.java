package org.nntune.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Worker processes started by the tests: separate JVMs on the test class path running {@link StudyWorker}. */
final class WorkerProcesses implements AutoCloseable {
    private final Path logs;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();

    WorkerProcesses(Path logs) {
        this.logs = logs;
    }

    /** Starts one worker: {@code StudyWorker url study factory args…}. */
    Process start(String url, String study, Class<?> factory, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(url, study, factory.getName()));
        all.addAll(List.of(args));
        return startMain(StudyWorker.class, all.toArray(String[]::new));
    }

    /** Starts a JVM on the test class path running {@code main.main(args)}. */
    Process startMain(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx128m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Path out = logs.resolve("worker-" + processes.size() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        processes.add(p);
        outputs.add(out);
        return p;
    }

    /** @return whether some worker is still running */
    boolean anyAlive() {
        return processes.stream().anyMatch(Process::isAlive);
    }

    /** Waits for every worker; @return the sum of the trials they report having finished */
    int awaitAll(long timeoutSeconds) throws Exception {
        int total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("worker " + i + " did not finish in " + timeoutSeconds + " s:\n" + logsText());
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("worker " + i + " exited with " + p.exitValue() + ":\n" + logsText());
            }
            total += finished(Files.readString(outputs.get(i)));
        }
        return total;
    }

    static int finished(String log) {
        Matcher m = Pattern.compile("worker finished (\\d+) trial").matcher(log);
        if (!m.find()) {
            throw new AssertionError("no 'worker finished' line in:\n" + log);
        }
        return Integer.parseInt(m.group(1));
    }

    String logsText() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path p : outputs) {
            sb.append("--- ").append(p.getFileName()).append('\n');
            String s = Files.exists(p) ? Files.readString(p) : "";
            sb.append(s.length() > 4000 ? s.substring(s.length() - 4000) : s).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
