package org.nntune.cli.run;

import org.nntune.cli.studyfile.StudyFile;
import org.nntune.search.L2Adapt;
import org.nntune.search.NetworkConfig;
import org.nntune.search.NetworkSpace;
import org.nntune.search.ParamSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The effective search space printed when a study starts: what is searched (and over what) and
 * what is fixed, with the {@code model.defaults} mode that decided the parameters the file does
 * not name — so that nothing is searched or fixed behind the user's back.
 */
final class SpaceSummary {
    private SpaceSummary() {}

    /**
     * @param space the space the study's networks are built from ({@link StudyData#space}): the file's, with a text
     *              model's unnamed token limits narrowed to the data's
     */
    static void print(StudyFile sf, NetworkSpace space, PrintWriter out) {
        StudyFile.ModelSpec model = sf.model();
        Map<String, ParamSpec> params = space.params();
        Map<String, ParamSpec> asWritten = model.network().params();
        boolean series = sf.data().series().isPresent();
        boolean timeMode = sf.budget().timeMode(Optional.empty(), Optional.empty(), sf.sampler().type());
        Optional<StudyFile.TextSpec> text = sf.data().source() instanceof StudyFile.DataSource.Csv c ? c.text() : Optional.empty();
        List<String> searched = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, ParamSpec> e : params.entrySet()) {
            String name = e.getKey();
            boolean written = model.space().keySet().stream().anyMatch(k -> NetworkSpace.canonicalName(k).equals(name))
                    || name.equals("preprocessing") && sf.data().preprocessingGiven();
            Optional<String> inert = inert(name, params, series, text.isPresent());
            if (inert.isPresent()) {
                // a default that cannot act is not shown; one the file sets is named, with why it does nothing
                if (written) {
                    String key = name.equals("preprocessing") && !StudyData.named(sf, "preprocessing")
                            ? "data.preprocessing" : "model.space." + name;
                    notes.add("note: " + key + " has no effect here: " + inert.get());
                }
                continue;
            }
            String mark = written ? "" : "*";
            if (name.equals("epochs") && timeMode) {
                // the time-budget mode trains each trial up to budget.max_epochs (a file's epochs is refused there)
                fixed.add("epochs=up to " + sf.budget().timeBudget(java.time.Duration.ofSeconds(1)).maxEpochs() + " (budget.max_epochs)");
                continue;
            }
            if (!written && text.isPresent() && e.getValue() instanceof ParamSpec.Fixed f
                    && StudyData.TOKEN_LIMITS.contains(name) && !f.equals(asWritten.get(name))) {
                // narrowed to the data's (StudyData#space): the encoder's max length, or its vocabulary's size
                int v = ((Number) f.value()).intValue();
                String why = name.equals("max_length") ? "data.max_length"
                        : v == text.get().vocabSize() ? "data.vocab_size" : "the data's vocabulary, padding and unknown included";
                fixed.add(name + mark + "=" + v + " (" + why + ")");
                continue;
            }
            if (e.getValue() instanceof ParamSpec.Fixed f && name.equals("preprocessing") && "pixels".equals(f.value())
                    && !StudyData.named(sf, "preprocessing")) {
                // data.preprocessing (or its default for image sets) spells the networks' 'pixels' as 'pixel': shown as written
                fixed.add(name + mark + "=pixel");
            } else if (e.getValue() instanceof ParamSpec.Fixed f && name.equals("batch_size")
                    && f.value() instanceof Number b && b.intValue() == 0) {
                // 0 is scikit-learn's batch_size='auto' (model.defaults: sklearn), NetworkConfig's min(200, n)
                fixed.add(name + mark + "=auto (min(200, rows))");
            } else if (e.getValue() instanceof ParamSpec.Fixed f) {
                fixed.add(name + mark + "=" + value(f.value()));
            } else {
                searched.add(name + mark + " " + describe(e.getValue()));
            }
        }
        out.println("space (" + model.family() + ", model.defaults: " + model.defaults() + "; * = not named in the file):");
        out.println("  searched: " + (searched.isEmpty() ? "nothing" : String.join(", ", searched)));
        out.println("  fixed:    " + String.join(", ", fixed));
        notes.forEach(out::println);
    }

    /**
     * Why setting {@code name} cannot act in a space of {@code params} (its optimiser, its
     * adaptation modes, its data), or empty when it can: an optimiser's own setting under another
     * optimiser, an adaptation's step without the adaptation, a text setting on a series, a
     * convolution's setting without the cnn cell, input scaling on token ids.
     */
    static Optional<String> inert(String name, Map<String, ParamSpec> params, boolean series, boolean text) {
        return switch (name) {
            case "momentum", "nesterov" -> without(params, "optimizer", List.of("sgd"), "it is the sgd optimizer's setting");
            case "beta1", "beta2" -> without(params, "optimizer", List.of("adam", "adamw"), "it is the adam and adamw optimizers' setting");
            case "hyper_lr" -> without(params, "lr_adapt", adapting(NetworkConfig.LR_ADAPTS), "it is the step of lr_adapt: hypergradient");
            case "l2_hyper_lr", "l2_steps", "neumann_terms", "l2_validation" -> without(params, "l2_adapt",
                    adapting(L2Adapt.MODES), "it is a setting of l2_adapt: implicit");
            // the rnn family's dense head between the sequence and the output: none with layers 0
            case "units", "activation" -> params.containsKey("cell") && params.get("layers") instanceof ParamSpec.Fixed f
                    && ((Number) f.value()).intValue() == 0
                    ? Optional.of("it is the dense head's setting, and this space's layers is 0") : Optional.empty();
            case "filters", "kernel" -> without(params, "cell", List.of("cnn"), "it is the cnn cell's setting");
            case "embedding", "vocab_size", "max_length" -> params.containsKey("cell") && series
                    ? Optional.of("it is a setting of text data, and these data are a series") : Optional.empty();
            // a text model's inputs are token ids, narrowed by its TokenLimit; no scaler is fitted or applied to them
            case "preprocessing" -> text ? Optional.of("it scales numeric inputs, and these data are token ids (a text column),"
                    + " which the embedding looks up unscaled") : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static List<String> adapting(List<String> modes) {
        return modes.stream().filter(m -> !m.equals("none")).toList();
    }

    /** Why a setting of {@code owners} does nothing when {@code key} can take none of them; empty when it can. */
    private static Optional<String> without(Map<String, ParamSpec> params, String key, List<String> owners, String whose) {
        ParamSpec spec = params.get(key);
        if (spec == null && key.endsWith("_adapt")) {
            spec = ParamSpec.fixed("none"); // a space that names no adaptation adapts nothing
        } else if (spec == null) {
            return Optional.empty();
        }
        List<?> can = spec instanceof ParamSpec.Choice c ? c.choices()
                : spec instanceof ParamSpec.Fixed f ? List.of(f.value()) : List.of();
        if (can.isEmpty() || can.stream().anyMatch(v -> owners.contains(String.valueOf(v)))) {
            return Optional.empty();
        }
        return Optional.of(whose + ", and this space's " + key + " is " + (can.size() == 1 ? can.get(0) : "one of " + can));
    }

    static String describe(ParamSpec spec) {
        if (spec instanceof ParamSpec.Choice c) {
            return "[" + String.join(" | ", c.choices().stream().map(SpaceSummary::value).toList()) + "]";
        }
        if (spec instanceof ParamSpec.IntRange r) {
            return r.low() + ".." + r.high() + (r.log() ? " log" : "") + (r.stepped() ? " step " + r.step() : "");
        }
        if (spec instanceof ParamSpec.FloatRange r) {
            return value(r.low()) + ".." + value(r.high()) + (r.log() ? " log" : "") + (r.stepped() ? " step " + value(r.step()) : "");
        }
        return value(((ParamSpec.Fixed) spec).value());
    }

    private static String value(Object v) {
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e6 ? Long.toString(d.longValue()) : String.format(Locale.ROOT, "%.4g", d)
                    .replaceFirst("\\.?0+(e|$)", "$1");
        }
        return String.valueOf(v);
    }
}
