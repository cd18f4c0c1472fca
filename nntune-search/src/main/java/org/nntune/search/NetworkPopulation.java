package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Task;
import org.nntune.nn.model.Evaluation;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.History;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.OptimizerState;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.ScheduleStep;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.StudyDirection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Networks of a {@link NetworkSpace} as the members of population-based training: the tuner
 * ({@link org.nntune.tune.population.PopulationTraining}) knows a member as hyperparameters and
 * bytes; this class makes those bytes a {@link NetworkCheckpoint} (weights, optimiser state,
 * epoch, the seed of the data order) and trains a member one epoch at a time on the training set,
 * scoring it on the validation set.
 *
 * <p>PBT changes hyperparameters of a network in training, so the space may search only those that
 * leave the architecture alone: {@value #EXPLORABLE_TEXT}. Everything else must be fixed. A member
 * that copies another continues with the donor's weights, optimiser state (when the optimiser is the
 * same) and data-order seed, so with the donor's hyperparameters it would take exactly the donor's
 * next step.
 */
public final class NetworkPopulation implements PopulationObjective {
    /**
     * The parameters PBT may explore: training settings that keep the weights' shapes and that every
     * epoch's training options (or the member's network, rebuilt each round) take up afresh.
     */
    public static final Set<String> EXPLORABLE = Set.of("lr", "l1", "l2", "dropout", "batch_size", "momentum", "beta1",
            "beta2", "clip_norm");
    static final String EXPLORABLE_TEXT = "lr, l1, l2, dropout, batch_size, momentum, beta1, beta2, clip_norm";
    /** Training settings PBT keeps for a member's whole training (the other parameters shape or build the network). */
    private static final Set<String> KEPT_TRAINING_SETTINGS = Set.of("optimizer", "nesterov", "epochs", "schedule",
            "early_stopping", "lr_adapt", "hyper_lr", "l2_adapt", "l2_hyper_lr", "l2_steps", "neumann_terms", "l2_validation",
            "class_weight", "step_size", "gamma", "min_lr", "warmup_epochs");

    private final NetworkSpace space;
    private final Dataset train;
    private final Dataset validation;
    private final String metric;
    private final Map<String, Distribution> tuneSpace;

    /**
     * @param space the networks; every searched parameter must be one of {@link #EXPLORABLE}
     * @param train the rows the members train on
     * @param validation the rows that score them after each epoch
     * @param metric {@code loss}, or a metric of the engine's {@link Evaluation} for the training set's
     *     task: {@value #CLASSIFICATION_TEXT} for classification, {@value #REGRESSION_TEXT} for regression
     * @throws IllegalArgumentException if the metric is not one of the task's, the space searches an
     *     architecture parameter or uses early stopping
     */
    public NetworkPopulation(NetworkSpace space, Dataset train, Dataset validation, String metric) {
        this.space = Objects.requireNonNull(space, "space");
        this.train = Objects.requireNonNull(train, "train");
        this.validation = Objects.requireNonNull(validation, "validation");
        this.metric = Objects.requireNonNull(metric, "metric");
        checkMetric(metric, train);
        this.tuneSpace = tuneSpace(space);
        ParamSpec stop = space.params().get("early_stopping");
        if (stop != null && !(stop instanceof ParamSpec.Fixed f && ((Number) f.value()).intValue() == 0)) {
            throw new IllegalArgumentException("population-based training ranks members after every round itself;"
                    + " early_stopping must be 0, got " + stop);
        }
    }

    /** The metrics a classification member is ranked by. */
    static final String CLASSIFICATION_TEXT = "loss, accuracy, balanced_accuracy, f1_macro, log_loss";
    /** The metrics a regression member is ranked by. */
    static final String REGRESSION_TEXT = "loss, mse, rmse, mae, r2";

    /**
     * Refuses a metric the training set's task has not (r2 for a classification set): every member
     * would otherwise fail at the end of its first round, after an epoch of training.
     */
    private static void checkMetric(String metric, Dataset train) {
        boolean classification = train.task() == Task.CLASSIFICATION;
        String allowed = classification ? CLASSIFICATION_TEXT : REGRESSION_TEXT;
        if (List.of(allowed.split(", ")).contains(metric)) {
            return;
        }
        String other = classification ? REGRESSION_TEXT : CLASSIFICATION_TEXT;
        throw new IllegalArgumentException("population-based training: metric '" + metric + "' "
                + (List.of(other.split(", ")).contains(metric)
                        ? "is a " + (classification ? "regression" : "classification") + " metric, and '" + train.name()
                                + "' is a " + (classification ? "classification" : "regression") + " set"
                        : "is not one nntune knows")
                + "; rank members by one of " + allowed);
    }

