package org.nntune.bench.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.FashionMnist;
import org.nntune.nn.data.TrainTest;
import org.nntune.search.MlpSpace;
import org.nntune.search.NetworkPopulation;
import org.nntune.tune.population.MemberRound;
import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.pruner.SuccessiveHalvingPruner;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.study.TrialPrunedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Population-based training against TPE + ASHA at the same number of training epochs, on a
 * 784-128-10 MLP (ReLU, Adam, pixels in [0, 1]) on Fashion-MNIST: both tune lr (log [1e-4, 1e-1]),
 * L2 (log [1e-6, 1e-2]), dropout [0, 0.5] and the batch size {32, 64, 128, 256}, training on the
 * first 50,000 training images and validating on the last 10,000 after every epoch.
 *
 * <ul>
 *   <li>PBT: {@code --population} members (8), rounds of {@code --interval} epochs (2),
 *       {@code --epochs} epochs each (8), Ray Tune's defaults otherwise; the test accuracy is the best
 *       member's final network's.</li>
 *   <li>TPE + ASHA (nntune's TPE, successive halving with its defaults: min resource 1, reduction
 *       factor 4): trials of up to {@code --epochs} epochs until the epochs trained reach PBT's total
 *       (population × epochs); the test accuracy is that of the trial with the best final validation
 *       accuracy among those that trained every epoch.</li>
 * </ul>
 * Both train through the same {@link NetworkPopulation} members, so the training code is the same.
 * Prints one JSON line with the medians over the seeds and every run.
 *
 * <pre>java … org.nntune.bench.search.PbtFmnist [--seeds 0,1,2] [--population 8] [--interval 2] [--epochs 8]
 *     [--variants "quantile=0.5,interval=1;resample=0"] [--no-tpe]</pre>
 *
 * {@code --variants} runs PBT once per variant (settings separated by {@code ;}, each a comma list of
 * {@code interval=}, {@code quantile=}, {@code resample=}, {@code down=}, {@code up=}, {@code async=true}
 * changed from the PBT defaults and the flags above) on every seed, in the same process, to choose
 * the defaults; {@code --no-tpe} leaves the TPE + ASHA arm out.
 */
public final class PbtFmnist {
    private PbtFmnist() {}

