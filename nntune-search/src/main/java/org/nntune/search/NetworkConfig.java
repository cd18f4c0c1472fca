package org.nntune.search;

import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Initializer;
import org.nntune.nn.model.EarlyStopping;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.Hypergradient;
import org.nntune.nn.optim.Optimizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One concrete network and its training, as a search space hands it out: the architecture (an
 * optional convolutional part, then dense hidden layers, then the output layer the data set
 * dictates) and every training setting. Immutable; {@link #model} and {@link #fitOptions} turn it
 * into the engine's objects.
 *
 * @param convFilters    filters of each convolution block (empty for an MLP); a block is a
 *                       {@code kernel}×{@code kernel} convolution with "same" padding, optional
 *                       batch normalisation, the activation, then pooling
 * @param kernel         convolution kernel size (odd, ≥ 1; ignored without convolutions)
 * @param pool           pooling after each block: {@code max}, {@code avg} or {@code none} (2×2, stride 2)
 * @param hidden         units of each dense hidden layer (the MLP's layers, the CNN's dense head)
 * @param activation     hidden activation: relu, tanh, sigmoid, elu, gelu, leaky_relu
 * @param dropout        dropout rate after each hidden dense layer, in [0, 1)
 * @param batchNorm      batch normalisation before each hidden activation
 * @param optimizer      sgd, adam, adamw, rmsprop or adagrad
 * @param lr             base learning rate
 * @param momentum       SGD momentum in [0, 1)
 * @param nesterov       Nesterov momentum for SGD (needs momentum &gt; 0)
 * @param beta1          Adam's β₁
 * @param beta2          Adam's β₂
 * @param l1             L1 penalty on weights
 * @param l2             L2 penalty on weights (AdamW: its decoupled weight decay); in the scikit-learn
 *                       compatible mode this is MLPClassifier's {@code alpha}
 * @param batchSize      rows per batch; 0 means scikit-learn's {@code min(200, n)}
 * @param epochs         maximum number of epochs
 * @param schedule       constant, adaptive, step, exponential or cosine
 * @param earlyStopping  patience in epochs on the validation loss of a 10 % split of the training rows; 0 is off.
 *                       In the scikit-learn compatible mode, scikit-learn's {@code early_stopping=True} with
 *                       {@code n_iter_no_change} = this patience: stop when the validation score (accuracy, or
 *                       R² for regression) of a 10 % split has not risen by 1e-4 for more than that many
 *                       epochs, and keep the best epoch's weights; 0 is {@code early_stopping=False}
 * @param preprocessing  none, standard, minmax or pixels: fitted on the training rows only
 * @param sklearn        scikit-learn MLPClassifier semantics: Glorot-uniform weights for every
 *                       activation, {@code l2} is alpha and enters as α·‖W‖²/(2·batch), the stopping
 *                       rule "more than 10 epochs without a 1e-4 training-loss improvement" (or, with
 *                       {@code earlyStopping}, its validation-score form), and the
 *                       'adaptive' schedule only with SGD (as scikit-learn ignores it otherwise)
 * @param sequence       the sequence part (family rnn: embedding, recurrent layer or text CNN),
 *                       which then comes first and takes the place of the convolutions
 * @param lrAdapt        none, hypergradient, hypergradient_multiplicative or hypergradient_standardized:
 *                       the rate starts at {@code lr} and adapts itself during training by hypergradient
 *                       descent (sgd or adam; a schedule scales the adapted rate), by the paper's additive rule, by its
 *                       multiplicative rule with a warm-up and a settling step
 *                       ({@link Hypergradient#multiplicative}), or by that rule with the cosine
 *                       standardised by its running moments ({@link Hypergradient#standardized})
 * @param hyperLr        the hypergradient's own step β (finite, &gt; 0; used with lr_adapt
 *                       hypergradient, and the multiplicative and standardised rules, where it is relative)
 * @param l2Adapt        none, or implicit: the L2 of each layer starts at {@code l2} (1e-4 when that is 0)
 *                       and is tuned during training by implicit differentiation on a validation split
 * @param classWeight    none, or balanced: each class's term of the cross-entropy weighted by
 *                       {@code n / (k · n_c)} on the rows a network is fitted on (scikit-learn's
 *                       {@code class_weight='balanced'}), the loss their weighted mean (PyTorch's
 *                       {@code CrossEntropyLoss(weight=…)}), or weights per class as {@link ClassWeights#text()}
 *                       writes them ({@code ham=1,spam=5}; a class not named weighs 1); classification only
 * @param scheduleSettings the schedule's constants: step_size, gamma, min_lr, warmup_epochs ({@link ScheduleSettings})
 */
public record NetworkConfig(List<Integer> convFilters, int kernel, String pool, List<Integer> hidden, String activation,
                            double dropout, boolean batchNorm, String optimizer, double lr, double momentum,
                            boolean nesterov, double beta1, double beta2, double l1, double l2, int batchSize, int epochs,
                            String schedule, int earlyStopping, String preprocessing, boolean sklearn,
                            java.util.Optional<SequenceNet> sequence, String lrAdapt, double hyperLr, L2Adapt l2Adapt,
                            String classWeight, ScheduleSettings scheduleSettings) {

    /** The optimiser names. */
    public static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop", "adagrad");
    /** The schedule names. */
    public static final List<String> SCHEDULES = List.of("constant", "adaptive", "step", "exponential", "cosine");
    /**
     * The class weightings by name: none, or balanced (scikit-learn's {@code class_weight='balanced'}); weights per
     * class are the text of a {@link ClassWeights}.
     */
    public static final List<String> CLASS_WEIGHTS = List.of("none", "balanced");
    /** The activation names. */
    public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "elu", "gelu", "leaky_relu");
    /** The ways the learning rate may adapt itself during training. */
    public static final List<String> LR_ADAPTS = List.of("none", "hypergradient", "hypergradient_multiplicative",
            "hypergradient_standardized");
    /** The (additive) hypergradient's step β when a space does not set {@code hyper_lr}. */
    public static final double DEFAULT_HYPER_LR = 1e-4;

    /** The step β of {@code lrAdapt}'s rule when a space does not set {@code hyper_lr}. */
    public static double defaultHyperLr(String lrAdapt) {
        return switch (lrAdapt) {
            case "hypergradient_multiplicative" -> Hypergradient.DEFAULT_MULTIPLICATIVE_BETA;
            case "hypergradient_standardized" -> Hypergradient.DEFAULT_STANDARDIZED_BETA;
            default -> DEFAULT_HYPER_LR;
        };
    }

    /** Whether the rate adapts itself during training (any lr_adapt but none). */
    public boolean adaptsLr() {
        return !lrAdapt.equals("none");
    }
    /** scikit-learn's MLP {@code tol}: the improvement its stopping rule asks for. */
    public static final double SKLEARN_TOL = 1e-4;
    /** scikit-learn's MLP {@code n_iter_no_change}; also the patience {@code early_stopping: true} stands for. */
    public static final int SKLEARN_N_ITER_NO_CHANGE = 10;
    /** scikit-learn's MLP {@code validation_fraction} with {@code early_stopping=True}. */
    public static final double SKLEARN_VALIDATION_FRACTION = 0.1;
    /** The pooling names. */
    public static final List<String> POOLS = List.of("max", "avg", "none");
    /** The preprocessing names. */
    public static final List<String> PREPROCESSING = List.of("none", "standard", "minmax", "pixels");

    /** Checks every value, naming the offending one. */
    public NetworkConfig {
        convFilters = List.copyOf(convFilters);
        hidden = List.copyOf(hidden);
        for (int f : convFilters) {
            positive("filters", f);
        }
        for (int h : hidden) {
            positive("hidden units", h);
        }
        if (!convFilters.isEmpty() && (kernel < 1 || kernel % 2 == 0)) {
            throw new IllegalArgumentException("kernel must be an odd size >= 1, got " + kernel);
        }
        oneOf("pool", pool, POOLS);
        oneOf("activation", activation, ACTIVATIONS);
        oneOf("optimizer", optimizer, OPTIMIZERS);
        oneOf("schedule", schedule, SCHEDULES);
        oneOf("preprocessing", preprocessing, PREPROCESSING);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
        }
        unit("momentum", momentum);
        unit("beta1", beta1);
        unit("beta2", beta2);
        if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l1 and l2 must be finite and >= 0, got " + l1 + " and " + l2);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch_size must be >= 1 (or 0 for scikit-learn's min(200, n)), got " + batchSize);
        }
        positive("epochs", epochs);
        if (earlyStopping < 0) {
            throw new IllegalArgumentException("early_stopping patience must be >= 0 (0 = off), got " + earlyStopping);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("nesterov needs a momentum > 0");
        }
        java.util.Objects.requireNonNull(sequence, "sequence");
        oneOf("lr_adapt", lrAdapt, LR_ADAPTS);
        if (!(hyperLr > 0) || Double.isInfinite(hyperLr)) {
            throw new IllegalArgumentException("hyper_lr must be finite and > 0, got " + hyperLr);
        }
        if (!lrAdapt.equals("none")) {
            if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
                throw new IllegalArgumentException("lr_adapt " + lrAdapt + " works with optimizer sgd or adam, got " + optimizer);
            }
        }
        java.util.Objects.requireNonNull(l2Adapt, "l2Adapt");
        if (l2Adapt.on() && optimizer.equals("adamw")) {
            throw new IllegalArgumentException("l2_adapt " + l2Adapt.mode() + " tunes the L2 penalty, but with adamw l2 is the decoupled weight"
                    + " decay: use adam, sgd, rmsprop or adagrad");
        }
        checkClassWeight(classWeight);
        java.util.Objects.requireNonNull(scheduleSettings, "scheduleSettings");
        if (schedule.equals("cosine") && scheduleSettings.minLr() >= lr) {
            throw new IllegalArgumentException("min_lr " + scheduleSettings.minLr() + " must be below lr " + lr
                    + ": cosine falls from lr to min_lr");
        }
    }

    /** A configuration whose schedule keeps its default constants and has no warm-up. */
    public NetworkConfig(List<Integer> convFilters, int kernel, String pool, List<Integer> hidden, String activation,
                         double dropout, boolean batchNorm, String optimizer, double lr, double momentum,
                         boolean nesterov, double beta1, double beta2, double l1, double l2, int batchSize, int epochs,
                         String schedule, int earlyStopping, String preprocessing, boolean sklearn,
                         java.util.Optional<SequenceNet> sequence, String lrAdapt, double hyperLr, L2Adapt l2Adapt,
                         String classWeight) {
        this(convFilters, kernel, pool, hidden, activation, dropout, batchNorm, optimizer, lr, momentum, nesterov, beta1, beta2,
                l1, l2, batchSize, epochs, schedule, earlyStopping, preprocessing, sklearn, sequence, lrAdapt, hyperLr, l2Adapt,
                classWeight, ScheduleSettings.DEFAULT);
    }

    /** A configuration without class weights (class_weight none). */
    public NetworkConfig(List<Integer> convFilters, int kernel, String pool, List<Integer> hidden, String activation,
                         double dropout, boolean batchNorm, String optimizer, double lr, double momentum,
                         boolean nesterov, double beta1, double beta2, double l1, double l2, int batchSize, int epochs,
                         String schedule, int earlyStopping, String preprocessing, boolean sklearn,
                         java.util.Optional<SequenceNet> sequence, String lrAdapt, double hyperLr, L2Adapt l2Adapt) {
        this(convFilters, kernel, pool, hidden, activation, dropout, batchNorm, optimizer, lr, momentum, nesterov, beta1, beta2,
                l1, l2, batchSize, epochs, schedule, earlyStopping, preprocessing, sklearn, sequence, lrAdapt, hyperLr, l2Adapt, "none");
    }

    /** A configuration whose L2 does not adapt itself (l2_adapt none). */
    public NetworkConfig(List<Integer> convFilters, int kernel, String pool, List<Integer> hidden, String activation,
                         double dropout, boolean batchNorm, String optimizer, double lr, double momentum,
                         boolean nesterov, double beta1, double beta2, double l1, double l2, int batchSize, int epochs,
                         String schedule, int earlyStopping, String preprocessing, boolean sklearn,
                         java.util.Optional<SequenceNet> sequence, String lrAdapt, double hyperLr) {
        this(convFilters, kernel, pool, hidden, activation, dropout, batchNorm, optimizer, lr, momentum, nesterov, beta1, beta2,
                l1, l2, batchSize, epochs, schedule, earlyStopping, preprocessing, sklearn, sequence, lrAdapt, hyperLr, L2Adapt.NONE);
    }

    /** A configuration whose learning rate does not adapt itself (lr_adapt none). */
    public NetworkConfig(List<Integer> convFilters, int kernel, String pool, List<Integer> hidden, String activation,
                         double dropout, boolean batchNorm, String optimizer, double lr, double momentum,
                         boolean nesterov, double beta1, double beta2, double l1, double l2, int batchSize, int epochs,
                         String schedule, int earlyStopping, String preprocessing, boolean sklearn,
                         java.util.Optional<SequenceNet> sequence) {
        this(convFilters, kernel, pool, hidden, activation, dropout, batchNorm, optimizer, lr, momentum, nesterov, beta1, beta2,
                l1, l2, batchSize, epochs, schedule, earlyStopping, preprocessing, sklearn, sequence, "none", DEFAULT_HYPER_LR);
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + v);
        }
    }

    private static void unit(String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + v);
        }
    }

    /** A class weighting: one of {@link #CLASS_WEIGHTS}, or weights per class ({@link ClassWeights#parse}). */
    private static void checkClassWeight(String classWeight) {
        if (ClassWeights.isMapText(classWeight)) {
            ClassWeights.parse(classWeight);
        } else if (!CLASS_WEIGHTS.contains(classWeight)) {
            throw new IllegalArgumentException("class_weight '" + classWeight + "' is not one of " + CLASS_WEIGHTS
                    + " nor weights per class such as spam=5,ham=1");
        }
    }

    static void oneOf(String what, String v, List<String> allowed) {
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(what + " '" + v + "' is not one of " + allowed);
        }
    }

    /** Rows per batch for a training set of {@code n} rows. */
    public int batchFor(int n) {
        return batchSize == 0 ? Math.min(200, n) : batchSize;
    }

    /** The engine's activation of this configuration. */
    public Activation activationValue() {
        return Activation.valueOf(activation.toUpperCase(Locale.ROOT));
    }

    /** The preprocessing step (unfitted). */
    public Preprocessor preprocessor() {
        return Preprocessor.byName(preprocessing);
    }

    /**
     * The engine's builder for a network trained on {@code train}: softmax cross-entropy for a
     * classification set; mean squared error on standard-scaled targets for a regression set (the
     * target scaler fitted on {@code train}'s rows only, undone for predictions and metrics, and
     * saved with the model) — of each target's change from the row's last input when {@code train}
     * is marked for it ({@link org.nntune.nn.data.Dataset#changeTarget}); {@code transform} the
     * fitted preprocessing of the inputs.
     */
    Sequential.Builder builderFor(org.nntune.nn.data.Dataset train, org.nntune.nn.data.FittedTransform transform) {
        Sequential.Builder b = Sequential.builder().preprocessing(transform);
        if (train.task() == org.nntune.nn.data.Task.CLASSIFICATION) {
            return b.loss(classWeight.equals("balanced") ? org.nntune.nn.loss.Loss.softmaxCrossEntropy(balancedWeights(train))
                    : ClassWeights.isMapText(classWeight)
                    ? org.nntune.nn.loss.Loss.softmaxCrossEntropy(ClassWeights.parse(classWeight).forClasses(train.classNames(), train.name()))
                    : org.nntune.nn.loss.Loss.softmaxCrossEntropy());
        }
        if (!classWeight.equals("none")) {
            throw new IllegalArgumentException("class_weight " + classWeight + " weights the classes of a classification; "
                    + train.name() + " is a regression (drop class_weight)");
        }
        if (train.changeTarget()) {
            // forecasting windows marked for a change target: the network learns y[t + h] − y[t], scaled, and adds y[t] back
            return b.loss(org.nntune.nn.loss.Loss.mse()).changeFromLastInput()
                    .targetScaling(org.nntune.nn.data.StandardScaler.fitTargetChanges(train));
        }
        return b.loss(org.nntune.nn.loss.Loss.mse()).targetScaling(org.nntune.nn.data.StandardScaler.fitTargets(train));
    }

    /**
     * scikit-learn's balanced class weights on {@code train}'s rows: {@code n / (k · n_c)} for the k classes present,
     * so that every present class weighs as much in the loss as the others together would at equal counts; a class
     * with no row here (a small fold) gets 1, which weighs nothing without rows.
     */
    static float[] balancedWeights(org.nntune.nn.data.Dataset train) {
        int[] counts = new int[train.classCount()];
        for (int y : train.labels()) {
            counts[y]++;
        }
        int present = 0;
        for (int c : counts) {
            present += c > 0 ? 1 : 0;
        }
        float[] w = new float[counts.length];
        for (int c = 0; c < counts.length; c++) {
            w[c] = counts[c] == 0 ? 1f : (float) ((double) train.size() / ((double) present * counts[c]));
        }
        return w;
    }

    /**
     * The network for inputs of {@code inputShape} with {@code outputs} output units (one per class),
     * its weights initialised from {@code seed}; the loss is the builder's default (softmax
     * cross-entropy) unless {@code builder} says otherwise.
     */
    Sequential.Builder model(Sequential.Builder b, int[] inputShape, int outputs, long seed) {
        b.input(inputShape).seed(seed);
        Activation act = activationValue();
        if (sequence.isPresent()) {
            sequenceLayers(b, inputShape, sequence.get());
        }
        if (!convFilters.isEmpty()) {
            if (inputShape.length != 3) {
                throw new IllegalArgumentException("a CNN needs image inputs [channels, height, width], got shape "
                        + java.util.Arrays.toString(inputShape) + "; give the data set an image shape (Dataset.withShape)");
            }
            int h = inputShape[1];
            int w = inputShape[2];
            for (int f : convFilters) {
                if (batchNorm) {
                    b.conv2d(f, kernel, 1, kernel / 2, Activation.LINEAR).batchNorm().activation(act);
                } else {
                    b.conv2d(f, kernel, 1, kernel / 2, act);
                }
                if (!pool.equals("none") && h >= 2 && w >= 2) {
                    if (pool.equals("max")) {
                        b.maxPool2d(2);
                    } else {
                        b.avgPool2d(2);
                    }
                    h /= 2;
                    w /= 2;
                }
            }
            b.flatten();
        }
        Initializer init = sklearn ? Initializer.GLOROT_UNIFORM : Initializer.defaultFor(act);
        for (int units : hidden) {
            if (batchNorm) {
                b.dense(units, Activation.LINEAR, init).batchNorm().activation(act);
            } else {
                b.dense(units, act, init);
            }
            if (dropout > 0) {
                b.dropout((float) dropout);
            }
        }
        b.dense(outputs, Activation.LINEAR, Initializer.GLOROT_UNIFORM);
        return b;
    }

    private static void sequenceLayers(Sequential.Builder b, int[] inputShape, SequenceNet s) {
        if (inputShape.length == 1) {
            b.embedding(s.vocabSize(), s.embedding(), org.nntune.nn.data.TextEncoder.PADDING);
        } else if (inputShape.length != 2) {
            throw new IllegalArgumentException("an rnn needs token ids [time] or a sequence [time, features], got shape "
                    + java.util.Arrays.toString(inputShape));
        }
        if (s.cnn()) {
            b.conv1d(s.filters(), s.kernel());
        } else {
            var readout = org.nntune.nn.layer.Recurrent.Readout.valueOf(s.readout().toUpperCase(Locale.ROOT));
            if (s.cell().equals("lstm")) {
                b.lstm(s.hiddenSize(), s.layers(), s.bidirectional(), s.dropout(), readout);
            } else {
                b.gru(s.hiddenSize(), s.layers(), s.bidirectional(), s.dropout(), readout);
            }
        }
        if (s.dropout() > 0) {
            b.dropout(s.dropout());
        }
    }

    /**
     * The configuration with the settings that cannot act normalised away: under scikit-learn
     * semantics the 'adaptive' schedule of a non-SGD optimiser is the constant one. Two
     * configurations with equal effective forms train identically.
     */
    public NetworkConfig effective() {
        if (sklearn && schedule.equals("adaptive") && !optimizer.equals("sgd")) {
            return new NetworkConfig(convFilters, kernel, pool, hidden, activation, dropout, batchNorm, optimizer, lr, momentum,
                    nesterov, beta1, beta2, l1, l2, batchSize, epochs, "constant", earlyStopping, preprocessing, sklearn, sequence,
                    lrAdapt, hyperLr, l2Adapt, classWeight, scheduleSettings);
        }
        return this;
    }

    /** The engine's optimiser of this configuration. */
    public Optimizer optimizerValue() {
        Optimizer base = baseOptimizer();
        return switch (lrAdapt) {
            case "hypergradient" -> Optimizer.hypergradient(base, hyperLr, false);
            case "hypergradient_multiplicative" -> new Hypergradient(base, hyperLr, false, Hypergradient.Rule.MULTIPLICATIVE,
                    Hypergradient.DEFAULT_WARMUP_STEPS, Hypergradient.DEFAULT_SETTLE_STEPS);
            case "hypergradient_standardized" -> new Hypergradient(base, hyperLr, false, Hypergradient.Rule.STANDARDIZED,
                    Hypergradient.DEFAULT_WARMUP_STEPS, Hypergradient.DEFAULT_SETTLE_STEPS);
            default -> base;
        };
    }

    private Optimizer baseOptimizer() {
        float rate = (float) lr;
        return switch (optimizer) {
            case "sgd" -> Optimizer.sgd(rate, (float) momentum, nesterov);
            case "adam" -> new Optimizer.Adam(rate, (float) beta1, (float) beta2, 1e-8f);
            case "adamw" -> new Optimizer.AdamW(rate, (float) beta1, (float) beta2, 1e-8f, (float) l2);
            case "rmsprop" -> Optimizer.rmsProp(rate);
            case "adagrad" -> Optimizer.adagrad(rate);
            default -> throw new IllegalStateException("unreachable: optimizer " + optimizer);
        };
    }

    /**
     * The engine's schedule for a run of {@code epochs} epochs, with {@link #scheduleSettings}' constants:
     * a warm-up first when it has one, then the schedule over the epochs after it.
     */
    public LearningRateSchedule scheduleValue() {
        return scheduleSettings.schedule(effective().schedule, epochs);
    }

    /**
     * Checks that a fit on {@code n} rows can hold out the validation split its settings ask for:
     * implicit L2 is tuned on {@code l2_validation} of the fit's rows, early stopping watches 10 %
     * of them, and each side of the split needs a row. The engine would refuse such a split too,
     * but in its own words ("validation fraction 0.1 of 4 examples"); this names the setting.
     *
     * @throws IllegalArgumentException naming the setting when the split would be empty
     */
    void checkValidationSplit(int n) {
        String key;
        double fraction;
        String use;
        if (earlyStopping > 0 && (sklearn || !l2Adapt.on())) {
            key = "early_stopping";
            fraction = sklearn ? SKLEARN_VALIDATION_FRACTION : 0.1;
            use = "early stopping watches";
        } else if (l2Adapt.on()) {
            key = "l2_validation";
            fraction = l2Adapt.validation();
            use = "the implicit L2 is tuned on";
        } else {
            return;
        }
        long held = Math.round(n * fraction); // as the engine rounds it
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s: %s of the %d rows a network is fitted"
                    + " on holds out %d rows for the split %s and leaves %d to train on; each side needs at least one row: %s",
                    key, key.equals("early_stopping") ? "its validation split of " + fraction : fraction, n, held, use, n - held,
                    key.equals("early_stopping") ? "give more training rows or set early_stopping: 0"
                            : "give more training rows or raise l2_validation (at most 0.5)"));
        }
    }

    /** The training options for a training set of {@code n} rows, seeded with {@code seed}. */
    FitOptions.Builder fitOptions(int n, long seed) {
        checkValidationSplit(n);
        int batch = batchFor(n);
        FitOptions.Builder b = FitOptions.builder().epochs(epochs).batchSize(batch).seed(seed).optimizer(optimizerValue())
                .schedule(scheduleValue());
        if (l1 > 0) {
            b.l1((float) l1);
        }
        double l2Term = sklearn ? l2 / Math.min(batch, n) : l2;
        if (l2Adapt.on()) {
            b.implicitL2(l2Adapt.settings(l2Term > 0 ? l2Term : org.nntune.nn.optim.ImplicitL2.DEFAULT_INITIAL))
                    .validationFraction(l2Adapt.validation());
        } else if (l2Term > 0 && !optimizer.equals("adamw")) {
            b.l2((float) l2Term);
        }
        if (sklearn && earlyStopping > 0) {
            // MLPClassifier/MLPRegressor(early_stopping=True, validation_fraction=0.1, tol=1e-4, n_iter_no_change=patience)
            b.sklearnEarlyStopping(SKLEARN_TOL, earlyStopping, SKLEARN_VALIDATION_FRACTION);
        } else if (sklearn) {
            b.stallRule(SKLEARN_TOL, SKLEARN_N_ITER_NO_CHANGE);
        }
        if (sequence.isPresent() && sequence.get().clipNorm() > 0) {
            b.clipNorm(sequence.get().clipNorm());
        }
        if (earlyStopping > 0 && !sklearn) {
            // with implicit L2, early stopping watches the split the L2 is tuned on
            b.validationFraction(l2Adapt.on() ? l2Adapt.validation() : 0.1).listener(EarlyStopping.onValidationLoss(earlyStopping));
        }
        return b;
    }

    /** Every setting by name, as a results table shows it. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        sequence.ifPresent(s -> {
            m.put("cell", s.cell());
            m.put("embedding", s.embedding());
            if (s.cnn()) {
                m.put("filters", s.filters());
                m.put("kernel", s.kernel());
            } else {
                m.put("hidden_size", s.hiddenSize());
                m.put("rnn_layers", s.layers());
                m.put("bidirectional", s.bidirectional());
                m.put("readout", s.readout());
            }
            m.put("max_length", s.maxLength());
            m.put("vocab_size", s.vocabSize());
            m.put("clip_norm", s.clipNorm());
        });
        if (!convFilters.isEmpty()) {
            m.put("conv_filters", convFilters.toString());
            m.put("kernel", kernel);
            m.put("pool", pool);
        }
        m.put("hidden", hidden.toString());
        m.put("activation", activation);
        m.put("dropout", dropout);
        m.put("batch_norm", batchNorm);
        m.put("optimizer", optimizer);
        m.put("lr", lr);
        if (adaptsLr()) {
            m.put("lr_adapt", lrAdapt);
            m.put("hyper_lr", hyperLr);
        }
        if (optimizer.equals("sgd")) {
            m.put("momentum", momentum);
            m.put("nesterov", nesterov);
        }
        if (optimizer.startsWith("adam")) {
            m.put("beta1", beta1);
            m.put("beta2", beta2);
        }
        m.put("l1", l1);
        m.put("l2", l2);
        if (l2Adapt.on()) {
            m.put("l2_adapt", l2Adapt.mode());
            m.put("l2_hyper_lr", l2Adapt.hyperLr());
            m.put("l2_steps", l2Adapt.steps());
            m.put("neumann_terms", l2Adapt.neumannTerms().orElse(org.nntune.nn.optim.ImplicitL2.defaultTerms(optimizerValue())));
            m.put("l2_validation", l2Adapt.validation());
        }
        m.put("batch_size", batchSize == 0 ? "min(200,n)" : batchSize);
        m.put("epochs", epochs);
        m.put("schedule", schedule);
        LearningRateSchedule engine = scheduleValue();
        LearningRateSchedule after = engine instanceof LearningRateSchedule.Warmup w ? w.then() : engine;
        if (after instanceof LearningRateSchedule.StepDecay step) {
            m.put("step_size", step.everyEpochs());
            m.put("gamma", (double) step.gamma());
        } else if (after instanceof LearningRateSchedule.Exponential exp) {
            m.put("gamma", (double) exp.gamma());
        } else if (after instanceof LearningRateSchedule.CosineWarmup cos && cos.minRate() > 0) {
            m.put("min_lr", scheduleSettings.minLr());
        }
        if (scheduleSettings.warmupEpochs() > 0) {
            m.put("warmup_epochs", scheduleSettings.warmupEpochs());
        }
        m.put("early_stopping", earlyStopping);
        m.put("preprocessing", preprocessing);
        if (!classWeight.equals("none")) {
            m.put("class_weight", classWeight);
        }
        if (sklearn) {
            m.put("sklearn_compatible", true);
        }
        return m;
    }

    /**
     * The number of trainable parameters of this network for inputs of {@code inputShape} and
     * {@code outputs} output units (a second objective of multi-objective studies: accuracy
     * against model size).
     */
    public long parameterCount(int[] inputShape, int outputs) {
        return model(Sequential.builder(), inputShape, outputs, 0L).build().parameterCount();
    }
}
