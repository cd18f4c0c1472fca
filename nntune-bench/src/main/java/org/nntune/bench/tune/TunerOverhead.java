package org.nntune.bench.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.nntune.bench.HeapProbe;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.study.Objective;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.StudyDirection;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nntune's side of {@code scripts/optuna_overhead.py}: the pure sampler and bookkeeping cost of a
 * study on a cheap objective (5-d Rosenbrock over x0..x4 in [-5, 5] plus an offset from a
 * categorical c in {a: 0, b: 0.5, c: 1}), in memory, seed 0.
 *
 * <p>For each config ({@code tpe_mem}: {@link TpeSampler} with Optuna 3.1's defaults ({@code optunaDefaults()}: random start-up, 24 candidates);
 * {@code random_mem}: {@link RandomSampler}) and each N, a fresh study runs N trials; per-trial
 * callback timestamps give the wall time of each block of 100 trials. Configs and Ns run in the
 * same order as the Python script, in one JVM (so the first runs include JIT warm-up, as Python's
 * include its imports' first calls). Then, nntune alone: the same at {@code --ours-ns} (default
 * 10000), and the used heap after a full GC with a study of {@code --heap-trials} (default 100,000)
 * random-sampler trials still reachable.
 *
 * <p>Prints one JSON line with the Python script's keys ({@code summary}, {@code runs},
 * {@code load}) and {@code figures}: per config@N {@code s_per_100}, {@code ms_per_trial_last100}
 * (wall time of the last block of 100 trials, per trial), {@code ms_per_trial_median100} (the
 * median block) and {@code cpu_ms_per_trial_last100} (process CPU time of the last block, JIT and
 * GC threads included, as Python's {@code process_time}), plus {@code tpe_growth_10000_vs_1000} and
 * {@code heap_used_mib_after_100000_random}.
 *
 * <pre>
 * java -cp nntune-bench/target/benchmarks.jar org.nntune.bench.tune.TunerOverhead \
 *     [--ns 100,1000] [--configs tpe_mem,random_mem] [--ours-ns 10000] [--heap-trials 100000] [--seed 0]
 * </pre>
 */
public final class TunerOverhead {
    private TunerOverhead() {}

    private static final Map<String, Double> OFFSET = Map.of("a", 0.0, "b", 0.5, "c", 1.0);

    static double objective(Trial trial) {
        double[] xs = new double[5];
        for (int i = 0; i < 5; i++) {
            xs[i] = trial.suggestFloat("x" + i, -5.0, 5.0);
        }
        String c = trial.suggestCategorical("c", List.of("a", "b", "c"));
        double r = 0;
        for (int i = 0; i < 4; i++) {
            double a = xs[i + 1] - xs[i] * xs[i];
            double b = 1.0 - xs[i];
            r += 100.0 * a * a + b * b;
        }
        return r + OFFSET.get(c);
    }

    private static Sampler sampler(String config) {
        return switch (config) {
            case "tpe_mem" -> TpeSampler.builder().optunaDefaults().build(); // the same work per trial as Optuna's
            case "random_mem" -> new RandomSampler();
            default -> throw new IllegalArgumentException("config '" + config
                    + "' is not measured by nntune here; allowed: tpe_mem, random_mem");
        };
    }

    /** One run, as run_one in the Python script. */
    static Map<String, Object> runOne(String config, int n, long seed) {
        long[] stamps = new long[n];
        long[] cpuStamps = new long[n];
        int[] count = {0};
        Objective objective = TunerOverhead::objective;
        // the process CPU clock is read only where a block of 100 trials ends (the only stamps the
        // figures use): a read costs ~1.6 us (times(2), summing every thread of the process), a
        // sixth of a warm-up random trial, and is no part of the sampler's or the bookkeeping's cost
        OptimizeOptions options = OptimizeOptions.trials(n).withCallback((s, t) -> {
            int i = count[0];
            if (i < n) {
                if (i % 100 == 99) {
                    cpuStamps[i] = processCpuNanos();
                }
                stamps[i] = System.nanoTime();
                count[0] = i + 1;
            }
        });
        long tCreate = System.nanoTime();
        Study study = Study.builder("overhead-" + config + "-" + n).direction(StudyDirection.MINIMIZE)
                .sampler(sampler(config)).seed(seed).create();
        double createS = (System.nanoTime() - tCreate) / 1e9;
        long t0 = System.nanoTime();
        long c0 = processCpuNanos();
        study.optimize(objective, options);
        double wall = (System.nanoTime() - t0) / 1e9;
        List<Double> blocks = new ArrayList<>();
        List<Double> cpuBlocks = new ArrayList<>();
        long prev = t0;
        long cprev = c0;
        for (int k = 100; k <= n; k += 100) {
            blocks.add(round((stamps[k - 1] - prev) / 1e9, 4));
            prev = stamps[k - 1];
            cpuBlocks.add(round((cpuStamps[k - 1] - cprev) / 1e9, 5));
            cprev = cpuStamps[k - 1];
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("config", config);
        r.put("n", n);
        r.put("wall_s", round(wall, 4));
        r.put("s_per_100", round(wall / n * 100, 5));
        r.put("block100_s", blocks);
        r.put("cpu_block100_s", cpuBlocks);
        r.put("create_study_s", round(createS, 4));
        r.put("best_value", study.bestValue());
        r.put("best_c", study.bestParams().get("c"));
        return r;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU time of the whole process (all threads: JIT and GC included), as Python's process_time. */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    public static void main(String[] args) throws IOException {
        List<Integer> ns = List.of(100, 1000);
        List<Integer> oursNs = List.of(10000);
        List<String> configs = List.of("tpe_mem", "random_mem");
        int heapTrials = 100_000;
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            switch (a) {
                case "--ns" -> ns = ints(v);
                case "--ours-ns" -> oursNs = v.isBlank() ? List.of() : ints(v);
                case "--configs" -> configs = List.of(v.split(","));
                case "--heap-trials" -> heapTrials = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + a
                        + "; usage: [--ns 100,1000] [--configs tpe_mem,random_mem] [--ours-ns 10000]"
                        + " [--heap-trials 100000] [--seed 0]");
            }
            i++;
        }
        Load load = new Load();
        List<Map<String, Object>> runs = new ArrayList<>();
        for (String config : configs) {
            for (int n : ns) {
                Load one = new Load();
                Map<String, Object> r = runOne(config, n, seed);
                r.put("foreign_cpu_s", one.foreignCpu());
                r.put("repeat", 0);
                runs.add(r);
            }
        }
        for (String config : configs) {
            for (int n : oursNs) {
                Load one = new Load();
                Map<String, Object> r = runOne(config, n, seed);
                r.put("foreign_cpu_s", one.foreignCpu());
                r.put("repeat", 0);
                r.put("nntune_only", true);
                runs.add(r);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Map<String, Object> r : runs) {
            String key = r.get("config") + "@" + r.get("n");
            summary.put(key, Map.of("s_per_100", List.of(r.get("s_per_100")),
                    "best_value", List.of(round((Double) r.get("best_value"), 4))));
            @SuppressWarnings("unchecked")
            List<Double> blocks = (List<Double>) r.get("block100_s");
            @SuppressWarnings("unchecked")
            List<Double> cpuBlocks = (List<Double>) r.get("cpu_block100_s");
            List<Double> sorted = new ArrayList<>(blocks);
            sorted.sort(null);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("s_per_100", r.get("s_per_100"));
            f.put("ms_per_trial_last100", round(blocks.get(blocks.size() - 1) * 10.0, 5));
            f.put("ms_per_trial_median100", round(sorted.get(sorted.size() / 2) * 10.0, 5));
            f.put("cpu_ms_per_trial_last100", round(cpuBlocks.get(cpuBlocks.size() - 1) * 10.0, 5));
            figures.put(key, f);
        }
        if (figures.containsKey("tpe_mem@1000") && figures.containsKey("tpe_mem@10000")) {
            double at1k = (Double) ((Map<?, ?>) figures.get("tpe_mem@1000")).get("ms_per_trial_last100");
            double at10k = (Double) ((Map<?, ?>) figures.get("tpe_mem@10000")).get("ms_per_trial_last100");
            figures.put("tpe_growth_10000_vs_1000", round(at10k / at1k, 3));
        }
        if (heapTrials > 0) {
            Study study = Study.builder("heap").sampler(new RandomSampler()).seed(seed).create();
            study.optimize(TunerOverhead::objective, heapTrials);
            double mib = HeapProbe.usedAfterFullGcMiB();
            figures.put("heap_used_mib_after_" + heapTrials + "_random", round(mib, 1));
            figures.put("heap_study_trials", study.trials().size());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("script", "TunerOverhead");
        out.put("nntune", "0.1.0-SNAPSHOT");
        out.put("figures", figures);
        out.put("summary", summary);
        out.put("runs", runs);
        out.put("load", load.stop());
        System.out.println(new ObjectMapper().writeValueAsString(out));
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    /** Wall, own CPU and other processes' CPU over a span, as the Python script's LoadMeter. */
    private static final class Load {
        private final long t0 = System.nanoTime();
        private final double own0 = ownCpu();
        private final double busy0 = busyCpu();

        private static double ownCpu() {
            return processCpuNanos() / 1e9;
        }

        private static double busyCpu() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long sum = 0;
                for (int i = 1; i <= 8 && i < f.length; i++) {
                    sum += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return (sum - idle) / 100.0; // USER_HZ is 100 on Linux
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        double foreignCpu() {
            return round((busyCpu() - busy0) - (ownCpu() - own0), 2);
        }

        Map<String, Object> stop() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("wall_s", round((System.nanoTime() - t0) / 1e9, 2));
            m.put("own_cpu_s", round(ownCpu() - own0, 2));
            m.put("foreign_cpu_s", foreignCpu());
            return m;
        }
    }
}