    public static void main(String[] args) throws Exception {
        List<Long> seeds = List.of(0L, 1L, 2L);
        int population = 8;
        int interval = 2;
        int epochs = 8;
        List<String> variants = List.of("");
        boolean tpeArm = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--population" -> population = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--variants" -> variants = List.of(args[++i].split(";"));
                case "--no-tpe" -> tpeArm = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--seeds 0,1,2] [--population 8] [--interval 2] [--epochs 8] [--variants V;V]"
                        + " [--no-tpe]");
            }
        }
        TrainTest data = FashionMnist.load();
        Dataset all = data.train();
        int n = all.size();
        int[] fit = new int[n - 10_000];
        int[] val = new int[10_000];
        Arrays.setAll(fit, i -> i);
        Arrays.setAll(val, i -> n - 10_000 + i);
        Dataset train = all.subset(fit);
        Dataset validation = all.subset(val);
        MlpSpace space = MlpSpace.builder().fixedDefaults().preprocessing("pixels").fix("activation", "relu")
                .fix("hidden", List.of(128)).fix("optimizer", "adam")
                .logRange("lr", 1e-4, 1e-1).logRange("l2", 1e-6, 1e-2).range("dropout", 0, 0.5)
                .choices("batch_size", 32, 64, 128, 256).build();
        NetworkPopulation net = new NetworkPopulation(space, train, validation, "accuracy");
        int budget = population * epochs;

        List<List<Double>> pbtTest = new ArrayList<>();
        List<List<Double>> pbtWall = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            pbtTest.add(new ArrayList<>());
            pbtWall.add(new ArrayList<>());
        }
        List<Double> tpeTest = new ArrayList<>();
        List<Double> tpeWall = new ArrayList<>();
        StringBuilder runs = new StringBuilder();
        for (long seed : seeds) {
            for (int v = 0; v < variants.size(); v++) {
                long t0 = System.nanoTime();
                PbtOptions o = variant(PbtOptions.defaults(population, interval, epochs).withSeed(seed), variants.get(v));
                PopulationTraining pbt = PopulationTraining.createOrLoad(new InMemoryStorage(), "pbt-" + seed,
                        net.direction(), net.tuneSpace(), o);
                PopulationHistory h = pbt.run(net);
                MemberRound best = h.best().orElseThrow();
                double pbtAcc = net.network(best.params(), pbt.checkpoint(best)).evaluate(data.test()).accuracy();
                double pbtSeconds = (System.nanoTime() - t0) / 1e9;
                pbtTest.get(v).add(pbtAcc);
                pbtWall.get(v).add(pbtSeconds);
                String run = String.format(Locale.ROOT, "{\"seed\": %d, \"variant\": \"%s\", \"pbt_test_acc\": %.4f,"
                                + " \"pbt_val_acc\": %.4f, \"pbt_wall_s\": %.1f, \"pbt_epochs\": %d, \"pbt_exploits\": %d,"
                                + " \"load\": %.1f}", seed, variants.get(v), pbtAcc, best.value(), pbtSeconds, budget,
                        h.lineage().size(), load());
                System.err.println(run);
                runs.append(runs.length() == 0 ? "" : ", ").append(run);
            }
            if (tpeArm) {
                long t0 = System.nanoTime();
                TpeAsha tpe = tpeAsha(net, space(net), epochs, budget, seed);
                double tpeAcc = net.network(tpe.bestParams, tpe.bestCheckpoint).evaluate(data.test()).accuracy();
                double tpeSeconds = (System.nanoTime() - t0) / 1e9;
                tpeTest.add(tpeAcc);
                tpeWall.add(tpeSeconds);
                String run = String.format(Locale.ROOT, "{\"seed\": %d, \"tpe_asha_test_acc\": %.4f,"
                                + " \"tpe_asha_val_acc\": %.4f, \"tpe_asha_wall_s\": %.1f, \"tpe_asha_epochs\": %d,"
                                + " \"tpe_asha_trials\": %d, \"tpe_asha_pruned\": %d, \"load\": %.1f}", seed, tpeAcc,
                        tpe.bestValue, tpeSeconds, tpe.epochs, tpe.trials, tpe.pruned, load());
                System.err.println(run);
                runs.append(runs.length() == 0 ? "" : ", ").append(run);
            }
        }
        StringBuilder medians = new StringBuilder();
        for (int v = 0; v < variants.size(); v++) {
            medians.append(String.format(Locale.ROOT, "%s{\"variant\": \"%s\", \"pbt_test_acc\": %.4f,"
                            + " \"pbt_wall_s\": %.1f}", v == 0 ? "" : ", ", variants.get(v),
                    SklearnGrid.median(pbtTest.get(v)), SklearnGrid.median(pbtWall.get(v))));
        }
        System.out.printf(Locale.ROOT, "{\"script\": \"PbtFmnist\", \"population\": %d, \"interval\": %d, \"epochs\": %d,"
                        + " \"epoch_budget\": %d, \"pbt\": [%s], \"tpe_asha_test_acc\": %s, \"tpe_asha_wall_s\": %s,"
                        + " \"runs\": [%s]}%n", population, interval, epochs, budget, medians,
                tpeArm ? String.format(Locale.ROOT, "%.4f", SklearnGrid.median(tpeTest)) : "null",
                tpeArm ? String.format(Locale.ROOT, "%.1f", SklearnGrid.median(tpeWall)) : "null", runs);
    }

    /** The one-minute load average, to publish beside wall times on a shared machine. */
    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The PBT settings of a variant: {@code key=value} pairs changing {@code o}. */
    static PbtOptions variant(PbtOptions o, String spec) {
        for (String kv : spec.split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            String[] p = kv.trim().split("=", 2);
            if (p.length != 2) {
                throw new IllegalArgumentException("variant setting '" + kv + "' is not key=value");
            }
            double x = p[0].equals("async") ? 0 : Double.parseDouble(p[1]);
            o = switch (p[0]) {
                case "interval" -> new PbtOptions(o.population(), (int) x, o.epochs(), o.quantile(),
                        o.resampleProbability(), o.downFactor(), o.upFactor(), o.synchronous(), o.seed(),
                        o.maxAttempts(), o.heartbeat(), o.staleAfter(), o.poll());
                case "quantile" -> o.withQuantile(x);
                case "resample" -> o.withResampleProbability(x);
                case "down" -> o.withFactors(x, o.upFactor());
                case "up" -> o.withFactors(o.downFactor(), x);
                case "async" -> o.withSynchronous(!Boolean.parseBoolean(p[1]));
                default -> throw new IllegalArgumentException("unknown variant setting '" + p[0]
                        + "'; settings: interval, quantile, resample, down, up, async");
            };
        }
        return o;
    }

    private static Map<String, Distribution> space(NetworkPopulation net) {
        return new LinkedHashMap<>(net.tuneSpace());
    }

    /** What the TPE + ASHA arm found. */
    private record TpeAsha(Map<String, Object> bestParams, byte[] bestCheckpoint, double bestValue, int epochs,
                           int trials, int pruned) {}

    private static TpeAsha tpeAsha(NetworkPopulation net, Map<String, Distribution> space, int epochs, int budget,
                                   long seed) {
        Study study = Study.builder("tpe-asha-" + seed).direction(net.direction()).sampler(new TpeSampler())
                .pruner(new SuccessiveHalvingPruner()).seed(seed).create();
        AtomicInteger used = new AtomicInteger();
        double[] best = {Double.NEGATIVE_INFINITY};
        Object[] bestOf = new Object[2];
        int[] pruned = {0};
        study.optimize((Trial trial) -> {
            Map<String, Object> params = new LinkedHashMap<>();
            space.forEach((name, d) -> params.put(name, d instanceof CategoricalDistribution c
                    ? trial.suggestCategorical(name, c.choices())
                    : trial.suggestFloat(name, ((FloatDistribution) d).low(), ((FloatDistribution) d).high(),
                    ((FloatDistribution) d).log() ? org.nntune.tune.study.Log.YES : org.nntune.tune.study.Log.NO)));
            double value = Double.NaN;
            try (PopulationObjective.Member m = net.member(params, Optional.empty(),
                    PopulationTraining.memberSeed(seed, trial.number()))) {
                for (int e = 0; e < epochs; e++) {
                    value = m.trainEpoch(e);
                    if (used.incrementAndGet() >= budget) {
                        study.stop();
                    }
                    trial.report(e, value);
                    if (trial.shouldPrune()) {
                        pruned[0]++;
                        throw new TrialPrunedException("pruned at epoch " + e);
                    }
                }
                if (value > best[0]) {
                    best[0] = value;
                    bestOf[0] = params;
                    bestOf[1] = m.save();
                }
            }
            return value;
        }, Integer.MAX_VALUE);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) bestOf[0];
        return new TpeAsha(params, (byte[]) bestOf[1], best[0], used.get(), study.trials().size(), pruned[0]);
    }
}
