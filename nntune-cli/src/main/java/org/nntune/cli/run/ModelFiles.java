package org.nntune.cli.run;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.studyfile.Families;
import org.nntune.cli.studyfile.StudyFile;
import org.nntune.nn.data.InputEncoder;
import org.nntune.nn.model.DivergenceException;
import org.nntune.search.NetworkEstimator;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSource;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a saved model and how they are written: the model, what {@code nntune predict}
 * reads beside it (a CSV encoder or the class names, its {@link Sidecar}), the refit that makes one
 * from a configuration ({@code best --model}), the fixed values that rebuild a trial's network, and
 * the "wrote:" list every run ends with. {@code tune}, {@code best}, {@code predict} and a
 * population-based run share them.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /**
     * A file {@code nntune predict} reads beside a model, and what it is in the "wrote:" list.
     *
     * @param what "CSV encoder" or "class names"
     */
    public record Sidecar(String what, Path file) {
        /** The words after "wrote MODEL" for a sidecar written beside it, if one was: " and its class names FILE". */
        public static String andIts(Optional<Sidecar> sidecar) {
            return sidecar.map(f -> " and its " + f.what() + " " + f.file()).orElse("");
        }
    }

    /**
     * Fits the configuration of {@code params} on all training data of the study file (as the study
     * would; for {@code epochs} when given, see {@link TimeBudgetRecord#refitEpochs}) and saves it to {@code model}; for CSV data the CSV encoder goes beside it
     * ({@link #encoderFile}), so that {@code nntune predict} reads raw CSV rows.
     *
     * @return the file written beside the model, if any ({@link #writeSidecars})
     */
    public static Optional<Sidecar> refitAndSave(StudyFile sf, Map<String, Object> params, long seed, Path model,
                                                 Optional<Integer> epochs) throws IOException {
        StudyData data = StudyData.load(sf, Families.images(sf.model().family()));
        NetworkSpace space = epochs.isPresent() ? data.space(sf).with(Map.of("epochs", epochs.get())) : data.space(sf);
        NetworkEstimator refit;
        try {
            refit = space.suggest(ParamSource.fixed(params), seed).fit(data.train());
        } catch (DivergenceException e) {
            throw new CliException(ExitCode.OTHER, "the refit on all " + data.train().size() + " training rows diverged: "
                    + new StudyFileAdvice(sf).words(e), e);
        }
        refit.save(model);
        return writeSidecars(model, data);
    }

    /**
     * What {@code nntune predict} needs beside a model: for CSV data the CSV encoder (which knows
     * the class names too); otherwise, for classification, the class names ({@link #classNamesFile}).
     * A stale file of the other kind is removed. Returns the file written, if any.
     */
    static Optional<Sidecar> writeSidecars(Path model, StudyData data) throws IOException {
        Path enc = encoderFile(model);
        Path classes = classNamesFile(model);
        if (data.encoder().isPresent()) {
            Files.deleteIfExists(classes);
            writeEncoder(data.encoder().get(), enc);
            return Optional.of(new Sidecar("CSV encoder", enc));
        }
        Files.deleteIfExists(enc); // a stale encoder would be applied to this model's input
        if (data.train().task() == org.nntune.nn.data.Task.CLASSIFICATION) {
            byte[] text = (String.join("\n", data.train().classNames()) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            org.nntune.tune.storage.AtomicFile.write(classes, out -> out.write(text));
            return Optional.of(new Sidecar("class names", classes));
        }
        Files.deleteIfExists(classes);
        return Optional.empty();
    }

    /** Where the CSV encoder of a model file goes: {@code MODEL.csv-encoder} beside it. */
    public static Path encoderFile(Path model) {
        return model.resolveSibling(model.getFileName() + ".csv-encoder");
    }

    /** Where the class names of a model trained on non-CSV data go: {@code MODEL.classes}, one name a line. */
    public static Path classNamesFile(Path model) {
        return model.resolveSibling(model.getFileName() + ".classes");
    }

    private static void writeEncoder(InputEncoder encoder, Path file) throws IOException {
        org.nntune.tune.storage.AtomicFile.write(file, out -> {
            DataOutputStream eo = new DataOutputStream(out);
            encoder.write(eo);
            eo.flush();
        });
    }

    /** The "wrote:" list at the end of a run: each file written, after what it is (in the list's order). */
    static void printWritten(Map<String, Path> files, PrintWriter out) {
        int width = files.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        out.println("wrote:");
        files.forEach((what, file) -> out.println("  " + what + " ".repeat(width - what.length()) + file));
        out.flush();
    }

    /**
     * The values the space holds fixed, by name: with the best trial's parameters they rebuild its
     * network; {@code epochs}, when given, replaces the file's (see {@link TimeBudgetRecord#refitEpochs}). A
     * text model's limits that follow the data ({@link StudyData#space}) are read from the data.
     */
    public static Map<String, Object> fixedValues(StudyFile sf, Optional<Integer> epochs) {
        boolean fromData = sf.data().source() instanceof StudyFile.DataSource.Csv c && c.text().isPresent()
                && StudyData.TOKEN_LIMITS.stream().anyMatch(name -> !StudyData.named(sf, name));
        return fixedValues(fromData ? StudyData.load(sf, false).space(sf) : sf.model().network(), epochs);
    }

    /** {@link #fixedValues(StudyFile, Optional)} of the space the study's networks are built from. */
    static Map<String, Object> fixedValues(NetworkSpace space, Optional<Integer> epochs) {
        Map<String, Object> fixed = new LinkedHashMap<>();
        space.params().forEach((name, spec) -> {
            if (spec instanceof org.nntune.search.ParamSpec.Fixed f) {
                fixed.put(name, f.value());
            }
        });
        epochs.ifPresent(e -> fixed.put("epochs", e));
        return fixed;
    }
}
