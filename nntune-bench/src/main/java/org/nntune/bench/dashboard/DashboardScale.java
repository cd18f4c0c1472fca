package org.nntune.bench.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nntune.bench.HeapProbe;
import org.nntune.bench.Stats;
import org.nntune.dashboard.web.DashboardOptions;
import org.nntune.dashboard.web.DashboardServer;
import org.nntune.storage.JdbcStorage;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live dashboard with a 100,000-trial study, measured in a real headless Chromium (Debian's
 * chromium and chromium-driver): the same synthetic study as {@link ReportScale} (five parameters,
 * 20 reported epochs, ~10% pruned, ~3% failed) imported into SQLite and/or PostgreSQL; the dashboard
 * server started in this JVM over its own storage connection and warmed up (every study read, its
 * plots drawn); then, per storage:
 * <ul>
 *   <li>first useful paint of the study page, in the browser's own clock (ms since navigation start,
 *       recorded by a MutationObserver installed before the page's scripts run): the header and the
 *       first page of the trials table; the optimisation history; every plot;</li>
 *   <li>new trial visible: a trial finished through another storage connection, and the time until its
 *       row is in the page (the page records {@code Date.now()} when the row appears), median and max;</li>
 *   <li>dashboard heap: used heap after a full GC with the server warm, minus the same before it started.</li>
 * </ul>
 * Prints one JSON line.
 *
 * <pre>
 * java $(cat nntune-bench/target/classes/nntune-jvm.flags) -Xmx1g -cp nntune-bench/target/benchmarks.jar \
 *     org.nntune.bench.dashboard.DashboardScale [--trials 100000] [--storages sqlite,pg] [--repeats 3] [--live 5] \
 *     [--db-path /tmp/x.db] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
 * </pre>
 */
public final class DashboardScale {
    private DashboardScale() {}

    /** Installed before the page's own scripts: when the table, the history plot and every plot first appear. */
    private static final String MARKS = """
            window.__marks = {}; window.__seen = {};
            new MutationObserver(function () {
              var m = window.__marks, now = performance.now();
              if (!m.table && document.querySelector('#trials tbody tr') && document.getElementById('study-total')) { m.table = now; }
              if (!m.history && document.querySelector('div.plot[data-section=history] svg')) { m.history = now; }
              var plots = document.querySelectorAll('div.plot[data-section]');
              if (!m.allPlots && plots.length > 0 && Array.prototype.every.call(plots, function (p) { return p.hasAttribute('data-version'); })) { m.allPlots = now; }
              Array.prototype.forEach.call(document.querySelectorAll('#trials tbody tr[data-number]'), function (tr) {
                var n = tr.getAttribute('data-number');
                if (!(n in window.__seen)) { window.__seen[n] = Date.now(); }
              });
            }).observe(document, { subtree: true, childList: true, attributes: true });
            """;

    public static void main(String[] args) throws Exception {
        int trials = 100_000;
        int repeats = 3;
        int live = 5;
        List<String> storages = List.of("sqlite", "pg");
        Path db = Path.of("/tmp/nntune-dashboard-scale.db");
        String pg = "postgresql://postgres@127.0.0.1:5432/test";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--live" -> live = Integer.parseInt(args[i + 1]);
                case "--storages" -> storages = List.of(args[i + 1].split(","));
                case "--db-path" -> db = Path.of(args[i + 1]);
                case "--pg-url" -> pg = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; allowed: --trials, --repeats, --live, --storages, --db-path, --pg-url");
            }
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode out = om.createObjectNode();
        out.put("script", "DashboardScale");
        out.put("load_average_1min", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.put("trials", trials);
        List<FrozenTrial> study = ReportScale.study(trials, 20, 20261123L).trials();
        Path profile = Files.createTempDirectory("nntune-dashboard-scale-chromium");
        ChromeDriver driver = chromium(profile);
        try {
            for (String s : storages) {
                String url;
                if (s.equals("sqlite")) {
                    deleteSqlite(db);
                    url = "sqlite:" + db;
                } else {
                    url = pg;
                }
                out.set(s, measure(driver, url, study, repeats, live));
                if (s.equals("sqlite")) {
                    deleteSqlite(db);
                }
            }
        } finally {
            driver.quit();
        }
        System.out.println(om.writeValueAsString(out));
    }

