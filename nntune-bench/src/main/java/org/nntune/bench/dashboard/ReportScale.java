package org.nntune.bench.dashboard;

import org.nntune.bench.HeapProbe;
import org.nntune.dashboard.HtmlReport;
import org.nntune.dashboard.ReportOptions;
import org.nntune.dashboard.SpearmanImportance;
import org.nntune.dashboard.StudyReportData;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * How the HTML report scales with the number of trials: builds a synthetic study (five parameters
 * of every kind, 20 reported epochs per trial, ~10% pruned, ~3% failed), renders the report once
 * cold and {@code --repeats} times warm, writes it, and prints one JSON line: trials, cold and
 * median warm seconds (wall, and the rendering thread's CPU time, which a busy machine disturbs
 * less), file size, used heap after GC with the study loaded. {@code --importance spearman} renders
 * with the cheaper importance instead of the default fANOVA.
 *
 * <pre>
 * java $(cat nntune-bench/target/classes/nntune-jvm.flags) -Xmx1g -cp nntune-bench/target/benchmarks.jar \
 *     org.nntune.bench.dashboard.ReportScale --trials 100000
 * </pre>
 */
public final class ReportScale {
    private ReportScale() {}

    public static void main(String[] args) throws Exception {
        int trials = 100_000;
        int repeats = 3;
        int epochs = 20;
        Path out = Files.createTempFile("nntune-report-scale", ".html");
        ReportOptions options = ReportOptions.defaults();
        String importance = "fanova";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--importance" -> {
                    importance = args[++i];
                    options = switch (importance) {
                        case "fanova" -> ReportOptions.defaults();
                        case "spearman" -> ReportOptions.defaults().withImportanceProvider(new SpearmanImportance());
                        default -> throw new IllegalArgumentException("--importance must be fanova or spearman, got " + importance);
                    };
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; allowed: --trials N --repeats N --epochs N --out FILE --importance fanova|spearman");
            }
        }
        StudyReportData data = study(trials, epochs, 20261123L);
        double heapMiB = HeapProbe.usedAfterFullGcMiB();

        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        String html = HtmlReport.of(data, options).html();
        double cold = (System.nanoTime() - t0) / 1e9;
        double[] warm = new double[repeats];
        double[] warmCpu = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t = System.nanoTime();
            long c = threads.getCurrentThreadCpuTime();
            String again = HtmlReport.of(data, options).html();
            warm[r] = (System.nanoTime() - t) / 1e9;
            warmCpu[r] = (threads.getCurrentThreadCpuTime() - c) / 1e9;
            if (!again.equals(html)) {
                throw new IllegalStateException("the report is not deterministic");
            }
        }
        java.util.Arrays.sort(warm);
        java.util.Arrays.sort(warmCpu);
        long t = System.nanoTime();
        HtmlReport.of(data, options).write(out);
        double withWrite = (System.nanoTime() - t) / 1e9;
        long bytes = html.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf(Locale.ROOT, "{\"trials\": %d, \"epochs\": %d, \"importance\": \"%s\", \"report_cold_s\": %.3f, \"report_warm_s\": %.3f, \"report_warm_cpu_s\": %.3f, "
                        + "\"report_and_write_s\": %.3f, \"file_mib\": %.3f, \"heap_with_study_mib\": %.1f, \"file\": \"%s\"}%n",
                trials, epochs, importance, cold, repeats == 0 ? Double.NaN : warm[repeats / 2],
                repeats == 0 ? Double.NaN : warmCpu[repeats / 2], withWrite, bytes / (1024.0 * 1024.0),
                heapMiB, out.toString().replace("\\", "\\\\").replace("\"", "\\\""));
    }

    /** A synthetic network-tuning study of {@code n} trials, seeded. */
    static StudyReportData study(int n, int epochs, long seed) {
        Map<String, Distribution> space = new LinkedHashMap<>();
        space.put("lr", FloatDistribution.logUniform(1e-5, 1e-1));
        space.put("layers", IntDistribution.uniform(1, 4));
        space.put("units", IntDistribution.logUniform(8, 256));
        space.put("optimizer", CategoricalDistribution.of("sgd", "adam", "rmsprop"));
        space.put("dropout", FloatDistribution.uniform(0, 0.5));
        String[] opts = {"sgd", "adam", "rmsprop"};
        Random r = new Random(seed);
        Instant start = Instant.parse("2026-11-23T00:00:00Z");
        List<FrozenTrial> trials = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            double lr = Math.pow(10, -5 + 4 * r.nextDouble());
            long layers = 1 + r.nextInt(4);
            String opt = opts[r.nextInt(3)];
            double dropout = 0.5 * r.nextDouble();
            p.put("lr", lr);
            p.put("layers", layers);
            p.put("units", Math.round(Math.pow(2, 3 + 5 * r.nextDouble())));
            p.put("optimizer", opt);
            p.put("dropout", dropout);
            double x = Math.log10(lr) + 2.5;
            double loss = Math.max(0.05, 0.2 + 0.12 * x * x + 0.05 * Math.abs(layers - 2.5)
                    + (opt.equals("sgd") ? 0.15 : 0) + 0.2 * dropout * dropout + 0.02 * r.nextGaussian());
            double u = r.nextDouble();
            TrialState state = u < 0.03 ? TrialState.FAIL : u < 0.13 ? TrialState.PRUNED : TrialState.COMPLETE;
            int reported = state == TrialState.FAIL ? 0 : state == TrialState.PRUNED ? 1 + r.nextInt(epochs / 2) : epochs;
            TreeMap<Integer, Double> curve = new TreeMap<>();
            for (int e = 0; e < reported; e++) {
                curve.put(e, loss + (1.2 - loss) * Math.exp(-0.3 * e));
            }
            List<Double> values = state == TrialState.COMPLETE ? List.of(loss)
                    : state == TrialState.PRUNED ? List.of(curve.lastEntry().getValue()) : List.of();
            Instant s = start.plusSeconds(i * 5L);
            trials.add(new FrozenTrial(i, i, state, values, p, space, Map.of(), Map.of(), curve, Optional.of(s),
                    Optional.of(s.plusMillis(1000 + r.nextInt(9000))),
                    state == TrialState.FAIL ? Optional.of("loss became NaN") : Optional.empty()));
        }
        return new StudyReportData("report-scale-" + n, List.of(StudyDirection.MINIMIZE), trials);
    }
}
