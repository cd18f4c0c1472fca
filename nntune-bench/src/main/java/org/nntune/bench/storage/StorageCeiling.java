package org.nntune.bench.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nntune.storage.JdbcStorage;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The storage's ceiling, by simulation: W concurrent workers (8, 32, 128) run trials of a study in
 * PostgreSQL with an objective that costs nothing and TPE sampling on, so that a trial costs the
 * storage's round trips, its locks and the sampler's reads. Beside them, in the same run, Optuna's RDB
 * storage driven by 8 Python processes ({@code scripts/optuna_ceiling.py}) on the same server and
 * database, with the same objective and Optuna's TPE.
 *
 * <p>One nntune worker is one thread with a {@link Study} and a {@link TpeSampler} of its own (as a
 * worker process has). Worker processes are simulated by storages: the W workers are spread over
 * {@code min(W, 16)} {@link JdbcStorage}s, each with nntune's default pool of
 * {@value org.nntune.storage.StorageUrl#DEFAULT_POOL_SIZE} connections (as {@code nntune worker --jobs
 * W/16} processes would be), so 128 workers hold 32 connections, within PostgreSQL's default
 * {@code max_connections} of 100 (which 128 processes with a connection each would exceed).
 *
 * <p>Measured per configuration: finished trials per second (total trials / wall time from the
 * common start to the last worker's end), p50/p99 of ask (ask and the suggestions: the sampler's
 * reads, its sampling and the parameter writes) and of tell, errors; where the time goes: each
 * storage method's total time (a timing proxy around each storage), and what the server's
 * backends for the database were doing (pg_stat_activity sampled every 20 ms: running, waiting on a
 * lock, idle in a transaction, …). The database ({@code --db}, default {@code nntune_ceiling}) is
 * dropped and created anew at the start and dropped at the end. Prints one JSON line.
 *
 * <pre>
 * java $(cat nntune-bench/target/classes/nntune-jvm.flags) -Xmx2g -cp nntune-bench/target/benchmarks.jar \
 *     org.nntune.bench.storage.StorageCeiling [--workers 8,32,128] [--trials 1024] [--optuna-workers 8] \
 *     [--optuna-trials 1024 (0: no Optuna run)] [--repeats 1] [--server 127.0.0.1:5432] [--db nntune_ceiling] [--python /usr/bin/python3]
 * </pre>
 */
public final class StorageCeiling {
    private StorageCeiling() {}

    static final String SCRIPT = "nntune-bench/scripts/optuna_ceiling.py";
    /** At most this many storages ("worker processes") per run; the workers share them evenly. */
    static final int MAX_STORAGES = 16;

