package org.nntune.bench.tune;

import org.nntune.tune.sampler.CmaEsSampler;
import org.nntune.tune.sampler.GPSampler;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.sampler.Sampler;
import org.nntune.tune.sampler.SobolSampler;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.Objective;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * nntune's side of {@code ../shared/bench/optuna_quality.py}: the median, over seeds 0..S-1, of the
 * best value found after 100 and after 300 trials (minimisation) on Branin, Hartmann-6,
 * Rosenbrock-5 and a mixed conditional function, for each sampler. Same functions, bounds and
 * suggest calls as the Python script; prints one line per (function, sampler) on stderr and one
 * JSON line at the end with the same keys ({@code "results": {"branin/tpe": {"median_best@100": …}}}).
 *
 * <p>Usage: {@code SearchQuality [--seeds 10] [--funcs branin,hartmann6,rosenbrock5,mixed]
 * [--samplers random,tpe,gp,cmaes] [--threads 1] [--first-seed 0] [--trials 300] [--per-seed]}
 * ({@code --trials}: the second budget, 300 in the Python script). Seeds run in
 * parallel on {@code --threads} threads (each study is sequential, so results do not depend on it).
 * Samplers: {@code tpe} (nntune's defaults), {@code tpe-mv} (multivariate), {@code tpe-proper} (kernels with
 * their 1/σ, as Optuna 3.5+), {@code tpe-random} (uniform random start-up trials), {@code tpe-optuna} (Optuna 3.1's
 * TPESampler with its defaults), {@code tpe+<change>+…} (see {@link #tpeVariant}; the default before 2026-12-03 is
 * {@code tpe+optuna+sobol}), {@code random}, {@code gp}, {@code gp-nowarp} (no output warping),
 * {@code gp-global} (no trust-region steps: every trial from the global GP), {@code cmaes}. {@code --per-seed} adds
 * every seed's two values to the result lines on stderr.
 */
public final class SearchQuality {
    private SearchQuality() {}

    private static final double[][] A6 = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14},
            {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] P6 = {{1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991},
            {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};
    private static final double[] ALPHA6 = {1.0, 1.2, 3.0, 3.2};

    static double branin(double[] x) {
        double a = 1;
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double r = 6;
        double s = 10;
        double t = 1 / (8 * Math.PI);
        double u = x[1] - b * x[0] * x[0] + c * x[0] - r;
        return a * u * u + s * (1 - t) * Math.cos(x[0]) + s;
    }

    static double hartmann6(double[] x) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) {
                double d = x[j] - P6[i][j] * 1e-4;
                inner += A6[i][j] * d * d;
            }
            sum += ALPHA6[i] * Math.exp(-inner);
        }
        return -sum;
    }

    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length - 1; i++) {
            double a = x[i + 1] - x[i] * x[i];
            s += 100 * a * a + (1 - x[i]) * (1 - x[i]);
        }
        return s;
    }

    static double mixed(Trial t) {
        String kind = t.suggestCategorical("kind", List.of("a", "b", "c"));
        double lr = t.suggestFloat("lr", 1e-5, 1e-1, Log.YES);
        int n = t.suggestInt("n", 1, 64, Log.YES);
        double extra = kind.equals("a") ? Math.pow(t.suggestFloat("m", 0, 1) - 0.7, 2) : 0.0;
        double base = switch (kind) {
            case "a" -> 0.0;
            case "b" -> 0.3;
            default -> 0.8;
        };
        double l2 = Math.log(n) / Math.log(2);
        return base + Math.pow(Math.log10(lr) + 2.5, 2) / 4 + (l2 - 3) * (l2 - 3) / 9 + extra;
    }

    static Objective objective(String f) {
        return switch (f) {
            case "branin" -> t -> branin(new double[] {t.suggestFloat("x0", -5, 10), t.suggestFloat("x1", 0, 15)});
            case "hartmann6" -> t -> hartmann6(continuous(t, 6, 0, 1));
            case "rosenbrock5" -> t -> rosenbrock(continuous(t, 5, -5, 5));
            case "mixed" -> SearchQuality::mixed;
            default -> throw new IllegalArgumentException("unknown function '" + f
                    + "'; allowed: branin, hartmann6, rosenbrock5, mixed");
        };
    }

    private static double[] continuous(Trial t, int d, double lo, double hi) {
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = t.suggestFloat("x" + i, lo, hi);
        }
        return x;
    }

    static Sampler sampler(String name) {
        if (name.startsWith("tpe+")) {
            return tpeVariant(name);
        }
        return switch (name) {
            case "random" -> new RandomSampler();
            case "tpe" -> new TpeSampler();
            // the named variants are one change each: tpe-mv is tpe+mv, and so on
            case "tpe-mv", "tpe-proper", "tpe-random", "tpe-optuna" -> tpeVariant("tpe+" + name.substring(4));
            case "gp" -> GPSampler.builder().build();
            case "gp-nowarp" -> GPSampler.builder().warpOutputs(false).build();
            case "gp-global" -> GPSampler.builder().trustRegionSteps(false).build();
            case "cmaes" -> CmaEsSampler.builder().build();
            default -> throw new IllegalArgumentException("unknown sampler '" + name
                    + "'; allowed: random, tpe, tpe-mv, tpe-proper, tpe-random, tpe-optuna, tpe+<changes>, gp, gp-nowarp,"
                    + " gp-global, cmaes");
        };
    }

    /**
     * A TPE from nntune's defaults with the changes after "tpe+", applied left to right: {@code optuna}
     * (Optuna 3.1's defaults), {@code sobol} / {@code random} (start-up), {@code eiN} (N candidates),
     * {@code wei} / {@code uniform} (improvement or uniform weights of the good trials), {@code clipA}
     * (magic clip exponent A), {@code mv} (multivariate), {@code proper} (kernels with their 1/σ).
     */
    static Sampler tpeVariant(String name) {
        TpeSampler.Builder b = TpeSampler.builder();
        for (String c : name.substring(4).split("\\+")) {
            if (c.startsWith("ei") && c.length() > 2) {
                b.nEiCandidates(Integer.parseInt(c.substring(2)));
            } else if (c.startsWith("clip") && c.length() > 4) {
                b.magicClipExponent(Double.parseDouble(c.substring(4)));
            } else {
                switch (c) {
                    case "optuna" -> b.optunaDefaults();
                    case "sobol" -> b.startupSampler(new SobolSampler());
                    case "random" -> b.randomStartup();
                    case "wei" -> b.improvementWeights(true);
                    case "uniform" -> b.improvementWeights(false);
                    case "mv" -> b.multivariate(true);
                    case "proper" -> b.scaleFreeKernels(false);
                    default -> throw new IllegalArgumentException("unknown TPE change '" + c + "' in '" + name
                            + "'; allowed: optuna, sobol, random, eiN, wei, uniform, clipA, mv, proper");
                }
            }
        }
        return b.build();
    }

    /** @return the best values after 100 and after {@code n} trials */
    static double[] run(String sampler, String f, long seed, int n) {
        Study study = Study.builder(f + "-" + sampler + "-" + seed).sampler(sampler(sampler)).seed(seed).create();
        study.optimize(objective(f), OptimizeOptions.trials(n));
        double at100 = Double.POSITIVE_INFINITY;
        double atN = Double.POSITIVE_INFINITY;
        for (FrozenTrial t : study.trials(EnumSet.of(TrialState.COMPLETE))) {
            if (t.number() < 100) {
                at100 = Math.min(at100, t.value());
            }
            atN = Math.min(atN, t.value());
        }
        return new double[] {at100, atN};
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length;
        return m % 2 == 1 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
    }

    public static void main(String[] args) throws Exception {
        int seeds = 10;
        String funcs = "branin,hartmann6,rosenbrock5,mixed";
        String samplers = "random,tpe,gp,cmaes";
        int threads = 1;
        int firstSeed = 0;
        boolean perSeed = false;
        int trials = 300;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            if (args[i].equals("--per-seed")) {
                perSeed = true;
                continue;
            }
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(v);
                case "--funcs" -> funcs = v;
                case "--samplers" -> samplers = v;
                case "--threads" -> threads = Integer.parseInt(v);
                case "--first-seed" -> firstSeed = Integer.parseInt(v);
                case "--trials" -> {
                    trials = Integer.parseInt(v);
                    if (trials < 100) {
                        throw new IllegalArgumentException("--trials must be at least 100, got " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i]
                        + "'; allowed: --seeds N, --funcs a,b, --samplers a,b, --threads N, --first-seed N, --trials N, --per-seed");
            }
            i++;
        }
        long t0 = System.nanoTime();
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (String f : funcs.split(",")) {
                for (String s : samplers.split(",")) {
                    long ts = System.nanoTime();
                    List<Future<double[]>> runs = new ArrayList<>();
                    for (int seed = 0; seed < seeds; seed++) {
                        final long sd = firstSeed + seed;
                        final int n = trials;
                        runs.add(pool.submit(() -> run(s, f, sd, n)));
                    }
                    double[] b100 = new double[seeds];
                    double[] bN = new double[seeds];
                    for (int k = 0; k < seeds; k++) {
                        double[] r = runs.get(k).get();
                        b100[k] = r[0];
                        bN[k] = r[1];
                    }
                    Map<String, Double> row = new LinkedHashMap<>();
                    row.put("median_best@100", median(b100));
                    row.put("median_best@" + trials, median(bN));
                    results.put(f + "/" + s, row);
                    System.err.printf(Locale.ROOT, "%s %s %s (%.1f s)%s%n", f, s, row, (System.nanoTime() - ts) / 1e9,
                            perSeed ? " @100 " + Arrays.toString(b100) + " @" + trials + " " + Arrays.toString(bN) : "");
                }
            }
        } finally {
            pool.shutdown();
        }
        StringBuilder json = new StringBuilder("{\"nntune\": \"0.1.0-SNAPSHOT\", \"seeds\": " + seeds + ", \"results\": {");
        boolean first = true;
        for (Map.Entry<String, Map<String, Double>> e : results.entrySet()) {
            json.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": {");
            first = false;
            boolean f2 = true;
            for (Map.Entry<String, Double> r : e.getValue().entrySet()) {
                json.append(f2 ? "" : ", ").append('"').append(r.getKey()).append("\": ").append(r.getValue());
                f2 = false;
            }
            json.append('}');
        }
        json.append(String.format(Locale.ROOT, "}, \"wall_s\": %.1f}", (System.nanoTime() - t0) / 1e9));
        System.out.println(json);
    }
}
