package org.nntune.tune.trial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's name as a worker, {@code HOST:PID}, computed once. The host name is read without
 * a DNS lookup (the environment, then the kernel's name): {@code InetAddress.getLocalHost()} can
 * block for seconds on a machine whose own name does not resolve, and a trial must not wait for it.
 */
final class WorkerName {
    private WorkerName() {}

    static final String PROCESS = host() + ":" + ProcessHandle.current().pid();

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through to the name the JVM knows
        }
        String computer = System.getenv("COMPUTERNAME"); // Windows
        return computer != null && !computer.isBlank() ? computer.strip() : "localhost";
    }
}
