package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns the raw rows of a CSV file into features, as learned from the training rows: the column
 * layout, the categories of each categorical column (one-hot, sorted), the fill value of each
 * column (FILL_* policies) and the class names. It is saved with a model ({@link #write} /
 * {@link #read}) so that the loaded model reads raw prediction files ({@link #readFeatures(Path)})
 * exactly as it read its training file.
 *
 * <p>Rules at encoding time: a missing value becomes the column's fill value (FILL_MEAN: the
 * training mean, or the most frequent category for a categorical column; FILL_MOST_FREQUENT: the
 * most frequent value, ties broken towards the smallest); a category absent from the training rows
 * becomes an all-zero one-hot block (UnseenCategory.ZEROS) or an error naming line and column
 * (UnseenCategory.ERROR); a class label the encoder does not know is an error.
 */
public final class CsvEncoder implements InputEncoder {
    private static final String MAGIC = "nntune-csv-encoder";
    private static final int VERSION = 2;
    /** Version 1 lacks the decimal mark ({@code .}); an encoder with the default mark is still written as version 1. */
    private static final int VERSION_POINT = 1;

    private final CsvTable.Options options;
    private final List<String> names;
    private final int label;
    private final CsvTable.Kind[] kinds;
    private final float[] fill;                  // per column; NaN = no fill value
    private final List<List<String>> categories; // per column, sorted; empty for non-categorical
    private final String[] fillCategory;         // per column; null = none
    private final List<String> classNames;
    private final Map<String, Integer> classIds = new HashMap<>();
    private final int featureCount;
    private final List<String> featureNames;

    private CsvEncoder(CsvTable.Options options, List<String> names, int label, CsvTable.Kind[] kinds, float[] fill,
                       List<List<String>> categories, String[] fillCategory, List<String> classNames) {
        this.options = options;
        this.names = List.copyOf(names);
        this.label = label;
        this.kinds = kinds;
        this.fill = fill;
        this.categories = categories;
        this.fillCategory = fillCategory;
        this.classNames = List.copyOf(classNames);
        for (int i = 0; i < classNames.size(); i++) {
            classIds.put(classNames.get(i), i);
        }
        List<String> fn = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            if (kinds[c] == CsvTable.Kind.NUMERIC) {
                fn.add(names.get(c));
            } else if (kinds[c] == CsvTable.Kind.CATEGORICAL) {
                for (String cat : categories.get(c)) {
                    fn.add(names.get(c) + "=" + cat);
                }
            }
        }
        this.featureNames = List.copyOf(fn);
        this.featureCount = fn.size();
    }

    static CsvEncoder fit(CsvTable t, int[] trainRows) {
        if (trainRows.length == 0) {
            throw new IllegalArgumentException(t.source() + ": cannot fit an encoder on zero training rows");
        }
        int n = t.layout.names().size();
        float[] fill = new float[n];
        Arrays.fill(fill, Float.NaN);
        String[] fillCat = new String[n];
        List<List<String>> cats = new ArrayList<>();
        boolean filling = t.options.missing() == CsvReader.MissingPolicy.FILL_MEAN
                || t.options.missing() == CsvReader.MissingPolicy.FILL_MOST_FREQUENT;
        for (int c = 0; c < n; c++) {
            CsvTable.Kind kind = t.layout.kinds()[c];
            List<String> colCats = List.of();
            if (kind == CsvTable.Kind.NUMERIC) {
                if (filling) {
                    fill[c] = numericFill(t, c, trainRows);
                }
            } else if (kind == CsvTable.Kind.CATEGORICAL) {
                TreeMap<String, Integer> counts = new TreeMap<>();
                for (int r : trainRows) {
                    String v = t.categorical[c][r];
                    if (v != null) counts.merge(v, 1, Integer::sum);
                }
                if (counts.isEmpty()) {
                    throw noValues(t, c, trainRows.length);
                }
                colCats = List.copyOf(counts.keySet());
                if (filling || t.options.unseen() == CsvReader.UnseenCategory.MOST_FREQUENT) {
                    String best = null;
                    int bestCount = 0;
                    for (Map.Entry<String, Integer> e : counts.entrySet()) { // sorted: first maximum is the smallest
                        if (e.getValue() > bestCount) {
                            best = e.getKey();
                            bestCount = e.getValue();
                        }
                    }
                    fillCat[c] = best;
                }
            }
            cats.add(colCats);
        }
        return new CsvEncoder(t.options, t.layout.names(), t.layout.label(), t.layout.kinds().clone(), fill, cats, fillCat,
                t.classNames());
    }

    private static float numericFill(CsvTable t, int c, int[] rows) {
        float[] col = t.numeric[c];
        if (t.options.missing() == CsvReader.MissingPolicy.FILL_MEAN) {
            double sum = 0;
            int count = 0;
            for (int r : rows) {
                if (!Float.isNaN(col[r])) {
                    sum += col[r];
                    count++;
                }
            }
            if (count == 0) throw noValues(t, c, rows.length);
            return (float) (sum / count);
        }
        TreeMap<Float, Integer> counts = new TreeMap<>();
        for (int r : rows) {
            if (!Float.isNaN(col[r])) counts.merge(col[r], 1, Integer::sum);
        }
        if (counts.isEmpty()) throw noValues(t, c, rows.length);
        float best = Float.NaN;
        int bestCount = 0;
        for (Map.Entry<Float, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    private static IllegalArgumentException noValues(CsvTable t, int c, int rows) {
        return new IllegalArgumentException(t.source() + ", column " + (c + 1) + " ('" + t.layout.names().get(c)
                + "'): no value in the " + rows + " training rows, every one is missing; expected at least one value to learn from");
    }

    /** @return whether the label is a class (classification) or a number (regression) */
    public Task task() { return options.task(); }
    /** Number of features a row encodes to. */
    public int featureCount() { return featureCount; }
    /** Feature names: numeric columns by name, one-hot features as {@code column=category}. */
    public List<String> featureNames() { return featureNames; }
    /** Class names, id order (classification); empty for regression. */
    @Override
    public List<String> classNames() { return classNames; }
    /** How a missing value is handled (the training file's setting). */
    public CsvReader.MissingPolicy missingPolicy() { return options.missing(); }
    /** How a category the training rows did not have is encoded. */
    public CsvReader.UnseenCategory unseenCategory() { return options.unseen(); }

    /**
     * Per feature ({@link #featureNames()} order), the value a missing cell of its column is
     * encoded as: the training mean or most frequent value of a numeric column when missing
     * values are filled (FILL_MEAN, FILL_MOST_FREQUENT); NaN for a one-hot feature (a missing
     * category becomes its column's {@link #fillCategories() fill category} instead) and for
     * every feature when missing values are an error or drop the row.
     */
    public float[] missingFill() {
        float[] out = new float[featureCount];
        int o = 0;
        for (int c = 0; c < names.size(); c++) {
            if (kinds[c] == CsvTable.Kind.NUMERIC) {
                out[o++] = fill[c];
            } else if (kinds[c] == CsvTable.Kind.CATEGORICAL) {
                for (int k = 0; k < categories.get(c).size(); k++) {
                    out[o++] = Float.NaN;
                }
            }
        }
        return out;
    }

    /**
     * Column → the training category a categorical column's missing value becomes (when missing
     * values are filled) and an unseen category becomes (UnseenCategory.MOST_FREQUENT): its most
     * frequent training category, ties towards the smallest. Empty when neither applies.
     */
    public Map<String, String> fillCategories() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int c = 0; c < names.size(); c++) {
            if (kinds[c] == CsvTable.Kind.CATEGORICAL && fillCategory[c] != null) {
                out.put(names.get(c), fillCategory[c]);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Whether any input column is categorical (one-hot encoded), so that an unseen category can occur. */
    public boolean hasCategoricalColumns() {
        for (int c = 0; c < names.size(); c++) {
            if (kinds[c] == CsvTable.Kind.CATEGORICAL) {
                return true;
            }
        }
        return false;
    }

    /** The categories of a categorical column, sorted (empty for other columns). */
    public List<String> categories(String column) {
        int c = names.indexOf(column);
        if (c < 0) throw new IllegalArgumentException("unknown column '" + column + "'; columns are " + names);
        return categories.get(c);
    }

    /** Encodes a labelled table (same columns as the training file) into a data set. */
    public Dataset encode(CsvTable t) {
        if (t.layout.label() < 0) {
            throw new IllegalArgumentException(t.source() + " has no label column; use encodeFeatures or readFeatures for prediction files");
        }
        float[] x = encodeFeatures(t);
        int lc = t.layout.label();
        int[] shape = {featureCount};
        if (options.task() == Task.REGRESSION) {
            return Dataset.regression(t.name(), x, shape, t.numeric[lc].clone(), 1, featureNames);
        }
        String[] text = t.categorical[lc];
        int[] ids = new int[t.rowCount()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = classIds.get(text[i]);
            if (id == null) {
                throw new IllegalArgumentException(t.source() + " line " + t.line(i) + ", column " + (lc + 1) + " ('" + names.get(lc)
                        + "'): class '" + text[i] + "' is not one of the training classes " + classNames);
            }
            ids[i] = id;
        }
        return Dataset.classification(t.name(), x, shape, ids, featureNames, classNames);
    }

    /** Encodes the feature columns of {@code t} (rows × featureCount, row-major). */
    public float[] encodeFeatures(CsvTable t) {
        return encodeFeatures(t, new java.util.LinkedHashMap<>());
    }

    /** As {@link #encodeFeatures(CsvTable)}, counting the unseen categories met: column → category → rows. */
    private float[] encodeFeatures(CsvTable t, Map<String, TreeMap<String, Integer>> unseen) {
        int[] col = new int[names.size()];
        for (int c = 0; c < names.size(); c++) {
            col[c] = -1;
            if (kinds[c] == CsvTable.Kind.NUMERIC || kinds[c] == CsvTable.Kind.CATEGORICAL) {
                col[c] = t.layout.names().indexOf(names.get(c));
                if (col[c] < 0 || t.layout.kinds()[col[c]] != kinds[c]) {
                    throw new IllegalArgumentException(t.source() + ": column '" + names.get(c) + "' ("
                            + kinds[c].name().toLowerCase() + ") of the training file is missing; expected the columns " + names);
                }
            }
        }
        int rows = t.rowCount();
        float[] x = new float[rows * featureCount];
        for (int r = 0; r < rows; r++) {
            int o = r * featureCount;
            for (int c = 0; c < names.size(); c++) {
                if (kinds[c] == CsvTable.Kind.NUMERIC) {
                    float v = t.numeric[col[c]][r];
                    x[o++] = Float.isNaN(v) ? fill[c] : v;
                } else if (kinds[c] == CsvTable.Kind.CATEGORICAL) {
                    String v = t.categorical[col[c]][r];
                    if (v == null) v = fillCategory[c];
                    List<String> cats = categories.get(c);
                    int k = Collections.binarySearch(cats, v);
                    if (k < 0) {
                        if (options.unseen() == CsvReader.UnseenCategory.ERROR) {
                            throw new IllegalArgumentException(t.source() + " line " + t.line(r) + ", column " + (col[c] + 1) + " ('"
                                    + names.get(c) + "'): category '" + v + "' was not seen in the training rows; expected one of " + cats);
                        }
                        unseen.computeIfAbsent(names.get(c), n -> new TreeMap<>()).merge(v, 1, Integer::sum);
                        if (options.unseen() == CsvReader.UnseenCategory.MOST_FREQUENT) {
                            k = Collections.binarySearch(cats, fillCategory[c]);
                        }
                    }
                    if (k >= 0) {
                        x[o + k] = 1f;
                    }
                    o += cats.size();
                }
            }
        }
        return x;
    }

    private String describeUnseen(String source, Map<String, TreeMap<String, Integer>> unseen) {
        if (unseen.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        unseen.forEach((column, counts) -> {
            List<String> cs = new ArrayList<>();
            counts.forEach((cat, n) -> cs.add("'" + cat + "' (" + n + (n == 1 ? " row)" : " rows)")));
            parts.add("column '" + column + "': " + String.join(", ", cs.subList(0, Math.min(5, cs.size())))
                    + (cs.size() > 5 ? " and " + (cs.size() - 5) + " more" : ""));
        });
        return source + " has categories the training rows did not have, " + String.join("; ", parts) + "; encoded as "
                + switch (options.unseen()) {
                    case MOST_FREQUENT -> "the column's most frequent training category";
                    default -> "none of the known categories (all-zero)";
                };
    }

    /**
     * Rows to predict, encoded: {@code rows × featureCount} floats and the line each row came from.
     *
     * @param unseenCategories one sentence naming the categories the training rows did not have and how
     *     they were encoded (the encoder's {@link CsvReader.UnseenCategory} rule), empty if there were none
     * @param unreadColumns one sentence naming the columns of the file that the training file did not have
     *     (read past), empty if there were none
     */
    public record FeatureRows(String source, float[] features, int rows, int featureCount, int[] lines,
                              String unseenCategories, String unreadColumns) {
        /** Rows without columns to report: {@code unreadColumns} empty. */
        public FeatureRows(String source, float[] features, int rows, int featureCount, int[] lines, String unseenCategories) {
            this(source, features, rows, featureCount, lines, unseenCategories, "");
        }
    }

    /**
     * Refuses a prediction file's header that lacks a feature column, naming it (and, for a header of
     * one field that another separator would split, saying so), or that names a column twice.
     */
    private void checkPredictionHeader(String source, int line, List<String> got) {
        List<String> lacking = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            if (c != label && kinds[c] != CsvTable.Kind.IGNORED && !got.contains(names.get(c))) {
                lacking.add(names.get(c));
            }
        }
        if (lacking.isEmpty()) {
            CsvReader.checkUniqueNames(source, got);
            return;
        }
        if (got.size() == 1) {
            for (char sep : new char[] {',', ';', '\t', '|'}) {
                if (sep != options.separator() && got.get(0).indexOf(sep) >= 0) {
                    throw new IllegalArgumentException(source + " line " + line + ": the header is one column, '" + got.get(0)
                            + "'; its fields look separated by " + separatorName(sep) + ", but the training file's were separated by "
                            + separatorName(options.separator()) + "; write the file with " + separatorName(options.separator()));
                }
            }
        }
        List<String> features = new ArrayList<>(names);
        features.removeIf(n -> names.indexOf(n) == label || kinds[names.indexOf(n)] == CsvTable.Kind.IGNORED);
        throw new IllegalArgumentException(source + " line " + line + ": missing column" + (lacking.size() == 1 ? " " : "s ")
                + String.join(", ", lacking.stream().map(n -> "'" + n + "'").toList()) + "; the model reads the columns " + features
                + " (by name, in any order; others are read past)");
    }

    /** A separator in words of a message: {@code ';'}, or tabs. */
    static String separatorName(char sep) {
        return sep == '\t' ? "tabs" : "'" + sep + "'";
    }

    /**
     * Reads a prediction file with the training file's settings. With a header, its feature columns
     * are found by name in any order; the label, the ignored columns and columns the training file
     * lacked are read past (the last named in {@link FeatureRows#unreadColumns}); a missing feature
     * column is an error naming it. Without a header, the training file's columns in their order,
     * with or without the label column.
     */
    @Override
    public FeatureRows readFeatures(Path file) {
        return features(file.toString(), SourceBytes.readAll(file));
    }

    /** As {@link #readFeatures(Path)}, from a stream. */
    public FeatureRows readFeatures(String source, InputStream in) {
        return features(source, SourceBytes.readAll(source, in));
    }

    private FeatureRows features(String source, byte[] bytes) {
        CsvParser parser = new CsvParser(source, SourceBytes.decodeText(source, bytes), options.separator(), options.quote());
        List<CsvParser.Field> rec = CsvParser.newRecord();
        if (!CsvReader.nextNonBlank(parser, rec)) {
            throw new IllegalArgumentException("file " + source + " is empty: expected " + (options.header() ? "a header line and " : "")
                    + "at least one row to predict");
        }
        List<String> withoutLabel = new ArrayList<>(names);
        withoutLabel.remove(label);
        List<String> got = new ArrayList<>();
        for (CsvParser.Field f : rec) got.add(f.text());
        CsvTable.Kind[] k;
        List<String> layoutNames;
        String note = "";
        if (options.header()) {
            // the training columns by name, in any order; the label, the ignored columns and any other column are read past
            checkPredictionHeader(source, rec.get(0).line(), got);
            List<String> extra = new ArrayList<>();
            List<CsvTable.Kind> present = new ArrayList<>();
            for (String g : got) {
                int c = names.indexOf(g);
                boolean feature = c >= 0 && c != label && kinds[c] != CsvTable.Kind.IGNORED;
                present.add(feature ? kinds[c] : CsvTable.Kind.IGNORED);
                if (c < 0) {
                    extra.add(g);
                }
            }
            if (!extra.isEmpty()) {
                note = (extra.size() == 1 ? "column " : "columns ") + String.join(", ", extra.stream().map(e -> "'" + e + "'").toList())
                        + " of " + source + " " + (extra.size() == 1 ? "is" : "are") + " not one of the training file's, so "
                        + (extra.size() == 1 ? "it is" : "they are") + " not read";
            }
            k = present.toArray(new CsvTable.Kind[0]);
            layoutNames = got;
        } else if (got.size() == names.size()) {
            k = kinds.clone();
            k[label] = CsvTable.Kind.IGNORED;
            layoutNames = names;
        } else if (got.size() == names.size() - 1) {
            List<CsvTable.Kind> list = new ArrayList<>(Arrays.asList(kinds));
            list.remove(label);
            k = list.toArray(new CsvTable.Kind[0]);
            layoutNames = withoutLabel;
        } else {
            throw new IllegalArgumentException(source + " line " + rec.get(0).line() + ", column " + (Math.min(got.size(), names.size()) + 1)
                    + ": expected " + (names.size() - 1) + " fields (or " + names.size() + " with the label), found " + got.size());
        }
        CsvTable t = new RowReader(options, source, new CsvTable.Layout(layoutNames, -1, k), true)
                .read(parser, rec, !options.header(), source);
        int[] lines = new int[t.rowCount()];
        Arrays.setAll(lines, t::line);
        Map<String, TreeMap<String, Integer>> unseen = new java.util.LinkedHashMap<>();
        float[] x = encodeFeatures(t, unseen);
        return new FeatureRows(source, x, t.rowCount(), featureCount, lines, describeUnseen(source, unseen), note);
    }

    /** Writes this encoder (a self-describing block) for {@link #read}. */
    @Override
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(MAGIC);
        boolean point = options.decimal() == '.';
        out.writeInt(point ? VERSION_POINT : VERSION);
        out.writeBoolean(options.header());
        out.writeChar(options.separator());
        out.writeChar(options.quote());
        out.writeUTF(options.task().name());
        out.writeUTF(options.missing().name());
        writeStrings(out, options.missingTokens());
        out.writeUTF(options.unseen().name());
        if (!point) {
            out.writeChar(options.decimal());
        }
        out.writeInt(names.size());
        for (int c = 0; c < names.size(); c++) {
            out.writeUTF(names.get(c));
            out.writeUTF(kinds[c].name());
            out.writeFloat(fill[c]);
            writeStrings(out, categories.get(c));
            out.writeBoolean(fillCategory[c] != null);
            if (fillCategory[c] != null) out.writeUTF(fillCategory[c]);
        }
        out.writeInt(label);
        writeStrings(out, classNames);
    }

    /** Reads an encoder written by {@link #write}; a foreign or newer block is an IOException saying so. */
    public static CsvEncoder read(DataInputStream in) throws IOException {
        String magic = in.readUTF();
        if (!magic.equals(MAGIC)) {
            throw new IOException("not a CSV encoder block: found '" + magic + "', expected '" + MAGIC + "'");
        }
        int version = in.readInt();
        if (version != VERSION && version != VERSION_POINT) {
            throw new IOException("CSV encoder format version " + version + " is not supported; this nntune reads version " + VERSION);
        }
        try {
            CsvTable.Options options = new CsvTable.Options(in.readBoolean(), in.readChar(), in.readChar(),
                    Task.valueOf(in.readUTF()), CsvReader.MissingPolicy.valueOf(in.readUTF()), readStrings(in),
                    CsvReader.UnseenCategory.valueOf(in.readUTF()), '.');
            if (version == VERSION) {
                char decimal = in.readChar();
                if (decimal != '.' && decimal != ',') {
                    throw new IOException("damaged CSV encoder block: decimal mark '" + decimal + "'");
                }
                options = new CsvTable.Options(options.header(), options.separator(), options.quote(), options.task(),
                        options.missing(), options.missingTokens(), options.unseen(), decimal);
            }
            int n = in.readInt();
            List<String> names = new ArrayList<>();
            CsvTable.Kind[] kinds = new CsvTable.Kind[n];
            float[] fill = new float[n];
            List<List<String>> cats = new ArrayList<>();
            String[] fillCat = new String[n];
            for (int c = 0; c < n; c++) {
                names.add(in.readUTF());
                kinds[c] = CsvTable.Kind.valueOf(in.readUTF());
                fill[c] = in.readFloat();
                cats.add(readStrings(in));
                fillCat[c] = in.readBoolean() ? in.readUTF() : null;
            }
            int label = in.readInt();
            return new CsvEncoder(options, names, label, kinds, fill, cats, fillCat, readStrings(in));
        } catch (IllegalArgumentException e) {
            throw new IOException("damaged CSV encoder block: " + e.getMessage(), e);
        }
    }

    private static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) out.writeUTF(s);
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("damaged CSV encoder block: negative list length " + n);
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(in.readUTF());
        return List.copyOf(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsvEncoder e && options.equals(e.options) && names.equals(e.names) && label == e.label
                && Arrays.equals(kinds, e.kinds) && Arrays.equals(fill, e.fill) && categories.equals(e.categories)
                && Arrays.equals(fillCategory, e.fillCategory) && classNames.equals(e.classNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, label, classNames, categories);
    }
}
