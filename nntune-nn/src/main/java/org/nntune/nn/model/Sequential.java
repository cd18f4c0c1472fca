package org.nntune.nn.model;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.data.Task;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.ActivationLayer;
import org.nntune.nn.layer.AvgPool2D;
import org.nntune.nn.layer.BatchNorm;
import org.nntune.nn.layer.Conv2D;
import org.nntune.nn.layer.Dense;
import org.nntune.nn.layer.Conv1D;
import org.nntune.nn.layer.Dropout;
import org.nntune.nn.layer.Embedding;
import org.nntune.nn.layer.GRU;
import org.nntune.nn.layer.LSTM;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.layer.SequenceLayer;
import org.nntune.nn.layer.Flatten;
import org.nntune.nn.layer.Initializer;
import org.nntune.nn.layer.Layer;
import org.nntune.nn.layer.MaxPool2D;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.loss.BinaryCrossEntropy;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.loss.SoftmaxCrossEntropy;
import org.nntune.nn.metric.Metrics;
import org.nntune.nn.tensor.Rng;
import org.nntune.nn.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A network of layers applied one after the other, with its training loss, the preprocessing
 * its inputs go through, and its provenance. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * Sequential model = Sequential.builder().input(784)
 *         .dense(128, Activation.RELU).dropout(0.2).dense(10).build();
 * History h = model.fit(train, FitOptions.builder().epochs(10).batchSize(64).seed(42).build());
 * double acc = model.evaluate(test).accuracy();
 * }</pre>
 *
 * <p>Threads: {@code fit} runs on the calling thread and must not overlap any other call on the
 * same model. Once trained, {@link #predict}, {@link #predictProba}, {@link #predictValues} and
 * {@link #evaluate} may run from several threads at once: each call uses its own buffers.
 *
 * <p>The classification losses work on logits; a last {@link Activation#SOFTMAX} layer is
 * skipped in training and its work done by the loss (fused, stable), and predictions apply the
 * loss's link (softmax, sigmoid) whether the layer is there or not.
 */
public final class Sequential {
    private final int[] inputShape;
    private final List<Layer> layers;
    private final Loss loss;
    private final FittedTransform transform;
    /** Standard scaling of regression targets, fitted on the training rows; null when targets are used as given. */
    private final StandardScaler targetScaler;
    /** Whether the network learns each target's change from the example's last raw input value, added back to its outputs. */
    private final boolean changeFromLastInput;
    private final long initSeed;
    /** Layers run in training and before the link; a trailing softmax under softmax cross-entropy is left out. */
    private final int depth;
    private final List<Param> params;
    /** index of the layer each parameter belongs to */
    private final int[] paramLayers;
    /** Whether some layer is a {@link SequenceLayer}: the passes then compute the rows' lengths. */
    private final boolean sequenceInput;
    private volatile Provenance provenance;
    /**
     * One small evaluation workspace kept between calls (a search scores a model after every
     * epoch; making the buffers each time cost more than the forward pass on a small set): taken by
     * one caller at a time, the others make their own.
     */
    private final java.util.concurrent.atomic.AtomicReference<Workspace> spareEval = new java.util.concurrent.atomic.AtomicReference<>();
    /** The largest evaluation workspace kept, in floats of activations (4 MiB). */
    private static final long SPARE_EVAL_FLOATS = 1L << 20;

    Sequential(int[] inputShape, List<Layer> unbuilt, Loss loss, FittedTransform transform, Optional<StandardScaler> targetScaler,
               boolean changeFromLastInput, long initSeed) {
        if (unbuilt.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        this.inputShape = inputShape.clone();
        this.layers = List.copyOf(unbuilt);
        this.loss = loss;
        this.transform = transform;
        this.targetScaler = targetScaler.orElse(null);
        this.changeFromLastInput = changeFromLastInput;
        this.initSeed = initSeed;
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i) instanceof Embedding) {
                throw new IllegalArgumentException("layer " + (i + 1) + " (embedding): an embedding reads token ids and must be the first layer");
            }
        }
        int[] shape = inputShape.clone();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            try {
                shape = l.build(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + (i + 1) + " (" + l.kind() + "): " + e.getMessage(), e);
            }
        }
        int outputs = Tensor.size(shape);
        Layer last = layers.get(layers.size() - 1);
        boolean fusedSoftmax = loss instanceof SoftmaxCrossEntropy && last instanceof ActivationLayer a
                && a.activation() == Activation.SOFTMAX;
        this.depth = fusedSoftmax ? layers.size() - 1 : layers.size();
        if (depth == 0) {
            throw new IllegalArgumentException("a network needs at least one layer before its softmax");
        }
        if (loss instanceof SoftmaxCrossEntropy && outputs < 2) {
            throw new IllegalArgumentException("softmax cross-entropy needs at least 2 outputs (one per class), the network has "
                    + outputs + "; for two classes with one output use binary cross-entropy" + FOR_REGRESSION);
        }
        if (loss instanceof SoftmaxCrossEntropy sce && sce.classWeights().length > 0 && sce.classWeights().length != outputs) {
            // else the loss would find out at the first batch of fit, after the data were read and checked
            throw new IllegalArgumentException("softmax cross-entropy has " + sce.classWeights().length
                    + " class weights but the network has " + outputs + " outputs; give one weight per class (" + outputs + ")");
        }
        if (transform.featureCount() != Tensor.size(inputShape)) {
            throw new IllegalArgumentException("the preprocessing expects " + transform.featureCount()
                    + " features, the network's input " + Arrays.toString(inputShape) + " has " + Tensor.size(inputShape));
        }
        if (changeFromLastInput && layers.get(0) instanceof Embedding) {
            throw new IllegalArgumentException("a change from the last input needs numeric inputs (the last value of a window);"
                    + " this network's first layer is an embedding of token ids");
        }
        if (changeFromLastInput && loss.classification()) {
            throw new IllegalArgumentException("a change from the last input is a regression target; this network is trained with " + loss
                    + FOR_REGRESSION);
        }
        if (this.targetScaler != null) {
            if (loss.classification()) {
                throw new IllegalArgumentException("target scaling is for regression; this network is trained with " + loss
                        + FOR_REGRESSION);
            }
            if (this.targetScaler.featureCount() != outputs) {
                throw new IllegalArgumentException("the target scaling has " + this.targetScaler.featureCount()
                        + " columns, the network " + outputs + " outputs: fit it on the targets of the training set");
            }
        }
        List<Param> ps = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Param p : layers.get(i).params()) {
                ps.add(p);
                owners.add(i);
            }
        }
        this.params = List.copyOf(ps);
        this.paramLayers = owners.stream().mapToInt(Integer::intValue).toArray();
        this.sequenceInput = layers.stream().anyMatch(l -> l instanceof SequenceLayer);
        this.provenance = Provenance.untrained(initSeed);
    }

    /** The hint of a message about a classification loss (the default) met with regression: name the regression loss. */
    static final String FOR_REGRESSION = "; for regression, e.g. forecasting, use .loss(Loss.mse())";

    /** A builder: first {@code input(...)}, then layers, then {@code build()}. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- structure

    /** The shape of one input example. */
    public int[] inputShape() { return inputShape.clone(); }

    /** The layers, in order (the model's own: their weights are live). */
    public List<Layer> layers() { return layers; }

    /** The training loss (its link turns outputs into predictions). */
    public Loss loss() { return loss; }

    /** The fitted preprocessing applied to every input before the first layer (identity by default). */
    public FittedTransform preprocessing() { return transform; }

    /**
     * The standard scaling of the regression targets, fitted on the training rows, if the network
     * was built with one: it is trained on scaled targets, and its predictions, metrics and
     * {@link #outputs} are turned back into the data's units.
     */
    public Optional<StandardScaler> targetScaling() { return Optional.ofNullable(targetScaler); }

    /**
     * Whether the network learns each regression target's change from the example's last raw input
     * value (before preprocessing) and adds that value back to its outputs: for forecasting, where
     * the last input is the series' last value, a trend or random walk is then learnable. Target
     * scaling, if any, is of those changes ({@link StandardScaler#fitTargetChanges}).
     */
    public boolean changeFromLastInput() { return changeFromLastInput; }

    /**
     * Turns {@code rows} rows of targets at {@code t[0]} in place into what training sees: minus
     * the row's last raw input (from {@code x}, rows of raw features, before preprocessing) with a
     * {@link #changeFromLastInput change target}, then scaled (no-op without either).
     */
    void trainingTargets(float[] x, float[] t, int rows) {
        if (changeFromLastInput) {
            int f = Tensor.size(inputShape), k = t.length == 0 ? 0 : outputSize();
            for (int r = 0; r < rows; r++) {
                float last = x[r * f + f - 1];
                for (int j = 0; j < k; j++) {
                    t[r * k + j] -= last;
                }
            }
        }
        if (targetScaler != null) {
            targetScaler.transform(t, 0, rows);
        }
    }

    /**
     * Turns {@code rows} rows of network outputs (after the link) back into the targets' units:
     * unscaled, plus each row's last raw input ({@code last[r]}) with a change target; no-op
     * without either.
     */
    private void unscale(float[] out, float[] last, int rows) {
        if (targetScaler != null) {
            targetScaler.inverseTransform(out, 0, rows);
        }
        if (changeFromLastInput) {
            int k = outputSize();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < k; j++) {
                    out[r * k + j] += last[r];
                }
            }
        }
    }

    /**
     * @return where the model comes from: its seeds, the training data's name, fingerprint and shape,
     *     the hyperparameters and the nntune version; an untrained model's records only its
     *     initialisation seed and the version. Each {@code fit} that returns replaces it
     */
    public Provenance provenance() { return provenance; }

    /** Number of values per example the network outputs. */
    public int outputSize() { return layers.get(depth - 1).outputSize(); }

    /** All trainable parameters, layer by layer. */
    public List<Param> parameters() { return params; }

    /** For each of {@link #parameters()}, the index of the layer it belongs to. */
    public int[] parameterLayers() { return paramLayers.clone(); }

    /** Number of trainable values. */
    public long parameterCount() {
        long c = 0;
        for (Layer l : layers) {
            c += l.parameterCount();
        }
        return c;
    }

    int depth() { return depth; }

    long initSeed() { return initSeed; }

    void setProvenance(Provenance p) { this.provenance = p; }

    /** The layers, their output shapes and parameter counts, as a table. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("Sequential: input ").append(Arrays.toString(inputShape)).append(", loss ").append(loss)
                .append(", preprocessing ").append(transform.kind())
                .append(changeFromLastInput ? ", targets: change from the last input" : "")
                .append(targetScaler != null ? ", targets standard-scaled" : "").append('\n');
        sb.append(String.format("%-3s %-12s %-16s %10s  %s%n", "#", "layer", "output shape", "params", "details"));
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            sb.append(String.format("%-3d %-12s %-16s %,10d  %s%n", i + 1, l.kind(), Arrays.toString(l.outputShape()),
                    l.parameterCount(), l.describe()));
        }
        sb.append(String.format("total trainable parameters: %,d%n", parameterCount()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Sequential" + Arrays.toString(inputShape) + " → " + layers.size() + " layers, " + parameterCount() + " parameters";
    }

    // ---------------------------------------------------------------- weights

    /** A copy of every parameter and running statistic, in layer order; immutable (its accessor returns copies). */
    public record Weights(List<float[]> values) {
        /** Keeps copies of the arrays: the caller's may change afterwards. */
        public Weights {
            values = values.stream().map(float[]::clone).toList();
        }

        /** @return copies of the parameters' and running statistics' values, in layer order */
        @Override
        public List<float[]> values() {
            return values.stream().map(float[]::clone).toList();
        }

        /** Tensor i's values, read in place: for {@link #setWeights}, which copies each once. */
        private float[] tensor(int i) {
            return values.get(i);
        }

        private int tensors() {
            return values.size();
        }
    }

    /** A snapshot of the weights (parameters and batch-norm statistics). */
    public Weights weights() {
        List<float[]> v = new ArrayList<>();
        for (Layer l : layers) {
            for (Param p : l.params()) {
                v.add(p.value().data());
            }
            for (Tensor t : l.buffers()) {
                v.add(t.data());
            }
        }
        return new Weights(v);
    }

    /** Restores a snapshot taken from this model (or one of the same architecture). */
    public void setWeights(Weights w) {
        List<float[]> dst = new ArrayList<>();
        for (Layer l : layers) {
            for (Param p : l.params()) {
                dst.add(p.value().data());
            }
            for (Tensor t : l.buffers()) {
                dst.add(t.data());
            }
        }
        // the snapshot's own arrays, read in place: values() would copy the whole model per call
        if (dst.size() != w.tensors()) {
            throw new IllegalArgumentException("weights of " + w.tensors() + " tensors for a model with " + dst.size());
        }
        for (int i = 0; i < dst.size(); i++) {
            if (dst.get(i).length != w.tensor(i).length) {
                throw new IllegalArgumentException("weight tensor " + i + " has " + w.tensor(i).length
                        + " values, the model's has " + dst.get(i).length);
            }
        }
        for (int i = 0; i < dst.size(); i++) {
            System.arraycopy(w.tensor(i), 0, dst.get(i), 0, dst.get(i).length);
        }
    }

    // ---------------------------------------------------------------- passes

    /**
     * Whether layer i is a Dense or Conv2D layer followed (within the depth) by a ReLU activation
     * layer: the passes then run the pair as one ({@link Dense#forwardRelu},
     * {@link Dense#backwardRelu}, {@link Conv2D#forwardRelu}, {@link Conv2D#backwardRelu}), leaving
     * the layer's own output and gradient buffers (the pre-activation) unused.
     */
    private boolean fusedRelu(int i) {
        return i + 1 < depth && (layers.get(i) instanceof Dense || layers.get(i) instanceof Conv2D)
                && layers.get(i + 1) instanceof ActivationLayer a && a.activation() == Activation.RELU;
    }

    void forward(Workspace w, int n, Pass pass) {
        if (sequenceInput) {
            setLengths(w, n);
        }
        for (int i = 0; i < depth; i++) {
            if (fusedRelu(i)) {
                if (layers.get(i) instanceof Dense d) {
                    d.forwardRelu(w.acts[i], w.acts[i + 2], n);
                } else {
                    ((Conv2D) layers.get(i)).forwardRelu(w.acts[i], w.acts[i + 2], n, w.caches[i], pass);
                }
                i++;
            } else {
                layers.get(i).forward(w.acts[i], w.acts[i + 1], n, w.caches[i], pass);
            }
        }
    }

    /**
     * The rows' lengths, handed to every sequence layer: after an {@link Embedding} first layer,
     * each token row's length is the position after its last non-padding token (sequences are
     * right-padded with the padding id); a network over {@code [time, features]} inputs takes
     * every row at full length.
     */
    private void setLengths(Workspace w, int n) {
        int time = inputShape[0];
        if (layers.get(0) instanceof Embedding e) {
            Embedding.lengths(w.acts[0], n, time, e.paddingId(), w.lengths);
        } else {
            java.util.Arrays.fill(w.lengths, 0, n, time);
        }
        for (int i = 0; i < depth; i++) {
            if (layers.get(i) instanceof SequenceLayer s) {
                s.setLengths(w.caches[i], w.lengths, n);
            }
        }
    }

    void backward(Workspace w, int n) {
        for (int i = depth - 1; i >= 0; i--) {
            if (i >= 1 && fusedRelu(i - 1)) {
                int d = i - 1;
                float[] dx = d == 0 ? null : w.grads[d];
                if (layers.get(d) instanceof Dense dense) {
                    dense.backwardRelu(w.acts[d], w.acts[i + 1], w.grads[i + 1], dx, n, w.caches[d]);
                } else {
                    ((Conv2D) layers.get(d)).backwardRelu(w.acts[d], w.acts[i + 1], w.grads[i + 1], dx, n, w.caches[d]);
                }
                i--;
            } else {
                layers.get(i).backward(w.acts[i], w.acts[i + 1], w.grads[i + 1], i == 0 ? null : w.grads[i], n, w.caches[i]);
            }
        }
    }

    Workspace workspace(int batch, int targetDim, boolean training) {
        return new Workspace(layers, depth, batch, Tensor.size(inputShape), targetDim, training);
    }

    /** An evaluation workspace: the kept one when it fits, else a new one. Give it back with {@link #keepEval}. */
    private Workspace evalWorkspace(int batch, int targetDim) {
        Workspace w = spareEval.getAndSet(null);
        return w != null && w.batch == batch && w.targetDim == targetDim ? w : workspace(batch, targetDim, false);
    }

    private void keepEval(Workspace w) {
        if (w.floats <= SPARE_EVAL_FLOATS) {
            spareEval.set(w);
        }
    }

    /** Target values per example the data set gives this model: 0 for class ids. */
    int targetDim(Dataset data) {
        return data.task() == Task.CLASSIFICATION ? 0 : data.targetDim();
    }

    /** Checks that {@code data} fits this model's input and loss; {@code role} names it in errors. */
    void checkData(Dataset data, String role) {
        if (data.featureCount() != Tensor.size(inputShape)) {
            throw new IllegalArgumentException(role + " set '" + data.name() + "' has " + data.featureCount() + " features (shape "
                    + Arrays.toString(data.featureShape()) + ") but the model's input is " + Arrays.toString(inputShape));
        }
        int k = outputSize();
        if (loss instanceof SoftmaxCrossEntropy) {
            requireTask(data, role, Task.CLASSIFICATION);
            if (data.classCount() != k) {
                throw new IllegalArgumentException(role + " set '" + data.name() + "' has " + data.classCount()
                        + " classes but the network has " + k + " outputs");
            }
        } else if (loss instanceof BinaryCrossEntropy) {
            if (data.task() == Task.CLASSIFICATION && (data.classCount() != 2 || k != 1)) {
                throw new IllegalArgumentException("binary cross-entropy on class ids needs a two-class set and one output; " + role
                        + " set '" + data.name() + "' has " + data.classCount() + " classes, the network " + k + " outputs");
            }
            if (data.task() == Task.REGRESSION && data.targetDim() != k) {
                throw new IllegalArgumentException(role + " set '" + data.name() + "' has " + data.targetDim()
                        + " targets per example but the network has " + k + " outputs");
            }
        } else {
            requireTask(data, role, Task.REGRESSION);
            if (data.targetDim() != k) {
                throw new IllegalArgumentException(role + " set '" + data.name() + "' has " + data.targetDim()
                        + " targets per example but the network has " + k + " outputs");
            }
        }
    }

    private void requireTask(Dataset data, String role, Task task) {
        if (data.task() != task) {
            throw new IllegalArgumentException("loss " + loss + " needs a " + task.name().toLowerCase() + " set; " + role
                    + " set '" + data.name() + "' is a " + data.task().name().toLowerCase() + " set"
                    + (task == Task.CLASSIFICATION ? FOR_REGRESSION : ""));
        }
    }

    /**
     * The network's raw outputs (logits for classification) for every row of {@code data},
     * preprocessing applied, in evaluation mode, with fresh buffers (thread-safe). {@code role}
     * names the set in errors ("prediction", "evaluation").
     */
    private float[] rawOutputs(Dataset data, String role) {
        return rawOutputs(data, role, null);
    }

    /** {@link #rawOutputs(Dataset, String)}, keeping each row's last raw input in {@code last} (n values) when it is not null. */
    private float[] rawOutputs(Dataset data, String role, float[] last) {
        if (data.featureCount() != Tensor.size(inputShape)) {
            throw new IllegalArgumentException(role + " set '" + data.name() + "' has " + data.featureCount() + " features (shape "
                    + Arrays.toString(data.featureShape()) + ") but the model's input is " + Arrays.toString(inputShape));
        }
        int f = data.featureCount();
        int n = data.size();
        int k = outputSize();
        float[] out = new float[n * k];
        int chunk = Math.max(1, Math.min(n, 256));
        Workspace w = evalWorkspace(chunk, targetDim(data));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            data.gather(order, from, count, w.acts[0], w.labels, w.values);
            requireFinite(w.acts[0], count, f, from, role + " set '" + data.name() + "'", data.featureNames());
            for (int r = 0; last != null && r < count; r++) {
                last[from + r] = w.acts[0][r * f + f - 1];
            }
            transform.transform(w.acts[0], 0, count);
            forward(w, count, Pass.eval());
            System.arraycopy(w.output(), 0, out, from * k, count * k);
        }
        keepEval(w);
        return out;
    }

    /**
     * The outputs of every row of {@code rows × featureCount} raw features (preprocessing applied
     * here), after the loss's link: class probabilities for softmax, per-output probabilities
     * for binary cross-entropy, values for regression. {@code rows × outputSize} floats. A NaN or
     * infinite feature is an IllegalArgumentException naming its row.
     */
    public float[] outputs(float[] features, int rows) {
        int f = Tensor.size(inputShape);
        if (rows < 1 || features.length != (long) rows * f) {
            throw new IllegalArgumentException(rows + " rows of " + f + " features need " + (long) rows * f
                    + " values, got " + features.length);
        }
        int k = outputSize();
        float[] out = new float[rows * k];
        int chunk = Math.min(rows, 256);
        Workspace w = evalWorkspace(chunk, 1);
        for (int from = 0; from < rows; from += chunk) {
            int count = Math.min(chunk, rows - from);
            System.arraycopy(features, from * f, w.acts[0], 0, count * f);
            requireFinite(w.acts[0], count, f, from, "features", List.of());
            transform.transform(w.acts[0], 0, count);
            forward(w, count, Pass.eval());
            System.arraycopy(w.output(), 0, out, from * k, count * k);
        }
        keepEval(w);
        loss.link(out, rows, k);
        unscale(out, lastInputs(features, rows), rows);
        return out;
    }

    /** The last raw input of each of {@code rows} rows of {@code x} with a change target; null without one. */
    private float[] lastInputs(float[] x, int rows) {
        if (!changeFromLastInput) {
            return null;
        }
        int f = Tensor.size(inputShape);
        float[] last = new float[rows];
        for (int r = 0; r < rows; r++) {
            last[r] = x[r * f + f - 1];
        }
        return last;
    }

    /**
     * Checks {@code rows} rows of {@code f} raw features at {@code x[0]} (rows {@code firstRow}…
     * of the caller's set): a NaN or infinite input would come out as a NaN prediction or metric
     * with no word of why. Scans the chunk just copied for the forward pass, so it costs no extra
     * pass over the data; the message is fit's ({@link Trainer}).
     */
    static void requireFinite(float[] x, int rows, int f, int firstRow, String set, List<String> featureNames) {
        for (int i = 0, end = rows * f; i < end; i++) {
            if (!Float.isFinite(x[i])) {
                int j = i % f;
                String name = featureNames.isEmpty() ? "" : " ('" + featureNames.get(j) + "')";
                throw new IllegalArgumentException(set + ": row " + (firstRow + i / f) + ", feature " + j + name + " is " + x[i]
                        + "; inputs must be finite (fill or drop missing values first)");
            }
        }
    }

    /**
     * The predictions for every row: values (regression) or probabilities (classification), one
     * row per example. A NaN or infinite feature is an IllegalArgumentException naming its row.
     */
    public float[][] predictValues(Dataset data) {
        int k = outputSize();
        float[] last = changeFromLastInput ? new float[data.size()] : null;
        float[] out = rawOutputs(data, "prediction", last);
        loss.link(out, data.size(), k);
        unscale(out, last, data.size());
        return rows(out, data.size(), k);
    }

    /**
     * Class probabilities, one row of classCount per example. A single-output binary model gives
     * [1 − p, p]. Needs a classification loss.
     */
    public float[][] predictProba(Dataset data) {
        if (!loss.classification()) {
            throw new IllegalStateException("predictProba needs a classification model; this one is trained with " + loss
                    + ": use predictValues");
        }
        int k = outputSize();
        int n = data.size();
        float[] out = rawOutputs(data, "prediction");
        loss.link(out, n, k);
        if (loss instanceof BinaryCrossEntropy && k == 1) {
            float[][] p = new float[n][];
            for (int i = 0; i < n; i++) {
                p[i] = new float[] {1f - out[i], out[i]};
            }
            return p;
        }
        return rows(out, n, k);
    }

    /** The predicted class of every row (the most probable one). Needs a single-label classification model. */
    public int[] predict(Dataset data) {
        if (!loss.classification() || (loss instanceof BinaryCrossEntropy && outputSize() != 1)) {
            throw new IllegalStateException("predict gives one class per example and needs a softmax or single-output binary model; this one is "
                    + loss + " with " + outputSize() + " outputs: use predictValues");
        }
        return argmax(rawOutputs(data, "prediction"), data.size(), outputSize());
    }

    private static int[] argmax(float[] out, int n, int k) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            if (k == 1) {
                c[i] = out[i] > 0f ? 1 : 0;
                continue;
            }
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (out[i * k + j] > out[i * k + best]) {
                    best = j;
                }
            }
            c[i] = best;
        }
        return c;
    }

    private static float[][] rows(float[] flat, int n, int k) {
        float[][] r = new float[n][];
        for (int i = 0; i < n; i++) {
            r[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        }
        return r;
    }

    /**
     * The loss (without regularisation) and the metrics of {@link Evaluation} on {@code data}.
     * With {@link #targetScaling() target scaling}, the loss is the training loss's (on scaled
     * targets) and the metrics are in the data's units. Thread-safe. An empty set, or a NaN or
     * infinite feature or regression target, is an IllegalArgumentException naming the set.
     */
    public Evaluation evaluate(Dataset data) {
        checkData(data, "evaluation");
        int n = data.size();
        if (n == 0) {
            throw new IllegalArgumentException("evaluation set '" + data.name() + "' has no rows");
        }
        int k = outputSize();
        float[] last = changeFromLastInput && data.task() == Task.REGRESSION ? new float[n] : null;
        float[] raw = rawOutputs(data, "evaluation", last);
        Map<String, Double> m = new LinkedHashMap<>();
        double lossValue;
        if (data.task() == Task.CLASSIFICATION) {
            int[] truth = data.labels();
            lossValue = loss.compute(raw, n, k, org.nntune.nn.loss.Targets.labels(truth), null);
            int[] pred = argmax(raw, n, k);
            int classes = data.classCount();
            m.put("accuracy", Metrics.accuracy(truth, pred));
            m.put("balanced_accuracy", Metrics.balancedAccuracy(truth, pred, classes));
            m.put("f1_macro", Metrics.macroF1(truth, pred, classes));
            if (loss instanceof SoftmaxCrossEntropy) {
                float[] proba = raw.clone();
                loss.link(proba, n, k);
                m.put("log_loss", Metrics.logLoss(truth, rows(proba, n, k)));
            }
        } else {
            float[] truth = data.targets();
            for (int i = 0; i < truth.length; i++) {
                if (!Float.isFinite(truth[i])) {
                    throw new IllegalArgumentException("evaluation set '" + data.name() + "': row " + i / k + ", target " + i % k
                            + " is " + truth[i] + "; targets must be finite (fill or drop the rows with missing targets first)");
                }
            }
            float[] scaled = truth;
            if (targetScaler != null || changeFromLastInput) {
                scaled = truth.clone();
                if (changeFromLastInput) {
                    for (int i = 0; i < scaled.length; i++) {
                        scaled[i] -= last[i / k];
                    }
                }
                if (targetScaler != null) {
                    targetScaler.transform(scaled, 0, n);
                }
            }
            lossValue = loss.compute(raw, n, k, org.nntune.nn.loss.Targets.values(scaled), null);
            loss.link(raw, n, k);
            unscale(raw, last, n);
            m.put("mse", Metrics.mse(truth, raw));
            m.put("mae", Metrics.mae(truth, raw));
            m.put("rmse", Math.sqrt(m.get("mse")));
            m.put("r2", Metrics.r2(truth, raw, k)); // per output, then averaged: scikit-learn's r2_score
        }
        return new Evaluation(lossValue, m);
    }

    // ---------------------------------------------------------------- training and files

    /**
     * Trains the network on {@code train} (continuing from its current weights) and returns the
     * history. Throws {@link DivergenceException} when the loss becomes NaN or infinite, and
     * IllegalArgumentException before training when a set given to fit has no rows or a feature
     * or regression target that is NaN or infinite.
     */
    public History fit(Dataset train, FitOptions options) {
        return new Trainer(this, train, options).run();
    }

    /** Writes the model to {@code file} in the format of {@link ModelFile}. */
    public void save(Path file) throws IOException {
        ModelFile.write(this, file);
    }

    /** Reads a model written by {@link #save}; a corrupt, truncated or newer file is a {@link ModelFileException}. */
    public static Sequential load(Path file) throws IOException {
        return ModelFile.read(file);
    }

    // ---------------------------------------------------------------- builder

    /**
     * Assembles a {@link Sequential}: {@code input(...)} first, then the layers in order. Each
     * setter checks its values at once; {@link #build()} may be called again for another network
     * with fresh layers.
     */
    public static final class Builder {
        private int[] input;
        private final List<java.util.function.Supplier<Layer>> layers = new ArrayList<>();
        private Loss loss = Loss.softmaxCrossEntropy();
        private FittedTransform transform;
        private StandardScaler targetScaler;
        private boolean changeFromLastInput;
        private long seed;

        private Builder() {}

        /** The shape of one example: {@code input(784)} or {@code input(1, 28, 28)} (channels, height, width). */
        public Builder input(int... shape) {
            if (shape.length == 0) {
                throw new IllegalArgumentException("input needs at least one dimension");
            }
            for (int d : shape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("input shape " + Arrays.toString(shape) + " has a non-positive dimension");
                }
            }
            this.input = shape.clone();
            return this;
        }

        /** A linear dense layer (Glorot-uniform weights). */
        public Builder dense(int units) {
            return dense(units, Activation.LINEAR);
        }

        /** A dense layer followed by {@code activation}, weights initialised to suit it. */
        public Builder dense(int units, Activation activation) {
            return dense(units, activation, Initializer.defaultFor(activation));
        }

        /**
         * A dense layer of {@code units} (≥ 1) outputs with weights drawn by {@code init} (biases
         * start at 0), followed by {@code activation} (nothing for LINEAR).
         */
        public Builder dense(int units, Activation activation, Initializer init) {
            new Dense(units, init); // checks the arguments now
            layers.add(() -> new Dense(units, init));
            return activation(activation);
        }

        /** A square convolution, stride 1, no padding, followed by {@code activation}. */
        public Builder conv2d(int filters, int kernel, Activation activation) {
            return conv2d(filters, kernel, 1, 0, activation);
        }

        /** A square convolution with the given stride and zero padding, followed by {@code activation}. */
        public Builder conv2d(int filters, int kernel, int stride, int padding, Activation activation) {
            new Conv2D(filters, kernel, kernel, stride, stride, padding, padding, Initializer.ZEROS); // checks the arguments now
            layers.add(() -> new Conv2D(filters, kernel, kernel, stride, stride, padding, padding, Initializer.defaultFor(activation)));
            return activation(activation);
        }

        /** Max pooling with a square window and stride equal to it. */
        public Builder maxPool2d(int size) {
            return maxPool2d(size, size);
        }

        /** Max pooling over square {@code size × size} windows (≥ 1) moved by {@code stride} (≥ 1) pixels, no padding. */
        public Builder maxPool2d(int size, int stride) {
            new MaxPool2D(size, size, stride, stride); // checks the arguments now
            layers.add(() -> new MaxPool2D(size, size, stride, stride));
            return this;
        }

        /** Average pooling with a square window and stride equal to it. */
        public Builder avgPool2d(int size) {
            return avgPool2d(size, size);
        }

        /** Average pooling over square {@code size × size} windows (≥ 1) moved by {@code stride} (≥ 1) pixels, no padding. */
        public Builder avgPool2d(int size, int stride) {
            new AvgPool2D(size, size, stride, stride); // checks the arguments now
            layers.add(() -> new AvgPool2D(size, size, stride, stride));
            return this;
        }

        /**
         * A token embedding ({@link Embedding}): the input is {@code input(time)}, token ids
         * right-padded with {@code paddingId}; the output {@code [time, dim]}.
         */
        public Builder embedding(int vocabulary, int dim, int paddingId) {
            new Embedding(vocabulary, dim, paddingId); // checks the arguments now
            layers.add(() -> new Embedding(vocabulary, dim, paddingId));
            return this;
        }

        /** An {@link LSTM} of {@code layers} stacked layers of {@code hidden} units over a sequence input. */
        public Builder lstm(int hidden, int layers, boolean bidirectional, double dropout, Recurrent.Readout readout) {
            new LSTM(hidden, layers, bidirectional, dropout, readout); // checks the arguments now
            this.layers.add(() -> new LSTM(hidden, layers, bidirectional, dropout, readout));
            return this;
        }

        /** A {@link GRU} of {@code layers} stacked layers of {@code hidden} units over a sequence input. */
        public Builder gru(int hidden, int layers, boolean bidirectional, double dropout, Recurrent.Readout readout) {
            new GRU(hidden, layers, bidirectional, dropout, readout); // checks the arguments now
            this.layers.add(() -> new GRU(hidden, layers, bidirectional, dropout, readout));
            return this;
        }

        /** A {@link Conv1D} over time with ReLU and global max pooling: the text CNN block. */
        public Builder conv1d(int filters, int kernel) {
            new Conv1D(filters, kernel); // checks the arguments now
            layers.add(() -> new Conv1D(filters, kernel));
            return this;
        }

        /** Flattens each example to one row (e.g. {@code [channels, height, width]} after convolutions) for the dense layers. */
        public Builder flatten() {
            layers.add(Flatten::new);
            return this;
        }

        /**
         * Dropout: in training, zeroes each input with probability {@code rate} (in [0, 1)) and
         * scales the rest by 1/(1 − rate); does nothing when predicting.
         */
        public Builder dropout(double rate) {
            float r = (float) rate;
            new Dropout(r); // checks the arguments now
            layers.add(() -> new Dropout(r));
            return this;
        }

        /** Batch normalisation with PyTorch's defaults. */
        public Builder batchNorm() {
            layers.add(BatchNorm::new);
            return this;
        }

        /** An activation layer (nothing for LINEAR). */
        public Builder activation(Activation activation) {
            if (activation != Activation.LINEAR) {
                layers.add(() -> new ActivationLayer(activation));
            }
            return this;
        }

        /**
         * Any layer, e.g. an {@link ActivationLayer} with a custom parameter. The instance itself
         * joins the network, so a builder with such a layer builds one network only.
         */
        public Builder layer(Layer layer) {
            java.util.Objects.requireNonNull(layer, "layer");
            layers.add(() -> layer);
            return this;
        }

        /** The training loss; softmax cross-entropy by default: for a regression (a forecaster), give {@code Loss.mse()}. */
        public Builder loss(Loss loss) {
            this.loss = java.util.Objects.requireNonNull(loss, "loss");
            return this;
        }

        /** The fitted preprocessing applied to every input; identity by default. */
        public Builder preprocessing(FittedTransform transform) {
            this.transform = java.util.Objects.requireNonNull(transform, "preprocessing");
            return this;
        }

        /**
         * Standard scaling of the regression targets, fitted on the training rows
         * ({@link StandardScaler#fitTargets}): the network learns scaled targets and answers in
         * the data's units (saved in the model file). None by default.
         */
        public Builder targetScaling(StandardScaler scaler) {
            this.targetScaler = java.util.Objects.requireNonNull(scaler, "target scaling");
            return this;
        }

        /**
         * The network learns each regression target's change from the example's last raw input
         * value, and adds that value back to its predictions, metrics and {@link #outputs} (saved in
         * the model file; the ONNX export adds it in the graph). For forecasting over
         * {@code SeriesWindows} windows, whose last input is the series' last value: a trend or a
         * random walk is then learnable. With {@link #targetScaling}, fit the scaler on those
         * changes ({@link StandardScaler#fitTargetChanges}). Off by default.
         */
        public Builder changeFromLastInput() {
            this.changeFromLastInput = true;
            return this;
        }

        /** The seed of the initial weights (0 by default). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Builds the layers for the input shape and initialises the weights from the seed. */
        public Sequential build() {
            if (input == null) {
                throw new IllegalStateException("call input(...) before build(): the network needs its input shape");
            }
            FittedTransform t = transform != null ? transform : FittedTransform.identity(Tensor.size(input));
            List<Layer> fresh = new ArrayList<>();
            for (var factory : layers) {
                fresh.add(factory.get());
            }
            Sequential s = new Sequential(input, fresh, loss, t, Optional.ofNullable(targetScaler), changeFromLastInput, seed);
            Rng rng = new Rng(seed);
            for (Layer l : s.layers) {
                l.initialize(rng);
            }
            return s;
        }
    }
}
