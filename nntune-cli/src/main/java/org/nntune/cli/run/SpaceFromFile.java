package org.nntune.cli.run;

import org.nntune.cli.studyfile.StudyFile;
import org.nntune.cli.studyfile.StudyFile.ParamSpec;
import org.nntune.cli.studyfile.StudyFileException;
import org.nntune.cli.studyfile.YNode;
import org.nntune.search.CnnSpace;
import org.nntune.search.MlpSpace;
import org.nntune.search.NetworkSpace;
import org.nntune.search.RnnSpace;
import org.nntune.tune.sampler.GridSampler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network search space of a study file: the family's search defaults, with every
 * hyperparameter the file names fixed, narrowed or widened as written. The data section's
 * {@code preprocessing} is the space's {@code preprocessing} unless the space itself searches it.
 */
public final class SpaceFromFile {
    private SpaceFromFile() {}

    /** Names the study-file reader accepts under {@code model.space} for a family. */
    public static List<String> parameterNames(String family) {
        return switch (family) {
            case "cnn" -> CnnSpace.parameterNames();
            case "rnn" -> RnnSpace.parameterNames();
            default -> MlpSpace.parameterNames();
        };
    }

    public static NetworkSpace build(StudyFile sf) {
        StudyFile.ModelSpec model = sf.model();
        boolean cnn = model.family().equals("cnn");
        Map<String, Object> declared = new LinkedHashMap<>();
        if (!model.space().containsKey("preprocessing")) {
            declared.put("preprocessing", sf.data().preprocessing().equals("pixel") ? "pixels" : sf.data().preprocessing());
        }
        model.space().forEach((name, spec) -> {
            try {
                declared.put(name, declarative(spec));
            } catch (IllegalArgumentException ex) {
                throw new StudyFileException(model.positions().getOrDefault(name, new YNode.Where(sf.file().toString(), 1, 1)),
                        "model.space." + name, ex.getMessage(), null);
            }
        });
        CnnSpace.Builder cb = cnn ? CnnSpace.builder() : null;
        boolean rnn = model.family().equals("rnn");
        RnnSpace.Builder rb = rnn ? RnnSpace.builder() : null;
        MlpSpace.Builder mb = cnn || rnn ? null : MlpSpace.builder();
        for (Map.Entry<String, Object> e : declared.entrySet()) {
            try {
                if (cnn) {
                    cb.set(e.getKey(), e.getValue());
                } else if (rnn) {
                    rb.set(e.getKey(), e.getValue());
                } else {
                    mb.set(e.getKey(), e.getValue());
                }
            } catch (IllegalArgumentException ex) {
                YNode.Where at = model.positions().getOrDefault(e.getKey(), new YNode.Where(sf.file().toString(), 1, 1));
                String key = model.positions().containsKey(e.getKey()) ? "model.space." + e.getKey() : "data.preprocessing";
                throw new StudyFileException(at, key, ex.getMessage(), null);
            }
        }
        return cnn ? cb.build() : rnn ? rb.build() : mb.build();
    }

    /** The search module's declarative form: a value, a list of values, or a range map. */
    static Object declarative(ParamSpec spec) {
        if (spec instanceof ParamSpec.Fixed f) {
            return f.value();
        }
        if (spec instanceof ParamSpec.Choice c) {
            return c.values();
        }
        ParamSpec.Range r = (ParamSpec.Range) spec;
        if (r.step().isPresent()) {
            // a stepped range is the list of its points (so the grid sampler can enumerate it), within a bound
            return GridSampler.values(r.low(), r.high(), r.step().get(), r.integer());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("low", r.integer() ? (Object) Math.round(r.low()) : (Object) r.low());
        m.put("high", r.integer() ? (Object) Math.round(r.high()) : (Object) r.high());
        m.put("log", r.log());
        m.put("type", r.integer() ? "int" : "float");
        return m;
    }
}
