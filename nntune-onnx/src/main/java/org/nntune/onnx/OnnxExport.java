package org.nntune.onnx;

import org.nntune.nn.data.CsvEncoder;
import org.nntune.nn.data.CsvReader;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.MinMaxScaler;
import org.nntune.nn.data.Pipeline;
import org.nntune.nn.data.PixelScaler;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.data.TokenLimit;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.ActivationLayer;
import org.nntune.nn.layer.AvgPool2D;
import org.nntune.nn.layer.BatchNorm;
import org.nntune.nn.layer.Conv1D;
import org.nntune.nn.layer.Conv2D;
import org.nntune.nn.layer.Dense;
import org.nntune.nn.layer.Dropout;
import org.nntune.nn.layer.Embedding;
import org.nntune.nn.layer.Flatten;
import org.nntune.nn.layer.Layer;
import org.nntune.nn.layer.MaxPool2D;
import org.nntune.nn.layer.Pool2D;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.loss.BinaryCrossEntropy;
import org.nntune.nn.loss.SoftmaxCrossEntropy;
import org.nntune.nn.model.AtomicFile;
import org.nntune.nn.model.Provenance;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.Version;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Exports a trained {@link Sequential} to an ONNX model (IR version {@value #IR_VERSION}, operator
 * set {@value #OPSET}: ONNX Runtime 1.8 and later, and every framework that reads ONNX 1.8+).
 *
 * <p>The graph has one input, {@code input}: float [batch, features], the raw features exactly
 * as {@link Sequential#outputs} takes them (images flattened row-major, channels × height ×
 * width; sequences time step after time step) — or, for a network whose first layer is an
 * embedding, int64 [batch, time], the token ids — and one output, {@code output}: float [batch, outputs], what {@link Sequential#outputs}
 * returns — class probabilities for softmax cross-entropy, per-output probabilities for binary
 * cross-entropy, values for regression. In between:
 * <ul>
 *   <li>exported with the CSV encoder of a model trained from CSV
 *       ({@link #toBytes(Sequential, CsvEncoder, Map)}): the encoder's fill of missing numeric
 *       values (mean, most frequent) as IsNaN and Where, before the preprocessing as the encoder
 *       fills before the model;</li>
 *   <li>the fitted preprocessing as graph nodes: standard and min-max scaling as Sub and Div by
 *       the fitted constants, pixel scaling as Div, pipelines step by step;</li>
 *   <li>dense as Gemm, conv2d as Conv, max/average pooling as MaxPool/AveragePool, flatten as
 *       Flatten, batch normalisation in its inference form (running statistics) as
 *       BatchNormalization, the activations as Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softmax, and
 *       GELU as x·½·(1 + erf(x/√2)) with Erf (GELU is no operator of opset 13); dropout is the
 *       identity at inference and is left out;</li>
 *   <li>the sequence layers (see {@link SequenceExport}): embedding as Gather, LSTM and GRU as
 *       ONNX's LSTM and GRU with each row's length as {@code sequence_lens} (stacked,
 *       bidirectional; readouts last, mean, max and the whole sequence as nodes after them),
 *       conv1d as Conv and a ReduceMax over each row's valid positions;</li>
 *   <li>the loss's link (softmax, sigmoid) at the end, as nntune's predictions apply it; for
 *       regression the target scaling undone (Mul, Add) and, for a network that learnt each
 *       target's change from the last input ({@link Sequential#changeFromLastInput}), the raw
 *       input's last value added (Slice, Add).</li>
 * </ul>
 * What the graph does not hold is written to the model's {@code metadata_props} (key
 * {@code nntune.not_in_graph}) and listed in the README: the loss, optimiser and training
 * statistics, and anything applied outside the model (the CSV encoder saved beside a model
 * trained from CSV: category columns and the category a missing or unseen one becomes, class names; the text encoder of a text model: its
 * tokenizer and vocabulary, which {@link #textMetadata} writes out so that a user can make the
 * token ids). A layer or preprocessing step this exporter does not express — a user's own
 * {@link Layer} or {@link FittedTransform}, preprocessing before an embedding other than a search's
 * token limit (which the graph applies to the ids) — is an
 * {@link OnnxExportException} naming it, raised before any file is opened.
 */
public final class OnnxExport {
    /** The ONNX IR version written (ONNX 1.7/1.8's). */
    public static final int IR_VERSION = 7;
    /** The ONNX operator set the graph uses. */
    public static final int OPSET = 13;

    private static final int FLOAT = 1;
    private static final int INT32 = 6;
    static final int INT64 = 7;

    private OnnxExport() {}

    /** The ONNX model of {@code model}, as bytes. */
    public static byte[] toBytes(Sequential model) {
        return toBytes(model, Map.of());
    }

    /**
     * The ONNX model of {@code model}, with {@code extraMetadata} added to its metadata_props
     * (e.g. class names known from a CSV encoder).
     */
    public static byte[] toBytes(Sequential model, Map<String, String> extraMetadata) {
        return toBytes(model, (float[]) null, extraMetadata);
    }

    /**
     * The ONNX model of {@code model} trained on CSV rows that {@code encoder} encoded: the
     * encoder's numeric fill values are inside the graph, before the preprocessing as
     * {@link CsvEncoder} applies them before the model ({@code Where(IsNaN(input), fill, input)}:
     * a NaN in a numeric feature whose column is filled becomes its training mean or most frequent
     * value); what cannot be a graph step — a missing or unseen category's fill category, which
     * sets one one-hot feature — goes into the metadata with the feature and class names
     * ({@link #csvMetadata}), followed by {@code extraMetadata}.
     */
    public static byte[] toBytes(Sequential model, CsvEncoder encoder, Map<String, String> extraMetadata) {
        int features = size(model.inputShape());
        if (encoder.featureCount() != features || model.layers().get(0) instanceof Embedding) {
            throw new OnnxExportException("the CSV encoder makes " + encoder.featureCount() + " features " + encoder.featureNames()
                    + ", but the model takes " + (model.layers().get(0) instanceof Embedding ? "token ids" : features + " features")
                    + ": it is not the encoder the model was trained with");
        }
        Map<String, String> meta = new LinkedHashMap<>(csvMetadata(encoder));
        meta.putAll(extraMetadata);
        return toBytes(model, encoder.missingFill(), meta);
    }

    /** missingFill: per input feature, the value inside the graph for a NaN (NaN: none); null when no CSV encoder. */
    private static byte[] toBytes(Sequential model, float[] missingFill, Map<String, String> extraMetadata) {
        Graph g = new Graph();
        int features = size(model.inputShape());
        String x = "input";
        List<Layer> layers = model.layers();
        boolean tokens = layers.get(0) instanceof Embedding;
        int[] shape = model.inputShape();
        SequenceExport sequences;
        boolean filling = missingFill != null && hasValue(missingFill);
        String raw = null; // the raw features (after a CSV fill, before the preprocessing): a change target adds the last one back
        if (tokens) {
            x = tokenPreprocessing(g, model.preprocessing(), x);
            sequences = SequenceExport.ofTokenIds(g, x, shape[0], ((Embedding) layers.get(0)).paddingId());
        } else {
            if (filling) {
                // the CSV encoder fills before the model's preprocessing; a feature without a fill value keeps its NaN
                String missing = g.node("IsNaN", List.of(x));
                x = g.node("Where", List.of(missing, g.floats("missing_fill", new long[] {features}, missingFill), x));
            }
            raw = x;
            x = preprocessing(g, model.preprocessing(), x, "preprocessing");
            sequences = SequenceExport.ofFullRows(g, shape[0]);
        }
        if (shape.length > 1) {
            x = g.reshape(x, shape);
        }
        int depth = layers.size();
        if (model.loss() instanceof SoftmaxCrossEntropy && layers.get(depth - 1) instanceof ActivationLayer a
                && a.activation() == Activation.SOFTMAX) {
            depth--; // nntune's predictions apply the softmax as the loss's link (below), not as a layer
        }
        List<String> removed = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            Layer l = layers.get(i);
            String where = "layer " + (i + 1) + " (" + l.kind() + ")";
            if (l instanceof Dropout) {
                removed.add(where + ": dropout is the identity at inference");
                continue;
            }
            if (l instanceof Embedding && i > 0) {
                throw new OnnxExportException(where + ": an embedding is exported as the network's first layer only (its "
                        + "input is the graph's token ids)");
            }
            x = layer(g, sequences, l, x, shape, where);
            shape = l.outputShape();
        }
        if (shape.length > 1) {
            x = g.node("Flatten", List.of(x), Attr.i("axis", 1));
        }
        int outputs = size(shape);
        String link;
        if (model.loss() instanceof SoftmaxCrossEntropy) {
            link = "class probabilities (softmax of the network's logits)";
            g.node("Softmax", List.of(x), "output", Attr.i("axis", 1));
        } else if (model.loss() instanceof BinaryCrossEntropy) {
            link = "probabilities (sigmoid of each of the network's logits)";
            g.node("Sigmoid", List.of(x), "output");
        } else {
            link = "predicted values";
            if (model.targetScaling().isPresent()) {
                // the network learnt standard-scaled targets: answer in the data's units, as predictValues does
                StandardScaler t = model.targetScaling().get();
                long[] dims = {t.featureCount()};
                x = g.node("Mul", List.of(x, g.floats("target_std", dims, t.scale())));
                link = "predicted values (the network's scaled outputs times the training targets' std plus their mean)";
                x = g.node("Add", List.of(x, g.floats("target_mean", dims, t.mean())));
            }
            if (model.changeFromLastInput()) {
                // the network learnt each target's change from the last raw input: add that input back, as predictValues does
                // (raw is set: a network of token ids has no change target, Sequential refuses one)
                String last = g.node("Slice", List.of(raw, g.longs("last_input_start", new long[] {1}, features - 1),
                        g.longs("last_input_end", new long[] {1}, features), g.longs("last_input_axis", new long[] {1}, 1)));
                link += " plus the last raw input value (the network learnt each target's change from it)";
                x = g.node("Add", List.of(x, last));
            }
            g.node("Identity", List.of(x), "output");
        }

        Map<String, String> meta = new LinkedHashMap<>();
        if (tokens) {
            Embedding e = (Embedding) layers.get(0);
            meta.put("nntune.input", "input: int64 [batch, " + features + "], token ids in [0, " + e.vocabulary()
                    + "), right-padded with the padding id " + e.paddingId() + "; a row's length is the position after its"
                    + " last non-padding id (made inside the graph, as nntune does); the text's tokenizer and vocabulary are"
                    + " not in the graph (see nntune.text.* when exported with its text encoder)");
        } else {
            meta.put("nntune.input", "input: float [batch, " + features + "], the raw features of nntune's model input "
                    + Arrays.toString(model.inputShape()) + " flattened row-major; "
                    + (filling ? "the missing-value fill of the numeric features (a NaN becomes nntune.fill_values) and " : "")
                    + "the fitted preprocessing ('" + model.preprocessing().kind() + "') "
                    + (filling ? "are" : "is") + " inside the graph");
        }
        meta.put("nntune.output", "output: float [batch, " + outputs + "], " + link);
        meta.put("nntune.loss", model.loss().toString());
        meta.put("nntune.removed_layers", removed.isEmpty() ? "none" : String.join("; ", removed));
        meta.put("nntune.not_in_graph", "the training loss, the optimiser and batch normalisation's training-mode statistics "
                + "(the graph is inference only); anything applied before the model's input, such as the CSV encoder "
                + "'nntune tune' saves beside a model trained from CSV (category columns to one-hot features, a missing or "
                + "unseen category's fill category (nntune.fill_categories), class ids to class names), or the text encoder of a text model (tokenizer and vocabulary: nntune.text.* when exported "
                + "with it): encode rows as 'nntune predict' does before feeding the graph");
        Provenance p = model.provenance();
        meta.put("nntune.data", p.dataName().isEmpty() ? "untrained" : p.dataName() + " " + Arrays.toString(p.dataShape())
                + " sha256:" + p.dataFingerprint());
        meta.put("nntune.seeds", "init " + p.initSeed() + ", fit " + p.fitSeed());
        meta.put("nntune.hyperparameters", p.hyperparameters().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        meta.put("nntune.trained_by", p.nntuneVersion());
        meta.putAll(extraMetadata);

        ProtoWriter graph = new ProtoWriter();
        for (ProtoWriter n : g.nodes) {
            graph.message(1, n);
        }
        graph.string(2, "nntune");
        for (ProtoWriter t : g.initializers) {
            graph.message(5, t);
        }
        graph.message(11, valueInfo("input", tokens ? INT64 : FLOAT, features));
        graph.message(12, valueInfo("output", FLOAT, outputs));

        ProtoWriter m = new ProtoWriter();
        m.varint(1, IR_VERSION);
        m.string(2, "nntune");
        m.string(3, Version.NNTUNE);
        m.string(6, "nntune " + model.layers().size() + "-layer network: " + model.summary().strip());
        m.message(7, graph);
        m.message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        for (Map.Entry<String, String> e : meta.entrySet()) {
            m.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return m.toBytes();
    }

    /**
     * What a text model's graph needs before it and cannot hold (ONNX has no tokenizer), as
     * metadata_props to pass to {@link #toBytes(Sequential, Map)}: the column, the tokenizer, the
     * maximum length, the padding and unknown ids and the vocabulary, enough to turn raw text
     * into the graph's int64 token ids exactly as {@link TextEncoder#encode} does:
     * <ul>
     *   <li>{@code nntune.text.tokenizer}: {@code words} (lower-case the text, then every maximal
     *       run of a-z, 0-9 and {@code '} is a token: Python's
     *       {@code re.findall(r"[a-z0-9']+", text.lower())}) or {@code chars} (every code point), the bare
     *       word; {@code nntune.text.tokenizer_rule} says the rule in words;</li>
     *   <li>{@code nntune.text.max_length}: keep the first N tokens, right-pad to N with the
     *       padding id ({@code nntune.text.padding_id}, 0);</li>
     *   <li>{@code nntune.text.vocabulary}: a JSON array of strings; token {@code vocabulary[i]}
     *       has id {@code i + 2}; any other token has {@code nntune.text.unknown_id} (1), and an
     *       empty text is the one token [1];</li>
     *   <li>{@code nntune.text.column}, and {@code nntune.class_names} (output column j is class j).</li>
     * </ul>
     */
    public static Map<String, String> textMetadata(TextEncoder encoder) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("nntune.text.column", encoder.textColumn());
        boolean words = encoder.options().tokens() == TextEncoder.Tokens.WORDS;
        // the bare name, for a program to compare; the rule, for a person to re-implement
        meta.put("nntune.text.tokenizer", words ? "words" : "chars");
        meta.put("nntune.text.tokenizer_rule", words
                ? "lower-case the text, then every maximal run of a-z, 0-9 and ' is a token "
                        + "(Python: re.findall(r\"[a-z0-9']+\", text.lower()))"
                : "every Unicode code point is a token (Python: list(text))");
        meta.put("nntune.text.max_length", Integer.toString(encoder.maxLength()));
        meta.put("nntune.text.padding_id", Integer.toString(TextEncoder.PADDING));
        meta.put("nntune.text.unknown_id", Integer.toString(TextEncoder.UNKNOWN));
        meta.put("nntune.text.encoding", "the first max_length tokens; token vocabulary[i] has id i + 2, any other token "
                + "unknown_id, an empty text the single id unknown_id; right-pad each row with padding_id to max_length");
        meta.put("nntune.text.vocabulary", jsonArray(encoder.vocabulary()));
        if (!encoder.classNames().isEmpty()) {
            meta.put("nntune.class_names", jsonArray(encoder.classNames()));
        }
        return meta;
    }

    /**
     * {@code names} as a JSON array of strings, the form of the list-valued metadata ({@code nntune.class_names},
     * {@code nntune.feature_names}, {@code nntune.text.vocabulary}): a name may hold a comma ("dear, new"), which a
     * comma-joined list could not tell from two names.
     */
    public static String jsonArray(List<String> names) {
        StringBuilder out = new StringBuilder("[");
        for (String n : names) {
            if (out.length() > 1) {
                out.append(',');
            }
            jsonString(n, out);
        }
        return out.append(']').toString();
    }

    /**
     * What a graph fed by {@code encoder}'s rows needs to be told, as metadata_props:
     * <ul>
     *   <li>{@code nntune.feature_names}: the graph's input features in order, numeric columns by
     *       name, one-hot features as {@code column=category} (this and the other lists: JSON arrays of strings);</li>
     *   <li>{@code nntune.class_names} (a classifier): output column j is class j;</li>
     *   <li>{@code nntune.missing}: the training file's missing-value rule and what of it the
     *       graph does; with a fill rule, {@code nntune.fill_values}: {@code feature=value} for each
     *       numeric feature the graph fills when its input is NaN;</li>
     *   <li>{@code nntune.fill_categories}: {@code column=category}, the one-hot feature to set to 1
     *       (before the graph) for a missing category (fill rules) or an unseen one
     *       (UnseenCategory.MOST_FREQUENT); {@code nntune.unseen_category} says which applies (written only when
     *       a column is categorical).</li>
     * </ul>
     */
    public static Map<String, String> csvMetadata(CsvEncoder encoder) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("nntune.feature_names", jsonArray(encoder.featureNames()));
        if (!encoder.classNames().isEmpty()) {
            meta.put("nntune.class_names", jsonArray(encoder.classNames()));
        }
        CsvReader.MissingPolicy missing = encoder.missingPolicy();
        boolean filled = missing == CsvReader.MissingPolicy.FILL_MEAN || missing == CsvReader.MissingPolicy.FILL_MOST_FREQUENT;
        Map<String, String> categories = encoder.fillCategories();
        // named as the study file's data.missing and data.unknown_category name them
        meta.put("nntune.missing", switch (missing) {
            case ERROR -> "error: a missing value is an error (nothing to fill)";
            case DROP_ROW -> "drop: rows with a missing value were left out of training; a row to predict must have every value";
            default -> (missing == CsvReader.MissingPolicy.FILL_MEAN ? "mean" : "most_frequent")
                    + ": inside the graph a NaN in a numeric feature becomes its value in nntune.fill_values (the training "
                    + (missing == CsvReader.MissingPolicy.FILL_MEAN ? "mean" : "most frequent value")
                    + "), before the preprocessing" + (categories.isEmpty() ? "" : "; a missing category is not a graph step: "
                    + "encode it as its column's category in nntune.fill_categories");
        });
        if (filled) {
            List<String> names = encoder.featureNames();
            float[] fill = encoder.missingFill();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < fill.length; i++) {
                if (!Float.isNaN(fill[i])) {
                    values.add(names.get(i) + "=" + fill[i]);
                }
            }
            meta.put("nntune.fill_values", jsonArray(values));
        }
        if (!categories.isEmpty()) {
            meta.put("nntune.fill_categories", jsonArray(categories.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .toList()));
        }
        if (encoder.hasCategoricalColumns()) { // without a categorical column no category can be unseen
            meta.put("nntune.unseen_category", switch (encoder.unseenCategory()) {
                case ZEROS -> "ignore: a category the training rows did not have is an all-zero one-hot block";
                case ERROR -> "error: a category the training rows did not have is an error";
                case MOST_FREQUENT -> "most_frequent: a category the training rows did not have is encoded as its column's "
                        + "category in nntune.fill_categories";
            });
        }
        return meta;
    }

    private static boolean hasValue(float[] values) {
        for (float v : values) {
            if (!Float.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    private static void jsonString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Writes the ONNX model of {@code model} to {@code file}: the bytes are made first (an
     * unsupported layer fails before any file is touched), written to a temporary file beside
     * {@code file} and moved over it ({@link AtomicFile}, as a model is saved), so {@code file} is
     * either the whole model or unchanged, and gets the user's usual permissions.
     */
    public static void write(Sequential model, Path file) throws IOException {
        write(model, Map.of(), file);
    }

    /** {@link #write(Sequential, Path)} with extra metadata (see {@link #toBytes(Sequential, Map)}). */
    public static void write(Sequential model, Map<String, String> extraMetadata, Path file) throws IOException {
        // as a model is saved: the user's usual permissions (a temporary file's would be owner-only),
        // and a failure that names this file, not the temporary one
        AtomicFile.write(file, toBytes(model, extraMetadata));
    }

    /**
     * {@link #write(Sequential, Path)} for a model trained from CSV, with its encoder's fill values
     * in the graph and its names in the metadata (see {@link #toBytes(Sequential, CsvEncoder, Map)}).
     */
    public static void write(Sequential model, CsvEncoder encoder, Map<String, String> extraMetadata, Path file) throws IOException {
        AtomicFile.write(file, toBytes(model, encoder, extraMetadata));
    }

    /**
     * Reads an nntune model file and writes its ONNX export. A model file that is truncated,
     * corrupt or of a newer format is a {@link org.nntune.nn.model.ModelFileException} and
     * nothing is written. Returns the model read.
     */
    public static Sequential exportFile(Path modelFile, Path onnxFile) throws IOException {
        Sequential model = Sequential.load(modelFile);
        write(model, onnxFile);
        return model;
    }

    // ------------------------------------------------------------------ layers and preprocessing

    private static String layer(Graph g, SequenceExport sequences, Layer l, String x, int[] in, String where) {
        if (l instanceof Dense d) {
            if (in.length > 1) {
                x = g.node("Flatten", List.of(x), Attr.i("axis", 1));
            }
            String w = g.floats("dense_weight", new long[] {size(in), d.units()}, d.params().get(0).value().data());
            String b = g.floats("dense_bias", new long[] {d.units()}, d.params().get(1).value().data());
            return g.node("Gemm", List.of(x, w, b));
        }
        if (l instanceof Conv2D c) {
            String w = g.floats("conv_weight", new long[] {c.filters(), in[0], c.kernelHeight(), c.kernelWidth()},
                    c.params().get(0).value().data());
            String b = g.floats("conv_bias", new long[] {c.filters()}, c.params().get(1).value().data());
            return g.node("Conv", List.of(x, w, b),
                    Attr.ints("kernel_shape", c.kernelHeight(), c.kernelWidth()),
                    Attr.ints("strides", c.strideHeight(), c.strideWidth()),
                    Attr.ints("pads", c.paddingHeight(), c.paddingWidth(), c.paddingHeight(), c.paddingWidth()));
        }
        if (l instanceof MaxPool2D || l instanceof AvgPool2D) {
            Pool2D p = (Pool2D) l;
            return g.node(l instanceof MaxPool2D ? "MaxPool" : "AveragePool", List.of(x),
                    Attr.ints("kernel_shape", p.windowHeight(), p.windowWidth()),
                    Attr.ints("strides", p.strideHeight(), p.strideWidth()));
        }
        if (l instanceof Flatten) {
            return g.node("Flatten", List.of(x), Attr.i("axis", 1));
        }
        if (l instanceof BatchNorm bn) {
            int c = in[0];
            String gamma = g.floats("bn_gamma", new long[] {c}, bn.params().get(0).value().data());
            String beta = g.floats("bn_beta", new long[] {c}, bn.params().get(1).value().data());
            String mean = g.floats("bn_running_mean", new long[] {c}, bn.buffers().get(0).data());
            String var = g.floats("bn_running_var", new long[] {c}, bn.buffers().get(1).data());
            return g.node("BatchNormalization", List.of(x, gamma, beta, mean, var), Attr.f("epsilon", bn.eps()));
        }
        if (l instanceof ActivationLayer a) {
            return activation(g, a, x, in);
        }
        if (l instanceof Embedding e) {
            return sequences.embedding(e, x);
        }
        if (l instanceof Recurrent r) {
            return sequences.recurrent(r, x, in);
        }
        if (l instanceof Conv1D c) {
            return sequences.conv1d(c, x, in);
        }
        throw new OnnxExportException(where + " cannot be exported to ONNX: nntune exports dense, conv2d, maxpool2d, "
                + "avgpool2d, flatten, dropout, batchnorm, activation, embedding, lstm, gru and conv1d layers; this one is "
                + l.getClass().getName());
    }

    private static String activation(Graph g, ActivationLayer a, String x, int[] shape) {
        return switch (a.activation()) {
            case LINEAR -> x;
            case RELU -> g.node("Relu", List.of(x));
            case LEAKY_RELU -> g.node("LeakyRelu", List.of(x), Attr.f("alpha", a.alpha()));
            case ELU -> g.node("Elu", List.of(x), Attr.f("alpha", a.alpha()));
            case SIGMOID -> g.node("Sigmoid", List.of(x));
            case TANH -> g.node("Tanh", List.of(x));
            case GELU -> {
                String scaled = g.node("Div", List.of(x, g.scalar("sqrt2", (float) Math.sqrt(2))));
                String erf = g.node("Erf", List.of(scaled));
                String onePlus = g.node("Add", List.of(erf, g.scalar("one", 1f)));
                String times = g.node("Mul", List.of(x, onePlus));
                yield g.node("Mul", List.of(times, g.scalar("half", 0.5f)));
            }
            case SOFTMAX -> {
                // nntune's softmax runs over all features of an example; ONNX's over one axis
                if (shape.length == 1) {
                    yield g.node("Softmax", List.of(x), Attr.i("axis", 1));
                }
                String flat = g.node("Flatten", List.of(x), Attr.i("axis", 1));
                yield g.reshape(g.node("Softmax", List.of(flat), Attr.i("axis", 1)), shape);
            }
        };
    }

    /** The preprocessing of token ids: a search's token limit (see {@link SequenceExport#tokenLimit}), nothing else. */
    private static String tokenPreprocessing(Graph g, FittedTransform t, String ids) {
        if (t instanceof FittedTransform.Identity) {
            return ids;
        }
        if (t instanceof TokenLimit limit) {
            return SequenceExport.tokenLimit(g, limit, ids);
        }
        if (t instanceof Pipeline p) {
            for (FittedTransform step : p.steps()) {
                ids = tokenPreprocessing(g, step, ids);
            }
            return ids;
        }
        throw new OnnxExportException("preprocessing ('" + t.kind() + "') before an embedding cannot be exported: the graph's"
                + " input is token ids, which only a token limit ('" + TokenLimit.KIND + "') may narrow");
    }

    private static String preprocessing(Graph g, FittedTransform t, String x, String where) {
        if (t instanceof FittedTransform.Identity) {
            return x;
        }
        if (t instanceof StandardScaler s) {
            return g.node("Div", List.of(g.node("Sub", List.of(x, g.floats("standard_mean", new long[] {s.featureCount()}, s.mean()))),
                    g.floats("standard_std", new long[] {s.featureCount()}, s.scale())));
        }
        if (t instanceof MinMaxScaler s) {
            return g.node("Div", List.of(g.node("Sub", List.of(x, g.floats("minmax_min", new long[] {s.featureCount()}, s.min()))),
                    g.floats("minmax_range", new long[] {s.featureCount()}, s.range())));
        }
        if (t instanceof PixelScaler p) {
            return g.node("Div", List.of(x, g.scalar("pixel_max", p.maxValue())));
        }
        if (t instanceof Pipeline p) {
            for (int i = 0; i < p.steps().size(); i++) {
                x = preprocessing(g, p.steps().get(i), x, where + " step " + (i + 1));
            }
            return x;
        }
        throw new OnnxExportException(where + " ('" + t.kind() + "') cannot be expressed in ONNX: nntune exports the "
                + "standard, minmax and pixel scalers and pipelines of them; apply this step before feeding the graph "
                + "or train with one of those");
    }

    /** A ValueInfoProto of a [batch, size] tensor of {@code type}, the first dimension symbolic. */
    private static ProtoWriter valueInfo(String name, int type, int size) {
        ProtoWriter shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, "batch"))
                .message(1, new ProtoWriter().varint(1, size));
        ProtoWriter tensor = new ProtoWriter().varint(1, type).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    /** A node attribute (AttributeProto): name 1, type 20, f 2, i 3, s 4, ints 8. */
    record Attr(ProtoWriter proto) {
        static Attr i(String name, long value) {
            return new Attr(new ProtoWriter().string(1, name).varint(20, 2).varint(3, value));
        }

        static Attr f(String name, float value) {
            return new Attr(new ProtoWriter().string(1, name).varint(20, 1).fixedFloat(2, value));
        }

        static Attr s(String name, String value) {
            return new Attr(new ProtoWriter().string(1, name).varint(20, 3).string(4, value));
        }

        static Attr ints(String name, long... values) {
            ProtoWriter w = new ProtoWriter().string(1, name).varint(20, 7);
            for (long v : values) {
                w.varint(8, v);
            }
            return new Attr(w);
        }
    }

    /** The nodes and constants of the graph being built; every value gets a fresh name. */
    static final class Graph {
        final List<ProtoWriter> nodes = new ArrayList<>();
        final List<ProtoWriter> initializers = new ArrayList<>();
        private int counter;

        String node(String op, List<String> inputs, Attr... attributes) {
            return node(op, inputs, op.toLowerCase() + "_" + (++counter), attributes);
        }

        /** A node (NodeProto: input 1, output 2, name 3, op_type 4, attribute 5) with the given output name. */
        String node(String op, List<String> inputs, String output, Attr... attributes) {
            return nodeWithOutputs(op, inputs, List.of(output), attributes).get(0);
        }

        /** A node with {@code outputs} fresh output names (the first outputs of a multi-output operator). */
        List<String> node(String op, List<String> inputs, int outputs, Attr... attributes) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < outputs; i++) {
                names.add(op.toLowerCase() + "_" + (++counter));
            }
            return nodeWithOutputs(op, inputs, names, attributes);
        }

        private List<String> nodeWithOutputs(String op, List<String> inputs, List<String> outputs, Attr... attributes) {
            ProtoWriter n = new ProtoWriter();
            for (String in : inputs) {
                n.string(1, in);
            }
            for (String out : outputs) {
                n.string(2, out);
            }
            n.string(3, op + "_" + nodes.size()).string(4, op);
            for (Attr a : attributes) {
                n.message(5, a.proto());
            }
            nodes.add(n);
            return outputs;
        }

        /** A float constant (TensorProto: dims 1, data_type 2, name 8, raw_data 9). */
        String floats(String stem, long[] dims, float[] values) {
            return tensor(stem, dims, FLOAT, ProtoWriter.littleEndian(values));
        }

        /** An int64 constant. */
        String longs(String stem, long[] dims, long... values) {
            return tensor(stem, dims, INT64, ProtoWriter.littleEndian(values));
        }

        /** An int32 constant. */
        String ints(String stem, long[] dims, int... values) {
            return tensor(stem, dims, INT32, ProtoWriter.littleEndian(values));
        }

        String scalar(String stem, float value) {
            return floats(stem, new long[] {1}, new float[] {value});
        }

        /** Reshape to [batch, shape...]. */
        String reshape(String x, int[] shape) {
            long[] target = new long[shape.length + 1];
            target[0] = -1;
            for (int i = 0; i < shape.length; i++) {
                target[i + 1] = shape[i];
            }
            String t = tensor("shape", new long[] {target.length}, INT64, ProtoWriter.littleEndian(target));
            return node("Reshape", List.of(x, t));
        }

        private String tensor(String stem, long[] dims, int type, byte[] raw) {
            String name = stem + "_" + (++counter);
            ProtoWriter t = new ProtoWriter();
            for (long d : dims) {
                t.varint(1, d);
            }
            t.varint(2, type).string(8, name).bytes(9, raw);
            initializers.add(t);
            return name;
        }
    }
}
