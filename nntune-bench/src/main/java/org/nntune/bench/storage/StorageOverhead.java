package org.nntune.bench.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nntune.storage.Storages;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Objective;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * nntune's side of {@code scripts/optuna_storage_overhead.py} (Optuna's {@code optuna_overhead.py}
 * configurations random_mem, random_sqlite, random_pg): the cost a storage adds to each trial.
 * A fresh study per (configuration, N), the random sampler with seed 0, the same objective
 * (5-d Rosenbrock over x0..x4 in [-5, 5] plus an offset from a categorical c), study.optimize with a
 * callback stamping each finished trial; the SQLite file is deleted before each run, PostgreSQL
 * runs use a fresh study name (deleted afterwards). Prints one JSON line with the same keys as the
 * Python side: per-trial ms over the run and in the last block of 100, and the overheads
 * (storage minus in-memory).
 *
 * <pre>
 * java -cp nntune-bench/target/benchmarks.jar org.nntune.bench.storage.StorageOverhead \
 *     [--ns 100,1000] [--storages sqlite,pg] [--db-path /tmp/x.db] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
 * </pre>
 */
public final class StorageOverhead {
    private StorageOverhead() {}

    private static final Map<String, Double> OFFSET = Map.of("a", 0.0, "b", 0.5, "c", 1.0);

    static final Objective OBJECTIVE = trial -> {
        double[] x = new double[5];
        for (int i = 0; i < 5; i++) {
            x[i] = trial.suggestFloat("x" + i, -5.0, 5.0);
        }
        String c = trial.suggestCategorical("c", List.of("a", "b", "c"));
        double r = 0;
        for (int i = 0; i < 4; i++) {
            r += 100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + (1.0 - x[i]) * (1.0 - x[i]);
        }
        return r + OFFSET.get(c);
    };