    public static void main(String[] args) throws Exception {
        List<Integer> workers = List.of(8, 32, 128);
        int trials = 1024;
        int optunaWorkers = 8;
        int optunaTrials = 1024;
        int repeats = 1;
        String server = "127.0.0.1:5432";
        String db = "nntune_ceiling";
        String python = "/usr/bin/python3";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--workers" -> workers = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--trials" -> trials = Integer.parseInt(args[i + 1]);
                case "--optuna-workers" -> optunaWorkers = Integer.parseInt(args[i + 1]);
                case "--optuna-trials" -> optunaTrials = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--server" -> server = args[i + 1];
                case "--db" -> db = args[i + 1];
                case "--python" -> python = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; allowed: --workers, --trials,"
                        + " --optuna-workers, --optuna-trials, --repeats, --server, --db, --python");
            }
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode out = om.createObjectNode();
        out.put("script", "StorageCeiling");
        out.put("load_average_1min_start", loadAverage());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        recreateDatabase(server, db);
        String url = "postgresql://postgres@" + server + "/" + db;
        try {
            // a short unmeasured run first: the JIT compiles the worker path before the figures are taken
            runNntune(url, "warmup", 8, 128);
            ArrayNode runs = out.putArray("runs");
            for (int r = 0; r < repeats; r++) {
                for (int w : workers) {
                    runs.add(runNntune(url, "nntune-" + w + "-" + r, w, trials).json(om, "nntune", w));
                    if (w == optunaWorkers && optunaTrials > 0) { // the reference right beside the same worker count
                        runs.add(runOptuna(python, url, "optuna-" + w + "-" + r, w, optunaTrials, server, db).json(om, "optuna", w));
                    }
                }
                if (!workers.contains(optunaWorkers) && optunaTrials > 0) {
                    runs.add(runOptuna(python, url, "optuna-" + optunaWorkers + "-" + r, optunaWorkers, optunaTrials, server, db)
                            .json(om, "optuna", optunaWorkers));
                }
            }
            out.set("summary", summary(om, runs, optunaWorkers));
        } finally {
            dropDatabase(server, db);
        }
        out.put("load_average_1min_end", loadAverage());
        System.out.println(om.writeValueAsString(out));
    }

    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Medians over the repeats: completions/s and latencies per side and worker count, and the ratio at the Optuna worker count. */
    private static ObjectNode summary(ObjectMapper om, ArrayNode runs, int optunaWorkers) {
        ObjectNode s = om.createObjectNode();
        Map<String, List<JsonNode>> by = new TreeMap<>();
        for (JsonNode r : runs) {
            by.computeIfAbsent(r.get("side").asText() + "@" + r.get("workers").asInt(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<JsonNode>> e : by.entrySet()) {
            ObjectNode o = s.putObject(e.getKey());
            for (String f : List.of("completions_per_s", "ask_p50_ms", "ask_p99_ms", "tell_p50_ms", "tell_p99_ms")) {
                o.put(f, median(e.getValue().stream().mapToDouble(r -> r.get(f).asDouble()).toArray()));
            }
            o.put("errors", e.getValue().stream().mapToLong(r -> r.get("errors").asLong()).sum());
        }
        JsonNode ours = s.get("nntune@" + optunaWorkers);
        JsonNode theirs = s.get("optuna@" + optunaWorkers);
        if (ours != null && theirs != null) {
            s.put("ratio_completions_per_s_at_" + optunaWorkers,
                    round(ours.get("completions_per_s").asDouble() / theirs.get("completions_per_s").asDouble(), 2));
        }
        return s;
    }

    // ---------------------------------------------------------------- nntune's side

    /** What one configuration measured. */
    record Result(int trials, double wallS, long[] askNs, long[] tellNs, long errors, String firstError, int completeInStorage,
                  Map<String, long[]> storageCalls, Map<String, Double> backends, double loadAverage) {
        double completionsPerS() {
            return trials / wallS;
        }

        ObjectNode json(ObjectMapper om, String side, int workers) {
            ObjectNode o = om.createObjectNode();
            o.put("side", side);
            o.put("workers", workers);
            o.put("trials", trials);
            o.put("complete_in_storage", completeInStorage);
            o.put("wall_s", round(wallS, 3));
            o.put("completions_per_s", round(completionsPerS(), 1));
            o.put("ask_p50_ms", pct(askNs, 0.50));
            o.put("ask_p99_ms", pct(askNs, 0.99));
            o.put("tell_p50_ms", pct(tellNs, 0.50));
            o.put("tell_p99_ms", pct(tellNs, 0.99));
            o.put("errors", errors);
            if (firstError != null) {
                o.put("first_error", firstError);
            }
            o.put("load_average_1min", loadAverage);
            // worker time per trial: ask, tell and, of it, the time inside each storage method (the rest is the sampler in the JVM)
            double perTrial = 1e6 * trials;
            o.put("ask_ms_per_trial", round(Arrays.stream(askNs).sum() / perTrial, 3));
            o.put("tell_ms_per_trial", round(Arrays.stream(tellNs).sum() / perTrial, 3));
            ObjectNode calls = o.putObject("storage_ms_per_trial");
            ObjectNode counts = o.putObject("storage_calls_per_trial");
            storageCalls.forEach((m, v) -> {
                calls.put(m, round(v[1] / perTrial, 3));
                counts.put(m, round(v[0] / (double) trials, 2));
            });
            ObjectNode b = o.putObject("server_backends_mean");
            backends.forEach((k, v) -> b.put(k, round(v, 2)));
            return o;
        }
    }

    /**
     * Runs {@code trials} trials of a fresh study on {@code workers} threads spread over
     * {@code min(workers, 16)} storages at {@code url} (each its own pool), each worker with its own
     * {@link Study} and TPE sampler, and measures them.
     */
    static Result runNntune(String url, String studyName, int workers, int trials) throws Exception {
        int storagesN = Math.min(workers, MAX_STORAGES);
        Map<String, long[]> calls = new ConcurrentHashMap<>();
        Map<String, LongAdder[]> adders = new ConcurrentHashMap<>();
        List<JdbcStorage> storages = new ArrayList<>();
        List<Storage> timed = new ArrayList<>();
        try {
            for (int i = 0; i < storagesN; i++) {
                JdbcStorage s = new JdbcStorage(url);
                storages.add(s);
                timed.add(timing(s, adders));
            }
            Study.builder(studyName).storage(storages.get(0)).direction(StudyDirection.MINIMIZE).create();
            List<Study> studies = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                studies.add(Study.builder(studyName).storage(timed.get(w % storagesN))
                        .sampler(TpeSampler.builder().seed(1000L + w).build()).load());
            }
            adders.clear(); // the loads above are not the workers' trials
            long[][] ask = new long[workers][];
            long[][] tell = new long[workers][];
            LongAdder errors = new LongAdder();
            AtomicLong lastEnd = new AtomicLong();
            String[] firstError = new String[1];
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int me = w;
                int mine = trials / workers + (w < trials % workers ? 1 : 0);
                Thread t = new Thread(() -> {
                    ask[me] = new long[mine];
                    tell[me] = new long[mine];
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    Study study = studies.get(me);
                    for (int i = 0; i < mine; i++) {
                        try {
                            long a = System.nanoTime();
                            Trial trial = study.ask();
                            double v = objective(trial);
                            long b = System.nanoTime();
                            study.tell(trial, v);
                            long c = System.nanoTime();
                            ask[me][i] = b - a;
                            tell[me][i] = c - b;
                        } catch (RuntimeException e) {
                            errors.increment();
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = e.toString();
                                }
                            }
                        }
                    }
                    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                }, "ceiling-worker-" + w);
                t.start();
                threads.add(t);
            }
            ServerSampler backends = new ServerSampler(url);
            backends.start();
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(30));
            }
            double wall = (lastEnd.get() - t0) / 1e9;
            Map<String, Double> server = backends.stop();
            adders.forEach((m, v) -> calls.put(m, new long[] {v[0].sum(), v[1].sum()}));
            int complete = storages.get(0).countTrials(storages.get(0).getStudyId(studyName), EnumSet.of(TrialState.COMPLETE));
            return new Result(trials, wall, concat(ask), concat(tell), errors.sum(), firstError[0], complete, calls, server, loadAverage());
        } finally {
            for (JdbcStorage s : storages) {
                s.close();
            }
        }
    }

    /** The objective of both sides: four floats and a categorical, no cost. */
    static double objective(Trial trial) {
        double v = 0;
        for (int i = 0; i < 4; i++) {
            double x = trial.suggestFloat("x" + i, -5, 5);
            v += x * x;
        }
        return v + (trial.suggestCategorical("c", List.of("a", "b", "c")).equals("b") ? 0 : 1);
    }

    /** A storage whose every method adds its call count and time to {@code adders} (by method name). */
    static Storage timing(Storage target, Map<String, LongAdder[]> adders) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, method, a) -> {
            long t = System.nanoTime();
            try {
                return method.invoke(target, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                LongAdder[] v = adders.computeIfAbsent(method.getName(), k -> new LongAdder[] {new LongAdder(), new LongAdder()});
                v[0].increment();
                v[1].add(System.nanoTime() - t);
            }
        });
    }

    // ---------------------------------------------------------------- Optuna's side

    /** Runs {@code trials} trials of a fresh Optuna study with {@code workers} Python processes started together. */
    static Result runOptuna(String python, String url, String studyName, int workers, int trials, String server, String db)
            throws Exception {
        String pyUrl = "postgresql+psycopg2://postgres@" + server + "/" + db;
        Process create = new ProcessBuilder(python, SCRIPT, "--url", pyUrl, "--study", studyName, "--create")
                .redirectErrorStream(true).start();
        String created = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!create.waitFor(5, TimeUnit.MINUTES) || create.exitValue() != 0) {
            throw new IllegalStateException("cannot create the Optuna study: " + created);
        }
        List<Process> procs = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                int mine = trials / workers + (w < trials % workers ? 1 : 0);
                Process p = new ProcessBuilder(python, SCRIPT, "--url", pyUrl, "--study", studyName, "--trials", String.valueOf(mine),
                        "--seed", String.valueOf(1000 + w)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                procs.add(p);
                outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader r : outs) {
                String line = r.readLine();
                if (!"ready".equals(line)) {
                    throw new IllegalStateException("an Optuna worker did not start: " + line);
                }
            }
            ServerSampler backends = new ServerSampler(url);
            backends.start();
            for (Process p : procs) {
                Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                w.write("go\n");
                w.flush();
            }
            ObjectMapper om = new ObjectMapper();
            double start = Double.MAX_VALUE;
            double end = 0;
            List<long[]> ask = new ArrayList<>();
            List<long[]> tell = new ArrayList<>();
            long errors = 0;
            String firstError = null;
            for (int w = 0; w < workers; w++) {
                JsonNode j = om.readTree(outs.get(w).readLine());
                procs.get(w).waitFor(5, TimeUnit.MINUTES);
                start = Math.min(start, j.get("start").asDouble());
                end = Math.max(end, j.get("end").asDouble());
                ask.add(nanos(j.get("ask_ms")));
                tell.add(nanos(j.get("tell_ms")));
                errors += j.get("errors").asLong();
                if (firstError == null && !j.get("first_error").isNull()) {
                    firstError = j.get("first_error").asText();
                }
            }
            Map<String, Double> server2 = backends.stop();
            int complete;
            try (Connection c = connect(server, db); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM trials t JOIN studies s ON s.study_id = t.study_id WHERE s.study_name = ? AND t.state = 'COMPLETE'")) {
                ps.setString(1, studyName);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    complete = rs.getInt(1);
                }
            }
            return new Result(trials, end - start, concat(ask.toArray(long[][]::new)), concat(tell.toArray(long[][]::new)), errors,
                    firstError, complete, Map.of(), server2, loadAverage());
        } finally {
            for (Process p : procs) {
                p.destroyForcibly();
            }
        }
    }

    private static long[] nanos(JsonNode ms) {
        long[] v = new long[ms.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round(ms.get(i).asDouble() * 1e6);
        }
        return v;
    }

    // ---------------------------------------------------------------- the server

    /**
     * Samples, every 20 ms, what the server's backends connected to the benchmark's database do:
     * {@code running} (active, not waiting), {@code wait:<type>} (active, waiting: Lock, LWLock, IO, …),
     * {@code idle_in_transaction} (a transaction open while the client works or a round trip is under
     * way) and {@code idle}; the means are the average number of backends in each.
     */
    static final class ServerSampler {
        private final String db;
        private final String server;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        private final LongAdder samples = new LongAdder();
        private Thread thread;

        ServerSampler(String url) {
            // postgresql://user@host:port/db
            String rest = url.substring(url.indexOf('@') + 1);
            this.server = rest.substring(0, rest.indexOf('/'));
            this.db = rest.substring(rest.indexOf('/') + 1);
        }

        void start() {
            thread = new Thread(() -> {
                try (Connection c = connect(server, "postgres"); PreparedStatement ps = c.prepareStatement(
                        "SELECT CASE WHEN state = 'active' AND wait_event_type IS NULL THEN 'running'"
                                + " WHEN state = 'active' THEN 'wait:' || wait_event_type"
                                + " WHEN state LIKE 'idle in transaction%' THEN 'idle_in_transaction' ELSE coalesce(state, '?') END,"
                                + " count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid() GROUP BY 1")) {
                    ps.setString(1, db);
                    while (running.get()) {
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                counts.computeIfAbsent(rs.getString(1), k -> new LongAdder()).add(rs.getLong(2));
                            }
                        }
                        samples.increment();
                        Thread.sleep(20);
                    }
                } catch (SQLException | InterruptedException e) {
                    counts.computeIfAbsent("sampler_failed", k -> new LongAdder()).increment();
                }
            }, "ceiling-pg-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Double> stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            Map<String, Double> mean = new TreeMap<>();
            long n = Math.max(1, samples.sum());
            counts.forEach((k, v) -> mean.put(k, v.sum() / (double) n));
            mean.put("samples", (double) samples.sum());
            return mean;
        }
    }

    static Connection connect(String server, String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + server + "/" + db, p);
    }

    /** Drops the benchmark's database (ending its sessions) and creates it anew. */
    static void recreateDatabase(String server, String db) throws SQLException {
        checkName(db);
        try (Connection c = connect(server, "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + db);
        }
    }

    static void dropDatabase(String server, String db) throws SQLException {
        checkName(db);
        try (Connection c = connect(server, "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    private static void checkName(String db) {
        if (!db.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name '" + db + "': lower-case letters, digits and '_' only");
        }
    }

    // ---------------------------------------------------------------- figures

    private static long[] concat(long[][] parts) {
        return Arrays.stream(parts).filter(p -> p != null).flatMapToLong(Arrays::stream).filter(v -> v > 0).toArray();
    }

    static double pct(long[] ns, double q) {
        if (ns.length == 0) {
            return Double.NaN;
        }
        long[] s = ns.clone();
        Arrays.sort(s);
        int i = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
        return round(s[i] / 1e6, 3);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
