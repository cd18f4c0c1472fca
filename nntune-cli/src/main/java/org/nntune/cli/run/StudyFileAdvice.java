package org.nntune.cli.run;

import org.nntune.cli.studyfile.StudyFile;
import org.nntune.nn.model.DivergenceException;
import org.nntune.search.ParamSpec;
import org.nntune.tune.population.PopulationObjective;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The engine's advice on a diverged training in the words of a study file. A
 * {@link DivergenceException}'s own message speaks to Java callers (it names
 * {@code FitOptions.Builder.clipNorm}); a trial of a study file fails with advice on the file's keys
 * instead, built from the exception's facts: a lower {@code lr} (or {@code hyper_lr} when
 * {@code lr_adapt} adapted the rate), {@code clip_norm} only where the family has that key, and
 * {@code preprocessing: standard} only where the inputs may go unscaled. The engine knows nothing of
 * study files; this class knows nothing of training but the exception.
 */
final class StudyFileAdvice {
    private final boolean clipKey;
    private final Optional<String> scaleKey;

    StudyFileAdvice(StudyFile sf) {
        Map<String, ParamSpec> params = sf.model().network().params();
        this.clipKey = params.containsKey("clip_norm");
        ParamSpec pre = params.get("preprocessing");
        boolean unscaled = !clipKey && pre != null && (pre instanceof ParamSpec.Fixed f ? "none".equals(f.value())
                : pre instanceof ParamSpec.Choice c && c.choices().contains("none"));
        // text (the family with clip_norm) is token ids, which no scaler applies to
        this.scaleKey = unscaled ? Optional.of(sf.model().positions().containsKey("preprocessing")
                ? "model.space.preprocessing" : "data.preprocessing") : Optional.empty();
    }

    /** A training that diverged fails with {@link #words} instead (the engine's exception its cause). */
    <T> T run(Callable<T> training) throws Exception {
        try {
            return training.call();
        } catch (DivergenceException e) {
            throw new Diverged(words(e), e);
        }
    }

    /** {@code objective}'s members, their divergences worded by {@link #run}. */
    PopulationObjective members(PopulationObjective objective) {
        return (params, checkpoint, seed) -> {
            PopulationObjective.Member m = objective.member(params, checkpoint, seed);
            return new PopulationObjective.Member() {
                @Override
                public double trainEpoch(int epoch) throws Exception {
                    return run(() -> m.trainEpoch(epoch));
                }

                @Override
                public java.util.Map<String, Double> adapted() {
                    return m.adapted();
                }

                @Override
                public byte[] save() throws Exception {
                    return m.save();
                }

                @Override
                public void close() throws Exception {
                    m.close();
                }
            };
        };
    }

    /** Where the training diverged, and what to change in the study file. */
    String words(DivergenceException e) {
        StringBuilder s = new StringBuilder(DivergenceException.where(e.epoch(), e.batch(), e.loss()));
        List<String> tries = new ArrayList<>();
        if (e.adaptedRates().isEmpty()) {
            tries.add("a lower lr (it was " + e.learningRate() + ")");
        } else {
            s.append(" The learning rates lr_adapt had reached were ").append(e.adaptedRates()).append('.');
            tries.add("a lower hyper_lr" + (e.hyperLearningRate().isPresent()
                    ? " (it was " + e.hyperLearningRate().getAsDouble() + ")" : ""));
        }
        if (clipKey) {
            tries.add(e.clipNorm() > 0 ? "a lower clip_norm (it was " + e.clipNorm() + ")" : "gradient clipping (clip_norm, e.g. 1.0)");
        }
        scaleKey.ifPresent(key -> tries.add("scaling the inputs (" + key + ": standard)"));
        s.append(" Try ");
        for (int i = 0; i < tries.size(); i++) {
            s.append(i == 0 ? "" : i == tries.size() - 1 ? (tries.size() > 2 ? ", or " : " or ") : ", ").append(tries.get(i));
        }
        return s.append('.').toString();
    }

    /** A training of a study file's network diverged; the message says what to change in the file. */
    static final class Diverged extends RuntimeException {
        Diverged(String message, DivergenceException cause) {
            super(message, cause);
        }
    }
}
