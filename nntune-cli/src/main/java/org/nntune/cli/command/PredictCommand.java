package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.output.CsvCells;
import org.nntune.cli.run.StudyData;
import org.nntune.nn.data.CsvEncoder;
import org.nntune.nn.data.InputEncoder;
import org.nntune.nn.data.SeriesEncoder;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.model.ModelFileException;
import org.nntune.nn.model.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "predict", mixinStandardHelpOptions = true,
        // one element per paragraph: picocli starts each element on a line of its own
        description = {"Predict with a saved model: one output line per input row (CSV: a class name with a comma, quote"
                + " or line break in double quotes; values in full, the shortest decimal that reads back as the same float).",
                "A model saved by 'nntune tune' from CSV data has its CSV encoder beside it (MODEL.csv-encoder): "
                        + "the input then has the training file's columns, found by their header names in any order (the label"
                        + " column may be absent; a column the training file lacked is read past, with a note). "
                        + "Otherwise every input column is a numeric feature; a first line without a number in it is a header, "
                        + "which for a model of a bundled set (iris, digits) must name that set's columns in order.",
                "A forecaster of a series reads the training file's series column and prints one line per window: "
                        + "the file line of the window's last value, then the values forecast after it."})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (best.model).")
    Path modelFile;

    @Parameters(index = "1", paramLabel = "INPUT.csv", description = "Rows to predict.")
    Path input;

    @Option(names = "--proba", description = "Print class probabilities instead of the predicted class (classifiers only).")
    boolean proba;

    @Override
    public Integer call() {
        Sequential model = load(modelFile);
        Optional<InputEncoder> encoder = encoder(modelFile);
        if (encoder.isEmpty() && isTextModel(model)) {
            // without its vocabulary a text model would read the file's cells as token ids: numbers it never saw, or refusals
            throw new CliException(ExitCode.DATA, modelFile + ": this is a text model; its encoder "
                    + org.nntune.cli.run.ModelFiles.encoderFile(modelFile).getFileName() + " is missing (tune and best --model"
                    + " write it beside the model; copy it with the model, and predict reads raw texts)");
        }
        boolean classification = !(model.loss() instanceof org.nntune.nn.loss.RegressionLoss);
        if (proba && !classification) {
            throw new CliException(ExitCode.USAGE, "--proba: " + modelFile + " is a " + (encoder.orElse(null) instanceof SeriesEncoder
                    ? "forecaster of a series" : "regression model") + "; probabilities exist only for classifiers (drop --proba:"
                    + " predict prints the model's values)");
        }
        float[] x;
        int rows;
        int[] lines = null;
        int f = 1;
        for (int d : model.inputShape()) {
            f *= d;
        }
        try {
            if (encoder.isPresent()) {
                if (encoder.get() instanceof TextEncoder text) {
                    TextEncoder.Encoded e = text.readTexts(input);
                    x = e.ids();
                    rows = e.rows();
                    String note = text.truncationNote(e);
                    if (!note.isEmpty()) {
                        spec.commandLine().getErr().println("nntune: note: " + input + ": " + note);
                    }
                } else {
                    CsvEncoder.FeatureRows fr = encoder.get().readFeatures(input);
                    x = fr.features();
                    rows = fr.rows();
                    lines = fr.lines();
                    if (!fr.unreadColumns().isEmpty()) {
                        spec.commandLine().getErr().println("nntune: note: " + fr.unreadColumns());
                    }
                    if (!fr.unseenCategories().isEmpty()) {
                        // once per file, not per row: the model still predicts, the user knows on what
                        spec.commandLine().getErr().println("nntune: warning: " + fr.unseenCategories()
                                + " (the study file's data.unknown_category: ignore, most_frequent or error)");
                    }
                }
            } else {
                List<float[]> parsed = numericRows(input, f, bundledColumns(model, modelFile, f));
                rows = parsed.size();
                x = new float[rows * f];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(parsed.get(i), 0, x, i * f, f);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.DATA, StudyData.inStudyFileWords(e.getMessage()), e);
        }
        if (rows == 0) {
            throw new CliException(ExitCode.DATA, input + ": no rows to predict");
        }
        float[] out = model.outputs(x, rows);
        int k = out.length / rows;
        List<String> classes = encoder.map(InputEncoder::classNames).orElseGet(() -> classNames(modelFile));
        if (classification && classes.isEmpty()) {
            // tune writes one of the two beside every model it saves: a model copied alone predicts ids, and says so
            spec.commandLine().getErr().println("nntune: note: no class names beside " + modelFile + " (neither "
                    + org.nntune.cli.run.ModelFiles.encoderFile(modelFile).getFileName() + " nor "
                    + org.nntune.cli.run.ModelFiles.classNamesFile(modelFile).getFileName() + "), so classes are printed as"
                    + " their ids 0 to " + (k - 1) + "; copy those files with the model to get the names");
        }
        PrintWriter w = spec.commandLine().getOut();
        if (encoder.isPresent() && encoder.get() instanceof SeriesEncoder) {
            printForecasts(w, out, rows, k, lines);
        } else if (proba || !classification) {
            List<String> head = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                head.add(CsvCells.cell(classification ? "p_" + (j < classes.size() ? classes.get(j) : Integer.toString(j))
                        : (k == 1 ? "prediction" : "output_" + j)));
            }
            w.println(String.join(",", head));
            for (int i = 0; i < rows; i++) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < k; j++) {
                    sb.append(j == 0 ? "" : ",").append(CsvCells.number(out[i * k + j]));
                }
                w.println(sb);
            }
        } else {
            w.println("prediction");
            for (int i = 0; i < rows; i++) {
                int arg = 0;
                for (int j = 1; j < k; j++) {
                    if (out[i * k + j] > out[i * k + arg]) {
                        arg = j;
                    }
                }
                w.println(arg < classes.size() ? CsvCells.cell(classes.get(arg)) : Integer.toString(arg));
            }
        }
        w.flush();
        return ExitCode.OK;
    }

    /**
     * A forecaster's output: per window, the file line of its last value, then the {@code k}
     * values forecast after it ({@code forecast}, or {@code forecast_1 .. forecast_k}).
     */
    private static void printForecasts(PrintWriter w, float[] out, int rows, int k, int[] lines) {
        StringBuilder head = new StringBuilder("after_line");
        for (int j = 0; j < k; j++) {
            head.append(k == 1 ? ",forecast" : ",forecast_" + (j + 1));
        }
        w.println(head);
        for (int i = 0; i < rows; i++) {
            StringBuilder sb = new StringBuilder().append(lines[i]);
            for (int j = 0; j < k; j++) {
                sb.append(',').append(CsvCells.number(out[i * k + j]));
            }
            w.println(sb);
        }
    }

    /** A model of token ids: its input is narrowed by a {@link org.nntune.nn.data.TokenLimit} or read by an embedding. */
    static boolean isTextModel(Sequential model) {
        return model.preprocessing() instanceof org.nntune.nn.data.TokenLimit
                || !model.layers().isEmpty() && model.layers().get(0) instanceof org.nntune.nn.layer.Embedding;
    }

    /** Loads a model; a file that is not one is exit code 3 with the reader's reason. */
    static Sequential load(Path file) {
        try {
            return Sequential.load(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.DATA, file + ": no such model file");
        } catch (ModelFileException e) {
            throw new CliException(ExitCode.DATA, file + " is not a readable nntune model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException(ExitCode.DATA, "cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    /** The class names saved beside a model trained on a bundled or image set, or none (then class ids are printed). */
    static List<String> classNames(Path modelFile) {
        Path file = org.nntune.cli.run.ModelFiles.classNamesFile(modelFile);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new CliException(ExitCode.DATA, "cannot read the class names " + file + ": " + e.getMessage(), e);
        }
    }

    static Optional<InputEncoder> encoder(Path modelFile) {
        Path enc = org.nntune.cli.run.ModelFiles.encoderFile(modelFile);
        if (!Files.isRegularFile(enc)) {
            return Optional.empty();
        }
        try (var in = Files.newInputStream(enc)) {
            return Optional.of(InputEncoder.read(in));
        } catch (IOException e) {
            throw new CliException(ExitCode.DATA, enc + " is not a readable CSV encoder: " + e.getMessage(), e);
        }
    }

    /**
     * Rows of {@code f} numbers. A first line none of whose cells is a number is a header (a header
     * names columns); any other line is a row, the first one too, so a cell that is not a finite
     * number is refused with its line and column wherever it is (a first row taken for a header
     * would be dropped, and the outputs would no longer line up with the rows).
     */
    static List<float[]> numericRows(Path file, int f) {
        return numericRows(file, f, Optional.empty());
    }

    /**
     * {@link #numericRows(Path, int)} for a model whose training columns are known: a header must
     * name them, in order (ignoring case), or the rows are refused before any prediction, since
     * columns in another order would be predicted on silently wrong.
     */
    static List<float[]> numericRows(Path file, int f, Optional<TrainingColumns> columns) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.DATA, file + ": no such file");
        } catch (IOException e) {
            throw new CliException(ExitCode.DATA, "cannot read " + file + " as text: " + e.getMessage(), e);
        }
        List<float[]> rows = new ArrayList<>();
        int blank = -1; // the first blank line after a row: a row after it would no longer line up with its output
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                if (blank < 0 && !rows.isEmpty()) {
                    blank = i + 1;
                }
                continue;
            }
            if (blank > 0) {
                throw new CliException(ExitCode.DATA, org.nntune.nn.data.CsvReader.blankLineBetweenRows(file.toString(), blank, f)
                        .getMessage());
            }
            String[] cells = line.split(",", -1);
            boolean header = first && isHeader(cells);
            first = false;
            if (header) {
                columns.ifPresent(c -> c.check(file, cells));
                continue;
            }
            float[] row = new float[cells.length];
            for (int j = 0; j < cells.length; j++) {
                row[j] = number(cells[j].trim(), file, i + 1, j + 1, f);
            }
            if (cells.length != f) {
                throw new CliException(ExitCode.DATA, file + " line " + (i + 1) + ": expected " + f
                        + " features (the model's input), got " + cells.length);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The columns a model was trained on, in order, and where they come from (for messages).
     *
     * @param source    the data in the user's words, e.g. {@code the bundled iris set}
     * @param names     the feature names, one per model input
     * @param orderOnly refuse only a header that names these columns in another order: the model's
     *                  data is known by name alone, so a header of other names may be another set's
     */
    record TrainingColumns(String source, List<String> names, boolean orderOnly) {
        TrainingColumns {
            names = List.copyOf(names);
        }

        /**
         * Exit code 3 unless the header's cells are these names, in order. Names are compared by
         * {@link #plain}: case, surrounding quotes, a unit in parentheses and the way words are
         * joined do not count, so scikit-learn's {@code sepal length (cm)} and R's {@code Sepal.Length}
         * are {@code sepal_length}.
         */
        void check(Path file, String[] header) {
            List<String> got = new ArrayList<>();
            for (String c : header) {
                String t = c.trim();
                got.add(t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1).trim() : t);
            }
            List<String> plainGot = got.stream().map(TrainingColumns::plain).toList();
            List<String> plainNames = names.stream().map(TrainingColumns::plain).toList();
            if (plainGot.equals(plainNames)
                    || orderOnly && !(new java.util.HashSet<>(plainGot).equals(new java.util.HashSet<>(plainNames))
                            && plainGot.size() == plainNames.size())) {
                return;
            }
            int i = 0;
            while (i < got.size() && i < names.size() && plainGot.get(i).equals(plainNames.get(i))) {
                i++;
            }
            String first = i < got.size() && i < names.size()
                    ? "column " + (i + 1) + " is '" + got.get(i) + "' where the model has '" + names.get(i) + "'"
                    : "the header has " + got.size() + " columns, the model " + names.size();
            throw new CliException(ExitCode.DATA, file + " line 1: the header names the columns " + shortList(got)
                    + ", but the model was trained on " + source + "'s columns " + shortList(names) + ", in this order ("
                    + first + "); write the columns in the model's order, with its names");
        }

        /** A column name as compared: lower case, without a unit in parentheses, its words joined by '_'. */
        static String plain(String name) {
            String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("\\([^)]*\\)", " ");
            return s.replaceAll("[^\\p{L}\\p{N}]+", "_").replaceAll("^_+|_+$", "");
        }

        private static String shortList(List<String> names) {
            return names.size() <= 10 ? names.toString()
                    : "[" + String.join(", ", names.subList(0, 4)) + ", …, " + names.get(names.size() - 1) + "] (" + names.size() + ")";
        }
    }

    /**
     * The training columns of a model of a bundled set (iris, digits): its provenance names the set
     * and its input has the set's number of features. With the set's class names beside it ({@link
     * org.nntune.cli.run.ModelFiles#classNamesFile}, as {@code tune} and {@code best --model} write
     * them) the header must name the set's columns in order; without them (a model copied alone,
     * or trained from Java) the data is known by name alone, a CSV file {@code iris.csv} of other
     * columns has that name too, so only a header naming the set's own columns in another order is
     * refused. Other class names beside it: another set's model, not checked. A CSV-trained model's
     * encoder checks its own header.
     */
    static Optional<TrainingColumns> bundledColumns(Sequential model, Path modelFile, int f) {
        String name = model.provenance().dataName();
        if (!org.nntune.nn.data.Datasets.NAMES.contains(name)) {
            return Optional.empty();
        }
        org.nntune.nn.data.Dataset set = org.nntune.nn.data.Datasets.byName(name);
        List<String> classes = classNames(modelFile);
        if (set.featureNames().size() != f || !classes.isEmpty() && !set.classNames().equals(classes)) {
            return Optional.empty();
        }
        return Optional.of(new TrainingColumns("the bundled " + name + " set", set.featureNames(), classes.isEmpty()));
    }

    /** A header names columns: no cell of it is a number (NaN and infinity count as numbers here), and not every cell is empty. */
    private static boolean isHeader(String[] cells) {
        boolean named = false;
        for (String c : cells) {
            String t = c.trim();
            if (parses(t)) {
                return false;
            }
            named |= !t.isEmpty();
        }
        return named;
    }

    private static boolean parses(String t) {
        try {
            Float.parseFloat(t);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The finite number in a cell, or exit code 3 naming its line and column. */
    private static float number(String t, Path file, int line, int column, int f) {
        String where = file + " line " + line + ", column " + column + ": ";
        // on the first line, say why it is not a header: the user may have meant one
        String firstLine = line == 1 ? " (a first line with numbers in it is a row; a header names the columns)" : "";
        if (t.isEmpty()) {
            throw new CliException(ExitCode.DATA, where + "empty cell; expected a number (each row has " + f + ")" + firstLine);
        }
        float v;
        try {
            v = Float.parseFloat(t);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.DATA, where + "expected a number (like 5.1, -2 or 1e-3), got '" + t + "'" + firstLine);
        }
        if (!Float.isFinite(v)) {
            throw new CliException(ExitCode.DATA, where + "'" + t + "' is not allowed; expected a finite number"
                    + (Double.isFinite(Double.parseDouble(t)) ? " (it is outside the float32 range, about ±3.4e38)" : "") + firstLine);
        }
        return v;
    }
}
