package org.nntune.bench.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nntune.storage.JdbcStorage;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The storage's scale targets at 100,000 trials in one study: best trial ≤ 10 ms, an incremental
 * read of what changed since the last read ≤ 5 ms, a full listing ≤ 2 s — on SQLite and PostgreSQL.
 *
 * <p>The study is filled with 100,000 COMPLETE trials of the overhead benchmark's space (x0..x4 and a
 * categorical, as a sampler would write them) through {@link JdbcStorage#createTrials} in batches;
 * then, while "a worker" keeps adding trials, it times (median of repeated calls, after warm-up):
 * {@code getBestTrial}; {@code getTrialsChangedSince(cursor)} after one new trial; and
 * {@code getAllTrials} (wall time, and the calling thread's CPU time, which is what the listing costs on
 * a machine that is not shared). Prints one JSON line with the load average at the start.
 *
 * <pre>
 * java -cp nntune-bench/target/benchmarks.jar org.nntune.bench.storage.StorageScale \
 *     [--trials 100000] [--storages sqlite,pg] [--db-path /tmp/x.db] [--pg-url postgresql://postgres@127.0.0.1:5432/test]
 * </pre>
 */
public final class StorageScale {
    private StorageScale() {}

    public static void main(String[] args) throws Exception {
        int trials = 100_000;
        List<String> storages = List.of("sqlite", "pg");
        Path db = Path.of("/tmp/nntune-storage-scale.db");
        String pg = "postgresql://postgres@127.0.0.1:5432/test";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[i + 1]);
                case "--storages" -> storages = List.of(args[i + 1].split(","));
                case "--db-path" -> db = Path.of(args[i + 1]);
                case "--pg-url" -> pg = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; allowed: --trials, --storages, --db-path, --pg-url");
            }
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode out = om.createObjectNode();
        out.put("script", "StorageScale");
        out.put("load_average_1min", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.put("trials", trials);
        for (String s : storages) {
            String url;
            if (s.equals("sqlite")) {
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Files.deleteIfExists(Path.of(db + suffix));
                }
                url = "sqlite:" + db;
            } else {
                url = pg;
            }
            out.set(s, measure(url, trials));
            if (s.equals("sqlite")) {
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Files.deleteIfExists(Path.of(db + suffix));
                }
            }
        }
        System.out.println(om.writeValueAsString(out));
    }

    private static ObjectNode measure(String url, int n) {
        ObjectNode r = new ObjectMapper().createObjectNode();
        Map<String, Distribution> dists = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            dists.put("x" + i, FloatDistribution.uniform(-5, 5));
        }
        dists.put("c", CategoricalDistribution.of("a", "b", "c"));
        SplittableRandom rnd = new SplittableRandom(0);
        try (JdbcStorage s = new JdbcStorage(url)) {
            long id = s.createStudy("scale-" + System.nanoTime(), List.of(StudyDirection.MINIMIZE));
            try {
                long t0 = System.nanoTime();
                for (int done = 0; done < n; ) {
                    int k = Math.min(5000, n - done);
                    List<FrozenTrial> batch = new ArrayList<>(k);
                    for (int i = 0; i < k; i++) {
                        Map<String, Object> params = new LinkedHashMap<>();
                        for (int j = 0; j < 5; j++) {
                            params.put("x" + j, rnd.nextDouble(-5, 5));
                        }
                        params.put("c", List.of("a", "b", "c").get(rnd.nextInt(3)));
                        FrozenTrial t = FrozenTrial.template(TrialState.COMPLETE, List.of(rnd.nextDouble(0, 1e4)), params, dists);
                        batch.add(t);
                    }
                    s.createTrials(id, batch);
                    done += k;
                }
                r.put("import_s", seconds(t0));

                int reps = 30;
                double[] best = new double[reps];
                double[] incremental = new double[reps];
                TrialChanges last = s.getTrialsChangedSince(id, 0); // the reader's first full read
                for (int i = -5; i < reps; i++) { // 5 warm-up rounds
                    FrozenTrial t = s.createTrial(id); // a worker writes a trial
                    for (Map.Entry<String, Distribution> e : dists.entrySet()) {
                        s.setTrialParam(t.trialId(), e.getKey(), e.getValue() instanceof CategoricalDistribution ? 1 : 0.5,
                                e.getValue());
                    }
                    s.finishTrial(t.trialId(), TrialState.COMPLETE, List.of(rnd.nextDouble(0, 1e4)), Optional.empty());
                    long a = System.nanoTime();
                    TrialChanges ch = s.getTrialsChangedSince(id, last.cursor());
                    long b = System.nanoTime();
                    Optional<FrozenTrial> bt = s.getBestTrial(id);
                    long c = System.nanoTime();
                    if (ch.trials().size() != 1 || bt.isEmpty()) {
                        throw new IllegalStateException("unexpected: " + ch.trials().size() + " changed trials");
                    }
                    last = ch;
                    if (i >= 0) {
                        incremental[i] = (b - a) / 1e6;
                        best[i] = (c - b) / 1e6;
                    }
                }
                r.put("best_trial_ms", median(best));
                r.put("incremental_read_ms", median(incremental));
                double[] listing = new double[5];
                double[] listingCpu = new double[5];
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                int size = 0;
                for (int i = -1; i < listing.length; i++) {
                    long cpu = threads.getCurrentThreadCpuTime();
                    long a = System.nanoTime();
                    size = s.getAllTrials(id).size();
                    if (i >= 0) {
                        listing[i] = seconds(a);
                        listingCpu[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
                    }
                }
                r.put("full_listing_s", median(listing));
                // the calling thread's CPU time: what the listing costs when the machine is not shared
                r.put("full_listing_thread_cpu_s", median(listingCpu));
                r.put("listed_trials", size);
                long a = System.nanoTime();
                s.getTrialsChangedSince(id, 0);
                r.put("full_incremental_read_s", seconds(a));
            } finally {
                s.deleteStudy(id);
            }
        }
        return r;
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        double m = c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
        return Math.round(m * 1000) / 1000.0;
    }
}