    record Options(List<Integer> ns, List<String> storages, Path dbPath, String pgUrl) {
        static Options parse(String[] args) {
            List<Integer> ns = List.of(100, 1000);
            List<String> storages = List.of("sqlite", "pg");
            Path db = Path.of("/tmp/nntune-storage-overhead.db");
            String pg = "postgresql://postgres@127.0.0.1:5432/test";
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--ns" -> ns = java.util.Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
                    case "--storages" -> storages = List.of(v.split(","));
                    case "--db-path" -> db = Path.of(v);
                    case "--pg-url" -> pg = v;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; allowed: --ns, --storages, --db-path, --pg-url");
                }
            }
            for (String s : storages) {
                if (!s.equals("sqlite") && !s.equals("pg")) {
                    throw new IllegalArgumentException("--storages: '" + s + "' is not sqlite or pg");
                }
            }
            return new Options(ns, storages, db, pg);
        }
    }

    /** One run's figures. */
    record Run(String config, int n, double wallS, List<Double> blocks, double createS, double bestValue, String bestC,
               double foreignCpuS) {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        LoadMeter meter = new LoadMeter();
        // warm the JIT and the drivers the way a long-lived process would be, outside the timed runs
        runOne("random_mem", 200, o);
        for (String s : o.storages()) {
            runOne("random_" + s, 50, o);
        }
        List<Run> runs = new ArrayList<>();
        for (int n : o.ns()) {
            runs.add(runOne("random_mem", n, o));
            for (String s : o.storages()) {
                runs.add(runOne("random_" + s, n, o));
            }
        }
        deleteDb(o.dbPath());
        System.out.println(new ObjectMapper().writeValueAsString(figures(runs, meter.stop())));
    }

    static Run runOne(String config, int n, Options o) throws IOException {
        LoadMeter m = new LoadMeter();
        long t0 = System.nanoTime();
        String url = switch (config) {
            case "random_mem" -> "memory";
            case "random_sqlite" -> {
                deleteDb(o.dbPath());
                yield "sqlite:" + o.dbPath();
            }
            case "random_pg" -> o.pgUrl();
            default -> throw new IllegalArgumentException(config);
        };
        String name = config.equals("random_pg") ? "overhead-" + config + "-" + System.nanoTime() : "overhead";
        try (Storage storage = Storages.open(url)) {
            Study study = Study.builder(name).storage(storage).sampler(new RandomSampler(0)).create();
            double createS = (System.nanoTime() - t0) / 1e9;
            long[] stamps = new long[n];
            int[] done = {0};
            long start = System.nanoTime();
            // no heartbeats (on a database they are optimize's default): Optuna's script keeps none either
            // (RDBStorage without heartbeat_interval), and the recorded figures were measured without
            study.optimize(OBJECTIVE, OptimizeOptions.trials(n).withHeartbeat(java.time.Duration.ZERO)
                    .withCallback((s, t) -> stamps[done[0]++] = System.nanoTime()));
            double wall = (System.nanoTime() - start) / 1e9;
            List<Double> blocks = new ArrayList<>();
            long prev = start;
            for (int k = 100; k <= n; k += 100) {
                blocks.add(round((stamps[k - 1] - prev) / 1e9, 4));
                prev = stamps[k - 1];
            }
            Run r = new Run(config, n, wall, blocks, createS, study.bestValue(), (String) study.bestParams().get("c"),
                    m.stop()[2]);
            if (config.equals("random_pg")) {
                storage.deleteStudy(study.studyId());
            }
            return r;
        }
    }

    private static void deleteDb(Path db) throws IOException {
        for (String suffix : List.of("", "-journal", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static ObjectNode figures(List<Run> runs, double[] load) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode out = om.createObjectNode();
        out.put("script", "StorageOverhead");
        out.put("version", "nntune");
        ObjectNode summary = out.putObject("summary");
        ObjectNode ms = out.putObject("ms_per_trial");
        ObjectNode last = out.putObject("last_block_ms_per_trial");
        ObjectNode overhead = out.putObject("overhead_ms");
        ObjectNode lastOverhead = out.putObject("last_block_overhead_ms");
        ArrayNode list = out.putArray("runs");
        for (Run r : runs) {
            String key = r.config() + "_" + r.n();
            ObjectNode s = summary.putObject(r.config() + "@" + r.n());
            s.putArray("s_per_100").add(round(r.wallS() / r.n() * 100, 3));
            s.putArray("best_value").add(round(r.bestValue(), 4));
            ms.put(key, round(r.wallS() / r.n() * 1000, 3));
            last.put(key, round(r.blocks().get(r.blocks().size() - 1) * 10, 3));
            ObjectNode j = list.addObject();
            j.put("config", r.config());
            j.put("n", r.n());
            j.put("wall_s", round(r.wallS(), 3));
            j.put("s_per_100", round(r.wallS() / r.n() * 100, 3));
            ArrayNode b = j.putArray("block100_s");
            r.blocks().forEach(b::add);
            j.put("create_study_s", round(r.createS(), 3));
            j.put("best_value", r.bestValue());
            j.put("best_c", r.bestC());
            j.put("foreign_cpu_s", round(r.foreignCpuS(), 2));
        }
        for (Run r : runs) {
            if (r.config().equals("random_mem")) {
                continue;
            }
            Run mem = runs.stream().filter(x -> x.config().equals("random_mem") && x.n() == r.n()).findFirst().orElseThrow();
            String key = r.config().substring("random_".length()) + "_" + r.n();
            overhead.put(key, round((r.wallS() / r.n() - mem.wallS() / mem.n()) * 1000, 3));
            lastOverhead.put(key, round((r.blocks().get(r.blocks().size() - 1) - mem.blocks().get(mem.blocks().size() - 1)) * 10, 3));
        }
        ObjectNode l = out.putObject("load");
        l.put("wall_s", round(load[0], 2));
        l.put("own_cpu_s", round(load[1], 2));
        l.put("foreign_cpu_s", round(load[2], 2));
        return out;
    }

    /** Wall time, own CPU and the CPU other processes used over a span (as the Python LoadMeter). */
    static final class LoadMeter {
        private final long t0 = System.nanoTime();
        private final double own0 = ownCpu();
        private final double busy0 = busyCpu();

        private static double ownCpu() {
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getProcessCpuTime() / 1e9;
            }
            return Double.NaN;
        }

        private static double busyCpu() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long sum = 0;
                for (int i = 1; i <= 8; i++) {
                    sum += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return (sum - idle) / 100.0; // USER_HZ
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        /** @return wall s, own CPU s, foreign CPU s */
        double[] stop() {
            double wall = (System.nanoTime() - t0) / 1e9;
            double own = ownCpu() - own0;
            return new double[] {wall, own, busyCpu() - busy0 - own};
        }
    }
}
