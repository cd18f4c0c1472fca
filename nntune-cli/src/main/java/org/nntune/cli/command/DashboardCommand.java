package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.CliStorage;
import org.nntune.dashboard.web.DashboardOptions;
import org.nntune.dashboard.web.DashboardServer;
import org.nntune.tune.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serve a live web dashboard of the studies in a storage: study list, plots, trials table, trial pages; "
                + "trials finished by any worker appear within 2 s. Read-only unless --allow-writes. Ctrl-C stops it.",
                "Serves 127.0.0.1 only by default; with another --host it prints an access token and needs it."})
public final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StorageOption storage;

    @Mixin
    StudyNameOption studyName;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STUDY",
            description = "A study file (.yaml) or study name to open first; without it, the storage's study list.")
    String study;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port to serve on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only). Any other needs the printed token.")
    String host;

    @Option(names = "--allow-writes",
            description = "Let the browser write notes, enqueue trials with given parameters and delete studies (after confirmation).")
    boolean allowWrites;

    @Override
    public Integer call() {
        String url;
        Optional<String> name;
        if (study != null) {
            StudyRef ref = StudyRef.of(study, storage, studyName);
            url = ref.url();
            name = Optional.of(ref.name());
        } else {
            url = storage.resolve(Optional.empty());
            name = Optional.empty();
        }
        DashboardOptions options;
        try {
            options = new DashboardOptions(host, port, allowWrites);
            options.loopback();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--host/--port: " + e.getMessage(), e);
        }
        Storage s = CliStorage.openExisting(url);
        DashboardServer server = null;
        Thread onStop = null;
        try {
            String page = "";
            if (name.isPresent()) {
                page = "#/study/" + CliStorage.studyId(s, name.get(), url);
            }
            server = start(s, url, options);
            server.warmUp();
            DashboardServer serving = server;
            onStop = new Thread(() -> {
                serving.close();
                s.close();
            }, "nntune-dashboard-stop");
            Runtime.getRuntime().addShutdownHook(onStop); // Ctrl-C: stop serving and close the storage
            PrintWriter out = spec.commandLine().getOut();
            out.println("nntune dashboard: " + server.uri() + page);
            out.println("  storage " + redacted(url) + (allowWrites ? "; writes allowed" : "; read-only (--allow-writes to change studies)"));
            String first = page;
            server.token().ifPresent(t -> out.println("  bound to " + host + ", reachable from other machines: the address above "
                    + "carries the access token, which every browser must present once"));
            if (serving.wildcard()) {
                // 0.0.0.0 is no address a browser can open: the line above names this machine by its host name
                java.util.List<String> others = serving.addresses().stream().map(u -> u + first).toList();
                out.println("  " + host + " listens on every address of this machine; the address above uses its host name"
                        + (others.isEmpty() ? "" : ", or open one of its addresses: " + String.join(", ", others)));
            }
            out.println("  Ctrl-C stops it.");
            out.flush();
            new CountDownLatch(1).await(); // until the process is stopped (or, in tests, this thread interrupted)
            return ExitCode.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED;
        } catch (Exception e) {
            throw CommandErrors.rethrow(e);
        } finally {
            if (onStop != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onStop);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: it closes both
                }
            }
            if (server != null) {
                server.close();
            }
            s.close();
        }
    }

    private DashboardServer start(Storage s, String url, DashboardOptions options) {
        try {
            return DashboardServer.start(s, redacted(url), options);
        } catch (BindException e) {
            boolean notHere = String.valueOf(e.getMessage()).contains("assign requested address");
            throw new CliException(ExitCode.USAGE, "cannot serve on " + host + ":" + port + ": " + (notHere
                    ? "the address is not one of this machine's; pass --host 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)"
                    : port == 0 ? e.getMessage() : "the port is in use (or not allowed); pass another --port, or --port 0 for any free one"), e);
        } catch (IOException e) {
            throw new CliException(ExitCode.OTHER, "cannot serve on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The URL without a password, as the page and the console show it. */
    static String redacted(String url) {
        return CliStorage.shown(url);
    }
}
