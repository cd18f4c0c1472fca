package org.nntune.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A family of networks and their training, searched define-by-run: every hyperparameter is a
 * {@link ParamSpec} (fixed, a range, or choices), each with a sensible default that the user
 * fixes, narrows or widens through the builder ({@link MlpSpace#builder()}, {@link CnnSpace#builder()})
 * or a declarative map ({@link MlpSpace#fromSpec}, {@link #grid}). {@link #config(ParamSource)}
 * asks the source for the values in a fixed order — conditional ones only when they apply (the
 * units of layer 3 only with 3 layers, momentum only for SGD, β only for Adam) — and returns the
 * {@link NetworkConfig}; {@link #suggest} wraps it in a {@link NetworkEstimator}.
 *
 * <p>Parameter names (the trial's parameter names; aliases in brackets, e.g. scikit-learn's):
 * {@code preprocessing}; {@code layers} [n_layers] with {@code units} per layer asked as
 * {@code units_1}, {@code units_2}…, or instead {@code hidden} [hidden_layer_sizes] as a list of
 * layer sizes such as {@code "100,50"} or {@code [100, 50]}; {@code activation}; {@code dropout};
 * {@code batch_norm}; {@code optimizer} [solver]; {@code lr} [learning_rate_init];
 * {@code momentum}, {@code nesterov} (SGD); {@code beta1}, {@code beta2} (Adam, AdamW);
 * {@code l1}; {@code l2} [alpha, weight_decay]; {@code batch_size}; {@code epochs} [max_iter];
 * {@code schedule} [learning_rate] with its constants {@code step_size}, {@code gamma}, {@code min_lr} and
 * {@code warmup_epochs} ({@link ScheduleSettings}; each asked only when the trial's schedule uses it);
 * {@code early_stopping} (patience, 0 = off; scikit-learn's true is 10, false 0); {@code class_weight}: none,
 * balanced, or weights per class given as a map ({@code Map.of("spam", 5)}, alone or among a list's choices) and
 * asked and stored as its {@link ClassWeights#text() text} ({@code spam=5}). CNNs add
 * {@code conv_blocks} with {@code filters} asked per block as {@code filters_1}…, {@code kernel}
 * and {@code pool}; their {@code layers}/{@code units} are the dense head.
 */
public abstract sealed class NetworkSpace implements SearchSpace permits MlpSpace, CnnSpace, RnnSpace, FamilySpace {

    /** scikit-learn's and other common names, mapped to nntune's. */
    static final Map<String, String> ALIASES = Map.of(
            "hidden_layer_sizes", "hidden", "alpha", "l2", "weight_decay", "l2", "solver", "optimizer",
            "learning_rate_init", "lr", "learning_rate", "schedule", "max_iter", "epochs", "n_layers", "layers");

    /**
     * The canonical name of a parameter name or alias ({@code alpha} → {@code l2}); a name that is
     * neither is returned as it is.
     */
    public static String canonicalName(String name) {
        return ALIASES.getOrDefault(name, name);
    }

    /**
     * Refuses two names of one hyperparameter among {@code names} ({@code alpha} and {@code l2},
     * {@code max_iter} and {@code epochs}): a map read name by name would keep one of them, which
     * one depending on the map's order. Every declarative front end calls it (grids, spaces
     * from maps, {@code with}, study files).
     *
     * @throws IllegalArgumentException "parameters 'alpha' and 'l2' name the same hyperparameter (l2); give one"
     */
    public static void requireOneNameEach(java.util.Collection<String> names) {
        Map<String, String> seen = new java.util.HashMap<>();
        for (String name : names) {
            String other = seen.putIfAbsent(canonicalName(name), name);
            if (other != null && !other.equals(name)) {
                throw new IllegalArgumentException(sameHyperparameter(other, name));
            }
        }
    }

    /** The message of {@link #requireOneNameEach} for two names of one hyperparameter, in a fixed order. */
    public static String sameHyperparameter(String one, String other) {
        String a = one.compareTo(other) <= 0 ? one : other;
        String b = a.equals(one) ? other : one;
        return "parameters '" + a + "' and '" + b + "' name the same hyperparameter (" + canonicalName(a) + "); give one";
    }

    /** The words a word-valued parameter accepts (activation, optimizer, schedule, pool, preprocessing, …), else empty. */
    public static List<String> allowedWords(String name) {
        return switch (canonicalName(name)) {
            case "activation" -> NetworkConfig.ACTIVATIONS;
            case "optimizer" -> NetworkConfig.OPTIMIZERS;
            case "schedule" -> NetworkConfig.SCHEDULES;
            case "pool" -> NetworkConfig.POOLS;
            case "preprocessing" -> NetworkConfig.PREPROCESSING;
            case "lr_adapt" -> NetworkConfig.LR_ADAPTS;
            case "class_weight" -> NetworkConfig.CLASS_WEIGHTS;
            case "l2_adapt" -> L2Adapt.MODES;
            default -> List.of();
        };
    }

    /**
     * A parameter: the name the trial uses (the user's, e.g. an alias), what it may be, and whether
     * the space's user set it ({@link AbstractBuilder#set}) rather than kept a default.
     */
    record Entry(String trialName, ParamSpec spec, boolean given) {
        Entry(String trialName, ParamSpec spec) {
            this(trialName, spec, false);
        }
    }

    private final Map<String, Entry> entries;
    private final boolean sklearn;

    NetworkSpace(Map<String, Entry> entries, boolean sklearn) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.sklearn = sklearn;
    }

    /** Every parameter by its canonical name, with what it may be. */
    public Map<String, ParamSpec> params() {
        Map<String, ParamSpec> m = new LinkedHashMap<>();
        entries.forEach((k, e) -> m.put(k, e.spec()));
        return Collections.unmodifiableMap(m);
    }

    /**
     * This space with every stepped range given as the list of its points: how nntune stored such a
     * space before a stepped range was a stepped distribution, so that a study stored then is still
     * recognised as started with this space (and resumes asking those parameters as it began).
     */
    public NetworkSpace withSteppedRangesAsChoices() {
        Map<String, Object> points = new LinkedHashMap<>();
        entries.forEach((k, e) -> {
            if ((e.spec() instanceof ParamSpec.IntRange r && r.stepped()) || (e.spec() instanceof ParamSpec.FloatRange f && f.stepped())) {
                points.put(k, e.spec().points().orElseThrow());
            }
        });
        return points.isEmpty() ? this : with(points);
    }

    /**
     * A grid's axes: every parameter given as a list of choices or as a range with a step, by its
     * trial name, with its values ({@link ParamSpec#points}). Fixed parameters and ranges without a
     * step are not axes.
     *
     * @throws IllegalArgumentException if a stepped range has more points than a grid axis may
     */
    public Map<String, List<Object>> gridAxes() {
        Map<String, List<Object>> m = new LinkedHashMap<>();
        entries.forEach((k, e) -> {
            if (!(e.spec() instanceof ParamSpec.Fixed)) {
                e.spec().points().ifPresent(points -> m.put(e.trialName(), points));
            }
        });
        return m;
    }

    /** A family's canonical parameter names, then the aliases, sorted. */
    static List<String> withAliases(List<String> known) {
        List<String> names = new ArrayList<>(known);
        names.addAll(new java.util.TreeSet<>(ALIASES.keySet()));
        return List.copyOf(names);
    }

    /** Whether scikit-learn's MLPClassifier semantics are on (see {@link NetworkConfig#sklearn()}). */
    public boolean sklearnCompatible() {
        return sklearn;
    }

    /**
     * A copy of this space with some parameters set anew, each in a declarative form of
     * {@link ParamSpec#parse} (a value, a list of choices, a range map). A copy given {@code epochs}
     * (another training length: a time budget's search or refit) keeps a {@code warmup_epochs} as long
     * as the run: it is then all warm-up, as the first epochs of a longer run were.
     */
    public abstract NetworkSpace with(Map<String, ?> params);

    /** The entries, for a family's builder copy. */
    Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Whether parameter {@code name} (canonical) was set on this space's builder, at whatever value,
     * rather than kept from the defaults it started from.
     */
    boolean given(String name) {
        Entry e = entries.get(name);
        return e != null && e.given();
    }

    /** The configuration for the values {@code source} hands out. */
    public abstract NetworkConfig config(ParamSource source);

    @Override
    public NetworkEstimator suggest(ParamSource params, long seed) {
        return new NetworkEstimator(config(params), seed);
    }

    /**
     * A declarative grid over MLPs: every parameter not named is fixed at
     * {@link MlpSpace.Builder#fixedDefaults() its fixed default}, every named one takes the values
     * listed (names and aliases as in the class comment). With {@code sklearn} true the fixed
     * defaults are MLPClassifier's ({@link MlpSpace.Builder#sklearnDefaults()}).
     */
    public static MlpSpace grid(Map<String, ? extends List<?>> grid, boolean sklearn) {
        requireOneNameEach(grid.keySet());
        MlpSpace.Builder b = MlpSpace.builder();
        if (sklearn) {
            b.sklearnDefaults();
        } else {
            b.fixedDefaults();
        }
        grid.forEach((name, values) -> {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("grid parameter '" + name + "' has no values");
            }
            b.set(name, new ArrayList<Object>(values));
        });
        return b.build();
    }

    // ---------------------------------------------------------------- drawing, shared by the families

    ParamSpec spec(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalStateException("no parameter '" + name + "' in this space");
        }
        return e.spec();
    }

    String trialName(String name) {
        return entries.get(name).trialName();
    }

    double drawDouble(ParamSource s, String name) {
        return spec(name).drawDouble(s, trialName(name));
    }

    int drawInt(ParamSource s, String name) {
        return spec(name).drawInt(s, trialName(name));
    }

    int drawInt(ParamSource s, String name, String asName) {
        return spec(name).drawInt(s, asName);
    }

    String drawString(ParamSource s, String name) {
        return spec(name).drawString(s, trialName(name));
    }

    boolean drawBoolean(ParamSource s, String name) {
        return spec(name).drawBoolean(s, trialName(name));
    }

    /**
     * {@code early_stopping}: a patience in epochs (0 = off), or scikit-learn's booleans, true
     * standing for its {@code n_iter_no_change} of 10 and false for 0.
     */
    int drawEarlyStopping(ParamSource s) {
        ParamSpec spec = spec("early_stopping");
        Object v;
        if (spec instanceof ParamSpec.Fixed f && f.value() instanceof Boolean) {
            v = f.value();
        } else if (spec instanceof ParamSpec.Choice c && c.choices().stream().anyMatch(Boolean.class::isInstance)) {
            v = s.suggestCategorical(trialName("early_stopping"), c.choices());
        } else {
            return drawInt(s, "early_stopping");
        }
        if (v instanceof Boolean b) {
            return b ? NetworkConfig.SKLEARN_N_ITER_NO_CHANGE : 0;
        }
        return ParamSpec.fixed(v).drawInt(s, trialName("early_stopping"));
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }

    /** The dense hidden layers: {@code hidden} when given, else {@code layers} and {@code units_i}. */
    List<Integer> drawHidden(ParamSource s) {
        if (has("hidden")) {
            return parseSizes(drawString(s, "hidden"));
        }
        int layers = drawInt(s, "layers");
        List<Integer> sizes = new ArrayList<>(layers);
        for (int i = 1; i <= layers; i++) {
            sizes.add(drawInt(s, "units", "units_" + i));
        }
        return sizes;
    }

    /** The training part shared by every family, drawn in a fixed order after the architecture. */
    NetworkConfig drawTraining(ParamSource s, String preprocessing, List<Integer> conv, int kernel, String pool,
                               List<Integer> hidden) {
        return drawTraining(s, preprocessing, conv, kernel, pool, hidden, java.util.Optional.empty());
    }

    NetworkConfig drawTraining(ParamSource s, String preprocessing, List<Integer> conv, int kernel, String pool,
                               List<Integer> hidden, java.util.Optional<SequenceNet> sequence) {
        String activation = drawString(s, "activation");
        double dropout = hidden.isEmpty() ? 0 : drawDouble(s, "dropout");
        boolean batchNorm = drawBoolean(s, "batch_norm");
        String optimizer = drawString(s, "optimizer");
        NetworkConfig.oneOf("optimizer", optimizer, NetworkConfig.OPTIMIZERS);
        double lr = drawDouble(s, "lr");
        double momentum = 0.9;
        boolean nesterov = false;
        if (optimizer.equals("sgd")) {
            momentum = drawDouble(s, "momentum");
            nesterov = momentum > 0 && drawBoolean(s, "nesterov");
        }
        double beta1 = 0.9;
        double beta2 = 0.999;
        if (optimizer.startsWith("adam")) {
            beta1 = drawDouble(s, "beta1");
            beta2 = drawDouble(s, "beta2");
        }
        double l1 = drawDouble(s, "l1");
        double l2 = drawDouble(s, "l2");
        int batch = drawInt(s, "batch_size");
        int epochs = drawInt(s, "epochs");
        String schedule = drawString(s, "schedule");
        ScheduleSettings scheduleSettings = drawScheduleSettings(s, schedule);
        int early = drawEarlyStopping(s);
        // only a space that names lr_adapt draws it (and hyper_lr), so other spaces' trials keep their parameters
        String lrAdapt = has("lr_adapt") ? drawString(s, "lr_adapt") : "none";
        double hyperLr = !lrAdapt.equals("none") && has("hyper_lr") ? drawDouble(s, "hyper_lr")
                : NetworkConfig.defaultHyperLr(lrAdapt);
        // likewise l2_adapt and its settings
        L2Adapt l2Adapt = L2Adapt.NONE;
        String l2Mode = has("l2_adapt") ? drawString(s, "l2_adapt") : "none";
        NetworkConfig.oneOf("l2_adapt", l2Mode, L2Adapt.MODES);
        if (!l2Mode.equals("none")) {
            l2Adapt = L2Adapt.implicit(has("l2_hyper_lr") ? drawDouble(s, "l2_hyper_lr") : L2Adapt.NONE.hyperLr(),
                    has("l2_steps") ? drawInt(s, "l2_steps") : L2Adapt.NONE.steps(),
                    has("neumann_terms") ? OptionalInt.of(drawInt(s, "neumann_terms")) : OptionalInt.empty(),
                    has("l2_validation") ? drawDouble(s, "l2_validation") : L2Adapt.NONE.validation()).withMode(l2Mode);
        }
        // likewise class_weight
        String classWeight = has("class_weight") ? drawString(s, "class_weight") : "none";
        return new NetworkConfig(conv, kernel, pool, hidden, activation, dropout, batchNorm, optimizer, lr, momentum,
                nesterov, beta1, beta2, l1, l2, batch, epochs, schedule, early, preprocessing, sklearn, sequence, lrAdapt, hyperLr,
                l2Adapt, classWeight, scheduleSettings);
    }

    /**
     * The schedule's constants the space names, each drawn only when {@code schedule} uses it (gamma
     * for step and exponential, step_size for step, min_lr for cosine, warmup_epochs for any), so that
     * a trial of another schedule neither asks nor stores it.
     */
    private ScheduleSettings drawScheduleSettings(ParamSource s, String schedule) {
        boolean step = schedule.equals("step");
        OptionalInt stepSize = step && has("step_size") ? OptionalInt.of(drawInt(s, "step_size")) : OptionalInt.empty();
        java.util.OptionalDouble gamma = (step || schedule.equals("exponential")) && has("gamma")
                ? java.util.OptionalDouble.of(drawDouble(s, "gamma")) : java.util.OptionalDouble.empty();
        double minLr = schedule.equals("cosine") && has("min_lr") ? drawDouble(s, "min_lr") : 0;
        int warmup = has("warmup_epochs") ? drawInt(s, "warmup_epochs") : 0;
        return new ScheduleSettings(stepSize, gamma, minLr, warmup);
    }

    /** "100,50", "(100, 50)", "[100]" or "100" → the sizes; anything else names the problem. */
    static List<Integer> parseSizes(String text) {
        String t = text.replace("(", "").replace(")", "").replace("[", "").replace("]", "").trim();
        List<Integer> sizes = new ArrayList<>();
        if (t.isEmpty()) {
            return sizes;
        }
        for (String part : t.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                sizes.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                if (p.matches("[-+]?[0-9]+")) {
                    throw new IllegalArgumentException("hidden layer sizes '" + text + "': " + p + " is out of range (at most "
                            + Integer.MAX_VALUE + ")");
                }
                throw new IllegalArgumentException("hidden layer sizes '" + text + "': '" + p
                        + "' is not an integer; expected sizes such as \"100,50\" or [100, 50]");
            }
        }
        return sizes;
    }

    /** A layer-size list in the one string form used as a categorical choice: "100,50". */
    static String sizesText(Object value) {
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (Object o : list) {
                if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                    throw new IllegalArgumentException("hidden layer sizes " + list + ": " + o + " is not an integer");
                }
                sb.append(sb.length() == 0 ? "" : ",").append(n.longValue());
            }
            return sizesText(sb.toString()); // parsed again: a size beyond an int is refused, not wrapped around
        }
        if (value instanceof Number n) {
            return sizesText(Long.toString(n.longValue()));
        }
        List<Integer> sizes = parseSizes(String.valueOf(value));
        StringBuilder sb = new StringBuilder();
        for (int v : sizes) {
            sb.append(sb.length() == 0 ? "" : ",").append(v);
        }
        return sb.toString();
    }

    /**
     * The builder shared by the families: defaults are set by the family; {@link #set} accepts the
     * declarative forms of {@link ParamSpec#parse}.
     */
    /** What every family's builder offers to a front end that does not know the family (a study file). */
    public interface BuilderApi<B extends BuilderApi<B>> {
        /** Sets a parameter from its declarative form; a value the family cannot take is an {@link InvalidValueException}. */
        B set(String name, Object spec);

        /** The space built so far. */
        NetworkSpace buildSpace();
    }

    abstract static sealed class AbstractBuilder<B extends AbstractBuilder<B>> implements BuilderApi<B>
            permits MlpSpace.Builder, CnnSpace.Builder, RnnSpace.Builder {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        boolean sklearn;
        /**
         * Whether the builder started from fixed defaults: then a parameter the hidden layers need
         * but the user did not give ({@code units} beside {@code layers}) is fixed too, not searched.
         */
        boolean fixedMode;
        /**
         * Whether {@code warmup_epochs} may be as long as the run: in a copy made for another training
         * length ({@link NetworkSpace#with} given epochs, e.g. a time budget's refit for the epochs at which
         * the best trial peaked), which then trains as that trial's first epochs did.
         */
        boolean warmupMayFillRun;

        /**
         * The fixed training part every family's fixed network shares, after its architecture:
         * standard scaling, ReLU, no dropout or batch norm, Adam at 1e-3 (β 0.9/0.999; SGD would
         * take momentum 0.9), no L1, this L2, batch and epochs, constant schedule, no early stopping.
         */
        void fixedTraining(double l2, int batchSize, int epochs) {
            sklearn = false;
            fixedMode = true;
            Map<String, Entry> architecture = new LinkedHashMap<>(entries);
            entries.clear();
            put("preprocessing", ParamSpec.fixed("standard"));
            entries.putAll(architecture);
            put("activation", ParamSpec.fixed("relu"));
            put("dropout", ParamSpec.fixed(0.0));
            put("batch_norm", ParamSpec.fixed(false));
            put("optimizer", ParamSpec.fixed("adam"));
            put("lr", ParamSpec.fixed(1e-3));
            put("momentum", ParamSpec.fixed(0.9));
            put("nesterov", ParamSpec.fixed(false));
            put("beta1", ParamSpec.fixed(0.9));
            put("beta2", ParamSpec.fixed(0.999));
            put("l1", ParamSpec.fixed(0.0));
            put("l2", ParamSpec.fixed(l2));
            put("batch_size", ParamSpec.fixed(batchSize));
            put("epochs", ParamSpec.fixed(epochs));
            put("schedule", ParamSpec.fixed("constant"));
            put("early_stopping", ParamSpec.fixed(0));
        }

        /**
         * A space that may draw lr_adapt hypergradient must draw only the optimisers it works with,
         * so that no trial fails on the combination (any schedule scales the adapted rate).
         */
        void checkHypergradient() {
            Entry adapt = entries.get("lr_adapt");
            if (adapt == null) {
                return;
            }
            java.util.Optional<Object> on = values(adapt.spec()).stream().filter(v -> !"none".equals(v)).findFirst();
            if (on.isEmpty()) {
                return;
            }
            String rule = String.valueOf(on.get());
            for (Object o : values(entries.get("optimizer").spec())) {
                if (!o.equals("sgd") && !o.equals("adam")) {
                    throw new InvalidValueException(adapt.trialName(), rule,
                            "lr_adapt " + rule + " works with optimizer sgd or adam, but the space may draw " + o);
                }
            }
        }

        /** A space that may draw l2_adapt implicit (or implicit_loss) must not draw adamw, whose l2 is a decoupled decay. */
        void checkImplicitL2() {
            Entry adapt = entries.get("l2_adapt");
            String mode = adapt == null ? null : values(adapt.spec()).stream().map(String::valueOf)
                    .filter(v -> v.startsWith("implicit")).findFirst().orElse(null);
            if (mode == null) {
                return;
            }
            if (values(entries.get("optimizer").spec()).contains("adamw")) {
                throw new InvalidValueException(adapt.trialName(), mode,
                        "l2_adapt " + mode + " tunes the L2 penalty, but the space may draw adamw, whose l2 is a decoupled weight decay");
            }
        }

        /**
         * A space that names a schedule's constant must be able to draw a schedule that uses it
         * ({@code gamma} with {@code schedule: cosine} alone would do nothing), {@code min_lr} must be
         * below every {@code lr} it may draw, and {@code warmup_epochs} shorter than every run of
         * {@code epochs} it may draw when the space was given {@code epochs} (its family's default may be
         * replaced, as a time budget's {@code max_epochs} does: a study file checks against what trials run)
         * and is not {@code warmupMayFillRun} (a copy for another training length, see
         * {@link NetworkSpace#with}). Every such mistake is in the one exception thrown.
         */
        void checkScheduleSettings(boolean warmupMayFillRun) {
            List<InvalidValueException> problems = new ArrayList<>();
            List<Object> schedules = values(entries.get("schedule").spec());
            for (String name : ScheduleSettings.NAMES) {
                Entry e = entries.get(name);
                if (e == null || schedules.isEmpty()) {
                    continue;
                }
                List<String> users = ScheduleSettings.schedulesUsing(name);
                if (schedules.stream().noneMatch(v -> users.contains(String.valueOf(v)))) {
                    problems.add(new InvalidValueException(e.trialName(), shown(e.spec()), "it is a constant of the "
                            + String.join(" and ", users) + " schedule" + (users.size() > 1 ? "s" : "") + ", and this space's schedule"
                            + " is " + (schedules.size() == 1 ? schedules.get(0) : "one of " + schedules) + ": add "
                            + (users.size() == 1 ? users.get(0) : "one of " + users) + " to schedule, or remove " + e.trialName()));
                }
            }
            Entry minLr = entries.get("min_lr");
            Entry lr = entries.get("lr");
            if (minLr != null && lr != null && high(minLr.spec()) >= low(lr.spec())) {
                problems.add(new InvalidValueException(minLr.trialName(), shown(minLr.spec()), "min_lr " + number(high(minLr.spec()))
                        + " is not below every lr the space may draw (the lowest is " + number(low(lr.spec())) + "): cosine falls"
                        + " from lr to min_lr; give a min_lr below " + number(low(lr.spec())) + ", or raise lr"));
            }
            Entry warmup = entries.get("warmup_epochs");
            Entry epochs = entries.get("epochs");
            if (!warmupMayFillRun && warmup != null && epochs != null && epochs.given() && high(warmup.spec()) >= low(epochs.spec())) {
                problems.add(new InvalidValueException(warmup.trialName(), shown(warmup.spec()), "warmup_epochs "
                        + number(high(warmup.spec())) + " is not shorter than every run of epochs the space may draw (the shortest is "
                        + number(low(epochs.spec())) + "): a trial would warm up and never train at its rate; give fewer"
                        + " warm-up epochs, or more epochs"));
            }
            if (!problems.isEmpty()) {
                throw InvalidValueException.all(problems);
            }
        }

        /** The lowest number a spec may draw (NaN for words). */
        private static double low(ParamSpec spec) {
            return numbers(spec).min().orElse(Double.NaN);
        }

        /** The highest number a spec may draw (NaN for words). */
        private static double high(ParamSpec spec) {
            return numbers(spec).max().orElse(Double.NaN);
        }

        private static java.util.stream.DoubleStream numbers(ParamSpec spec) {
            if (spec instanceof ParamSpec.IntRange r) {
                return java.util.stream.DoubleStream.of(r.low(), r.distribution().high());
            }
            if (spec instanceof ParamSpec.FloatRange r) {
                return java.util.stream.DoubleStream.of(r.low(), r.distribution().high());
            }
            return values(spec).stream().filter(Number.class::isInstance).mapToDouble(v -> ((Number) v).doubleValue());
        }

        /** The value a message shows for a spec: a fixed value itself, else the spec. */
        private static Object shown(ParamSpec spec) {
            return spec instanceof ParamSpec.Fixed f ? f.value() : spec;
        }

        private static String number(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
        }

        private static List<Object> values(ParamSpec spec) {
            if (spec instanceof ParamSpec.Fixed f) {
                return List.of(f.value());
            }
            return spec instanceof ParamSpec.Choice c ? c.choices() : List.of();
        }

        /** A fresh builder of the same family (for checking values on a fixed network). */
        abstract B fresh();

        /** Resets to one fixed network of this family (nothing searched). */
        public abstract B fixedDefaults();

        /** The value a hidden-layer companion parameter is fixed at in fixed mode: layers 1, units as the family's default. */
        abstract Object fixedValue(String name);

        abstract B self();

        /** Sets a parameter under its canonical name (defaults). */
        void put(String name, ParamSpec spec) {
            entries.put(name, new Entry(name, spec));
        }

        /** The canonical names this family knows. */
        abstract List<String> known();

        /** The default range of a parameter ({@link #search}). */
        abstract ParamSpec defaultRange(String name);

        String canonical(String name) {
            String c = ALIASES.getOrDefault(name, name);
            if (!known().contains(c)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + known()
                        + " (and the aliases " + ALIASES.keySet() + ")");
            }
            return c;
        }

        /**
         * Sets a parameter from its declarative form: a value (fixed), a list (choices) or a range
         * map {@code {low, high, log, type}}; {@code name} may be an alias, which then names the
         * parameter in trials and results.
         */
        @Override
        public B set(String name, Object spec) {
            String c = canonical(name);
            if (name.equals("learning_rate") && !(spec instanceof String) && !isWords(spec)) {
                throw new IllegalArgumentException("parameter 'learning_rate' is ambiguous: in scikit-learn it is the schedule"
                        + " (constant, adaptive, …), in Keras the step size; nntune takes it as scikit-learn's schedule, so"
                        + " give words here, and write the step size as 'lr' (or scikit-learn's 'learning_rate_init')");
            }
            Object s = spec;
            if (c.equals("hidden")) {
                s = hiddenSpec(name, spec);
            }
            if (c.equals("class_weight")) {
                try {
                    s = classWeightSpec(spec);
                } catch (IllegalArgumentException e) {
                    throw new InvalidValueException(name, spec, e.getMessage());
                }
            }
            ParamSpec parsed = ParamSpec.parse(name, s);
            checkValues(c, name, parsed);
            if (c.equals("hidden")) {
                entries.remove("layers");
                entries.remove("units");
            }
            entries.put(c, new Entry(name, parsed, true));
            if (c.equals("layers") || c.equals("units")) {
                entries.remove("hidden");
                for (String companion : List.of("layers", "units")) {
                    entries.putIfAbsent(companion, new Entry(companion,
                            fixedMode ? ParamSpec.fixed(fixedValue(companion)) : defaultRange(companion)));
                }
            }
            return self();
        }

        private static boolean isWords(Object spec) {
            return spec instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(String.class::isInstance);
        }

        /**
         * Checks every value {@code spec} can take (a fixed value, each choice, a range's bounds) on a
         * network of this family that is fixed otherwise, so that a bad value is refused when it is set
         * rather than in the trials that draw it.
         */
        private void checkValues(String canonical, String name, ParamSpec spec) {
            List<Object> values = new ArrayList<>();
            if (spec instanceof ParamSpec.Fixed f) {
                values.add(f.value());
            } else if (spec instanceof ParamSpec.Choice ch) {
                values.addAll(ch.choices());
            } else if (spec instanceof ParamSpec.IntRange r) {
                // the highest value drawn: a stepped range's last point (the distribution lowers high onto it)
                values.add(r.low());
                values.add((int) r.distribution().high());
            } else if (spec instanceof ParamSpec.FloatRange r) {
                values.add(r.low());
                values.add(r.distribution().high());
            }
            for (Object v : values) {
                B probe = fresh().fixedDefaults();
                AbstractBuilder<B> p = probe;
                switch (canonical) {
                    case "momentum" -> p.put("optimizer", ParamSpec.fixed("sgd"));
                    case "nesterov" -> {
                        p.put("optimizer", ParamSpec.fixed("sgd"));
                        p.put("momentum", ParamSpec.fixed(0.9));
                    }
                    case "beta1", "beta2" -> p.put("optimizer", ParamSpec.fixed("adam"));
                    case "hyper_lr" -> p.put("lr_adapt", ParamSpec.fixed("hypergradient"));
                    case "step_size" -> p.put("schedule", ParamSpec.fixed("step"));
                    case "gamma" -> p.put("schedule", ParamSpec.fixed("exponential"));
                    case "min_lr" -> {
                        // alone: against lr, which checkScheduleSettings compares with the space's own
                        p.put("schedule", ParamSpec.fixed("cosine"));
                        if (v instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0) {
                            p.put("lr", ParamSpec.fixed(Math.max(1.0, Math.nextUp(n.doubleValue()))));
                        }
                    }
                    case "warmup_epochs" -> {
                        // alone: against epochs, which checkScheduleSettings compares with the space's own
                        if (v instanceof Number n && n.intValue() >= 0 && n.intValue() < Integer.MAX_VALUE) {
                            p.put("epochs", ParamSpec.fixed(n.intValue() + 1));
                        }
                    }
                    case "l2_hyper_lr", "l2_steps", "neumann_terms", "l2_validation" -> p.put("l2_adapt", ParamSpec.fixed("implicit"));
                    case "layers", "units" -> {
                        p.entries.remove("hidden");
                        p.put("layers", ParamSpec.fixed(fixedValue("layers")));
                        p.put("units", ParamSpec.fixed(fixedValue("units")));
                    }
                    case "hidden" -> {
                        p.entries.remove("layers");
                        p.entries.remove("units");
                    }
                    case "filters", "kernel", "pool" -> {
                        if (p.entries.containsKey("cell")) {
                            p.put("cell", ParamSpec.fixed("cnn")); // the rnn family's text cnn reads them
                        } else {
                            p.put("conv_blocks", ParamSpec.fixed(1));
                        }
                    }
                    default -> { }
                }
                p.put(canonical, ParamSpec.fixed(v));
                try {
                    probe.buildSpace().config(ParamSource.fixed(Map.of()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidValueException(name, v, e.getMessage());
                }
            }
        }


        /**
         * class_weight with each map of weights ({@code {spam: 5}}, alone or as a choice) as its text ({@code spam=5}),
         * the categorical value a trial stores.
         */
        private static Object classWeightSpec(Object spec) {
            if (spec instanceof Map<?, ?> m) {
                return ClassWeights.of(m).text();
            }
            if (spec instanceof List<?> list) {
                return list.stream().map(o -> o instanceof Map<?, ?> m ? ClassWeights.of(m).text() : o).toList();
            }
            return spec;
        }

        private static Object hiddenSpec(String name, Object spec) {
            if (spec instanceof ParamSpec.Fixed f) {
                return new ParamSpec.Fixed(sizesText(f.value()));
            }
            if (spec instanceof ParamSpec.Choice c) {
                return hiddenSpec(name, c.choices());
            }
            if (spec instanceof ParamSpec) {
                throw new IllegalArgumentException("parameter '" + name + "' is a list of layer sizes: give one or several, not a range");
            }
            if (spec instanceof List<?> list) {
                // each element is one choice: [[50], [100, 50]], ["50", "100,50"] or [50, 100] (one layer each)
                List<Object> choices = new ArrayList<>();
                for (Object o : list) {
                    choices.add(sizesText(o));
                }
                return choices;
            }
            return sizesText(spec);
        }

        /** Fixes a parameter at one value. */
        public B fix(String name, Object value) {
            return set(name, ParamSpec.fixed(value instanceof List<?> l && canonical(name).equals("hidden") ? sizesText(l) : value));
        }

        /** Searches a parameter over its default range. */
        public B search(String name) {
            String c = canonical(name);
            return set(name, defaultRange(c));
        }

        /** Searches a real parameter uniformly in {@code [low, high]}. */
        public B range(String name, double low, double high) {
            return set(name, ParamSpec.range(low, high));
        }

        /** Searches a real parameter log-uniformly in {@code [low, high]}. */
        public B logRange(String name, double low, double high) {
            return set(name, ParamSpec.logRange(low, high));
        }

        /** Searches an integer parameter uniformly in {@code [low, high]}. */
        public B intRange(String name, int low, int high) {
            return set(name, ParamSpec.intRange(low, high));
        }

        /** Searches a parameter over the given choices. */
        public B choices(String name, Object... values) {
            return set(name, List.of(values));
        }

        /** Learning rate, log-uniform in {@code [low, high]}. */
        public B lr(double low, double high) {
            return logRange("lr", low, high);
        }

        /** Number of dense hidden layers in {@code [low, high]}. */
        public B layers(int low, int high) {
            return intRange("layers", low, high);
        }

        /** Units of each dense hidden layer, log-uniform in {@code [low, high]}. */
        public B units(int low, int high) {
            return set("units", ParamSpec.logIntRange(low, high));
        }

        /** Hidden activations to choose from. */
        public B activation(String... names) {
            return choices("activation", (Object[]) names);
        }

        /** Optimisers to choose from. */
        public B optimizer(String... names) {
            return choices("optimizer", (Object[]) names);
        }

        /** Batch sizes to choose from. */
        public B batchSize(Integer... sizes) {
            return choices("batch_size", (Object[]) sizes);
        }

        /** A fixed number of epochs. */
        public B epochs(int epochs) {
            return fix("epochs", epochs);
        }

        /** A fixed preprocessing: none, standard, minmax or pixels. */
        public B preprocessing(String name) {
            return fix("preprocessing", name);
        }

        /** Early stopping on the validation loss of a 10 % split, with this patience (0: off). */
        public B earlyStopping(int patience) {
            return fix("early_stopping", patience);
        }
    }
}