    /**
     * The epochs the space fixes for its networks, when it sets them: a one-valued {@code epochs} the
     * space's builder was given (at any value, its family's default too), or its family's default when
     * the space has a schedule other than constant or a warm-up, which runs over those epochs; a space
     * that never set {@code epochs} and keeps the rate constant leaves them to the options.
     * {@link org.nntune.tune.population.PopulationTraining#run} refuses PBT options with other epochs,
     * which members would train instead.
     */
    @Override
    public OptionalInt epochs() {
        ParamSpec spec = space.params().get("epochs");
        ParamSpec schedule = space.params().get("schedule");
        boolean scheduled = space.params().containsKey("warmup_epochs")
                || (schedule != null && !(schedule instanceof ParamSpec.Fixed f && f.value().equals("constant")));
        if (spec == null || !(space.given("epochs") || scheduled)) {
            return OptionalInt.empty();
        }
        Optional<Object> fixed = spec instanceof ParamSpec.Fixed f ? Optional.of(f.value()) : single(spec);
        return fixed.isPresent() && fixed.get() instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
    }

    /** @return the direction of the metric: MINIMIZE for loss and error metrics, MAXIMIZE otherwise */
    public StudyDirection direction() {
        return Set.of("loss", "log_loss", "mse", "rmse", "mae").contains(metric) ? StudyDirection.MINIMIZE
                : StudyDirection.MAXIMIZE;
    }

    /** @return the space PBT explores: the searched parameters, by the names trials use */
    public Map<String, Distribution> tuneSpace() {
        return tuneSpace;
    }

