package org.nntune.tune.run;

/**
 * A JVM shutdown hook (Ctrl-C, SIGTERM) that runs an action, typically recording the running trials
 * as failed so that the study stays consistent; {@link #close()} removes it again.
 */
public final class ShutdownGuard implements AutoCloseable {
    private final Thread hook;

    private ShutdownGuard(Thread hook) {
        this.hook = hook;
    }

    /** Installs {@code onShutdown} as a shutdown hook running on a thread named {@code threadName}. */
    public static ShutdownGuard install(String threadName, Runnable onShutdown) {
        Thread hook = new Thread(onShutdown, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
        return new ShutdownGuard(hook);
    }

    /** Removes the hook (nothing if the JVM is shutting down already: then it runs or has run). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    /** The hook's thread, for tests. */
    Thread hook() {
        return hook;
    }
}