    private static void deleteSqlite(Path db) throws java.io.IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }

    static ChromeDriver chromium(Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(new File(System.getProperty("nntune.chromium", "/usr/bin/chromium")));
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("nntune.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    private static ObjectNode measure(ChromeDriver driver, String url, List<FrozenTrial> study, int repeats, int live)
            throws Exception {
        ObjectNode r = new ObjectMapper().createObjectNode();
        try (JdbcStorage writer = new JdbcStorage(url)) {
            long id = writer.createStudy("dashboard-scale-" + System.nanoTime(), List.of(StudyDirection.MINIMIZE));
            try {
                long t0 = System.nanoTime();
                for (int done = 0; done < study.size(); done += 5000) {
                    writer.createTrials(id, study.subList(done, Math.min(study.size(), done + 5000)));
                }
                r.put("import_s", seconds(t0));
                double heapBefore = HeapProbe.usedAfterFullGcMiB();
                try (JdbcStorage served = new JdbcStorage(url);
                     DashboardServer server = DashboardServer.start(served, url, new DashboardOptions("127.0.0.1", 0, false))) {
                    String base = "http://127.0.0.1:" + server.port() + "/";
                    long w = System.nanoTime();
                    server.warmUp();
                    HttpClient http = HttpClient.newHttpClient();
                    // the plot request waits for the warm-up's build: when it answers, the server is warm
                    HttpResponse<String> plot = http.send(HttpRequest.newBuilder(URI.create(base + "api/studies/" + id + "/plots/history"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (plot.statusCode() != 200) {
                        throw new IllegalStateException("plot request failed: " + plot.body());
                    }
                    r.put("server_warm_up_s", seconds(w));

                    Map<String, Object> script = Map.of("source", MARKS);
                    String scriptId = (String) driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", script).get("identifier");
                    double[] table = new double[repeats];
                    double[] history = new double[repeats];
                    double[] all = new double[repeats];
                    for (int i = 0; i < repeats; i++) {
                        driver.get("about:blank");
                        driver.get(base + "#/study/" + id);
                        Map<?, ?> marks = waitFor(driver, "return window.__marks && window.__marks.allPlots ? window.__marks : null", 60_000);
                        table[i] = ((Number) marks.get("table")).doubleValue();
                        history[i] = ((Number) marks.get("history")).doubleValue();
                        all[i] = ((Number) marks.get("allPlots")).doubleValue();
                    }
                    r.put("first_paint_table_ms", median(table));
                    r.put("first_paint_history_ms", median(history));
                    r.put("all_plots_ms", median(all));
                    r.put("first_paint_table_ms_max", Arrays.stream(table).max().orElse(0));

                    double[] latency = new double[live];
                    Distribution lr = study.get(0).distributions().get("lr");
                    for (int i = 0; i < live; i++) {
                        Thread.sleep(700 + 300L * i); // not in step with the page's 1 s poll
                        FrozenTrial t = writer.createTrial(id);
                        writer.setTrialParam(t.trialId(), "lr", lr.toInternal(1e-3), lr);
                        writer.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(0.5), Optional.empty());
                        long finishedAt = System.currentTimeMillis();
                        Number seen = (Number) waitFor(driver, "return window.__seen['" + t.number() + "'] || null", 10_000);
                        latency[i] = seen.longValue() - finishedAt;
                    }
                    r.put("new_trial_visible_ms_median", median(latency));
                    r.put("new_trial_visible_ms_max", Arrays.stream(latency).max().orElse(0));
                    driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", scriptId));
                    driver.get("about:blank");
                    double heapAfter = HeapProbe.usedAfterFullGcMiB();
                    r.put("heap_used_mib_jvm", Math.round(heapAfter * 10) / 10.0);
                    r.put("heap_used_mib_dashboard", Math.round((heapAfter - heapBefore) * 10) / 10.0);
                }
            } finally {
                writer.deleteStudy(id);
            }
        }
        return r;
    }

    /** Runs a script until it returns something other than null, or fails after {@code millis}. */
    private static <T> T waitFor(ChromeDriver driver, String script, long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        while (true) {
            @SuppressWarnings("unchecked")
            T v = (T) driver.executeScript(script);
            if (v != null) {
                return v;
            }
            if (System.currentTimeMillis() > until) {
                throw new IllegalStateException("the page did not get there in " + millis + " ms: " + script);
            }
            Thread.sleep(20);
        }
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }

    private static double median(double[] v) {
        return Math.round(Stats.median(Arrays.stream(v).boxed().toList()) * 10) / 10.0;
    }
}