    /**
     * @return the space PBT would explore for these networks: the searched parameters, by trial name
     * @throws IllegalArgumentException if an architecture parameter is searched
     */
    public static Map<String, Distribution> tuneSpace(NetworkSpace space) {
        Map<String, Distribution> out = new LinkedHashMap<>();
        space.entries().forEach((name, entry) -> {
            ParamSpec spec = entry.spec();
            if (spec instanceof ParamSpec.Fixed || single(spec).isPresent()) {
                return;
            }
            if (!EXPLORABLE.contains(name)) {
                String why = KEPT_TRAINING_SETTINGS.contains(name)
                        ? "it is a training setting that holds for a member's whole training"
                        : "it changes the network's architecture (or how it is built), which a copied checkpoint must keep";
                throw new IllegalArgumentException("population-based training cannot explore '" + entry.trialName()
                        + "': " + why + "; fix it to one value. PBT explores " + EXPLORABLE_TEXT);
            }
            adaptedByTraining(space, name).ifPresent(adapt -> {
                throw new IllegalArgumentException("population-based training sets '" + entry.trialName() + "' at every round,"
                        + " but " + adapt + " adapts it during training: fix '" + entry.trialName() + "' (it is then the"
                        + " starting value) or turn the adaptation off");
            });
            Distribution d;
            if (spec instanceof ParamSpec.FloatRange r) {
                d = r.distribution();
            } else if (spec instanceof ParamSpec.IntRange r) {
                d = r.distribution();
            } else {
                d = new CategoricalDistribution(((ParamSpec.Choice) spec).choices());
            }
            out.put(entry.trialName(), d);
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The adaptation ("lr_adapt hypergradient", "l2_adapt implicit"…) that sets {@code name} during training, if the space has it on. */
    private static Optional<String> adaptedByTraining(NetworkSpace space, String name) {
        String key = name.equals("lr") ? "lr_adapt" : name.equals("l2") ? "l2_adapt" : null;
        if (key == null || space.entries().get(key) == null) {
            return Optional.empty();
        }
        ParamSpec spec = space.entries().get(key).spec();
        List<Object> values = spec instanceof ParamSpec.Fixed f ? List.of(f.value())
                : spec instanceof ParamSpec.Choice c ? c.choices() : List.of();
        return values.stream().filter(v -> !"none".equals(v)).findFirst().map(on -> key + " " + on);
    }

    /** @return the one value of a choice of one, or of a range whose bounds are equal */
    private static Optional<Object> single(ParamSpec spec) {
        if (spec instanceof ParamSpec.Choice c && c.choices().size() == 1) {
            return Optional.of(c.choices().get(0));
        }
        if (spec instanceof ParamSpec.FloatRange r && r.low() == r.high()) {
            return Optional.of(r.low());
        }
        if (spec instanceof ParamSpec.IntRange r && r.low() == r.high()) {
            return Optional.of(r.low());
        }
        return Optional.empty();
    }

    /** The configuration for explored values: the explored ones, plus the value of every one-valued parameter. */
    private NetworkConfig config(Map<String, Object> params) {
        Map<String, Object> all = new LinkedHashMap<>(params);
        space.entries().forEach((name, entry) -> single(entry.spec()).ifPresent(v -> all.putIfAbsent(entry.trialName(), v)));
        return space.config(ParamSource.fixed(all));
    }

    @Override
    public Member member(Map<String, Object> params, Optional<byte[]> checkpoint, long seed) {
        NetworkConfig config = config(params);
        Optional<NetworkCheckpoint> from = checkpoint.map(NetworkCheckpoint::fromBytes);
        return new NetworkMember(config, from, seed);
    }

    /**
     * The network a member's checkpoint holds, ready to predict (e.g. the best member's, to export or
     * to score on a test set).
     *
     * @param params the member's hyperparameters (they decide its architecture's one-valued settings and dropout)
     * @throws IllegalArgumentException if the bytes are not a checkpoint of this space's network
     */
    public Sequential network(Map<String, Object> params, byte[] checkpoint) {
        return new NetworkMember(config(params), Optional.of(NetworkCheckpoint.fromBytes(checkpoint)), 0).model;
    }

    /**
     * PBT replay: trains a fresh network through a member's hyperparameter schedule (from
     * {@link org.nntune.tune.population.PopulationHistory#schedule}), seeded as the member's first
     * ancestor was, and returns it with its final score.
     *
     * @param seed the first ancestor's seed ({@code PopulationHistory.replaySeed})
     */
    public Replay replay(List<ScheduleStep> schedule, long seed) throws Exception {
        NetworkMember current = null;
        double score = Double.NaN;
        for (ScheduleStep step : schedule) {
            NetworkConfig config = config(step.params());
            current = new NetworkMember(config, current == null ? Optional.empty()
                    : Optional.of(NetworkCheckpoint.fromBytes(current.save())), seed);
            for (int e = step.fromEpoch(); e < step.fromEpoch() + step.epochs(); e++) {
                score = current.trainEpoch(e);
            }
        }
        if (current == null) {
            throw new IllegalArgumentException("the schedule is empty");
        }
        return new Replay(current.model, score);
    }

    /** A replayed network and its score on the validation set. */
    public record Replay(Sequential model, double score) {}

    /** One member: a network, its optimiser's state and its data-order seed. */
    private final class NetworkMember implements Member {
        private final NetworkConfig config;
        private final Sequential model;
        private final long seed;
        private OptimizerState optimizer;
        private int epoch;
        private Map<String, Double> adapted = Map.of();

        NetworkMember(NetworkConfig config, Optional<NetworkCheckpoint> from, long memberSeed) {
            this.config = config;
            FittedTransform transform = config.preprocessor().fit(train);
            boolean classification = train.task() == Task.CLASSIFICATION;
            int outputs = classification ? train.classCount() : train.targetDim();
            Sequential.Builder b = config.builderFor(train, transform);
            this.model = config.model(b, train.featureShape(), outputs, memberSeed).build();
            if (from.isPresent()) {
                NetworkCheckpoint c = from.get();
                model.setWeights(c.weights());
                // the optimiser is never explored, so the state is always this member's kind: restored whole, with
                // what lr_adapt and l2_adapt had adapted (its kind is then "adam-hd", "sgd+implicit-l2"…, not the
                // optimiser's name, which once dropped it and restarted every round from the starting rate)
                this.optimizer = c.optimizer();
                this.epoch = c.epoch();
                this.seed = c.seed();
            } else {
                this.seed = memberSeed;
            }
        }

        @Override
        public double trainEpoch(int at) {
            // each epoch's data order and dropout masks come from (seed, epoch): a copied member inherits them
            long epochSeed = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (at + 1))).nextLong();
            OptimizerState restore = optimizer;
            // a round no longer wanted (Ctrl-C, its study deleted under the worker) ends after the batch in progress
            // one epoch per fit, at the rates of epoch `at` of the whole run (config.epochs, the space's; else every fit
            // would restart the schedule: a step never stepped, a cosine fell within each epoch, a warm-up never ended)
            FitOptions options = config.fitOptions(train.size(), epochSeed).epochs(1)
                    .schedule(LearningRateSchedule.continued(config.scheduleValue(), config.epochs(), at))
                    .listener(NetworkEstimator.STOPS_WHEN_INTERRUPTED).listener(new TrainingListener() {
                @Override
                public void onTrainStart(TrainingControl control) {
                    if (restore != null) {
                        control.restoreOptimizerState(restore);
                    }
                }

                @Override
                public void onTrainEnd(TrainingControl control, History history) {
                    optimizer = control.optimizerState();
                }
            }).build();
            History history = model.fit(train, options);
            if (!history.epochs().isEmpty()) {
                adapted = history.epochs().get(history.epochs().size() - 1).adaptedRates();
            }
            epoch = at + 1;
            Evaluation e = model.evaluate(validation);
            return metric.equals("loss") ? e.loss() : e.metric(metric);
        }

        @Override
        public Map<String, Double> adapted() {
            return adapted;
        }

        @Override
        public byte[] save() {
            if (optimizer == null) {
                throw new IllegalStateException("a member is saved after it has trained an epoch");
            }
            return new NetworkCheckpoint(model.weights(), optimizer, epoch, seed).toBytes();
        }
    }
}
