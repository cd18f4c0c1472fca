package org.nntune.dashboard.web;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** Studies written through the Storage interface, as workers would write them. */
final class Fixtures {
    private Fixtures() {}

    static final FloatDistribution LR = FloatDistribution.logUniform(1e-4, 1e-1);
    static final IntDistribution LAYERS = IntDistribution.uniform(1, 4);
    static final CategoricalDistribution OPTIMIZER = CategoricalDistribution.of("sgd", "adam", "rmsprop");

    /**
     * A minimised study of {@code n} trials: params lr, layers, optimizer; 6 intermediate values each;
     * every 9th trial fails with a reason, every 7th is pruned, the rest complete with a value that
     * depends on the params.
     */
    static long study(Storage storage, String name, int n, long seed) {
        long id = storage.createStudy(name, List.of(StudyDirection.MINIMIZE));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            finishOne(storage, id, rnd, i % 9 == 8 ? TrialState.FAIL : i % 7 == 6 ? TrialState.PRUNED : TrialState.COMPLETE);
        }
        return id;
    }

    static FrozenTrial finishOne(Storage storage, long studyId, SplittableRandom rnd, TrialState state) {
        FrozenTrial t = storage.createTrial(studyId);
        // as a worker stamps it when it starts a trial
        storage.setTrialSystemAttr(t.trialId(), SystemAttrs.WORKER, "fixture-host:" + ProcessHandle.current().pid() + "/"
                + Thread.currentThread().getName());
        double lr = Math.exp(Math.log(1e-4) + rnd.nextDouble() * (Math.log(1e-1) - Math.log(1e-4)));
        long layers = 1 + rnd.nextInt(4);
        String opt = (String) OPTIMIZER.choices().get(rnd.nextInt(3));
        param(storage, t, "lr", lr, LR);
        param(storage, t, "layers", layers, LAYERS);
        param(storage, t, "optimizer", opt, OPTIMIZER);
        double value = 0.05 + Math.pow(Math.log10(lr) + 2.5, 2) * 0.04 + 0.01 * layers + (opt.equals("sgd") ? 0.05 : 0)
                + rnd.nextDouble() * 0.02;
        int steps = state == TrialState.PRUNED ? 3 : 6;
        for (int s = 0; s < steps; s++) {
            storage.setTrialIntermediateValue(t.trialId(), s, value * (1 + 2 * Math.exp(-s)));
        }
        return finish(storage, t, state, value);
    }

    static FrozenTrial finish(Storage storage, FrozenTrial t, TrialState state, double value) {
        switch (state) {
            case COMPLETE -> storage.finishTrial(t.trialId(), state, List.of(value), Optional.empty());
            case PRUNED -> storage.finishTrial(t.trialId(), state, List.of(value * 3), Optional.empty());
            case FAIL -> storage.finishTrial(t.trialId(), state, List.of(),
                    Optional.of("the loss became NaN at epoch 3; try a lower learning rate"));
            default -> throw new IllegalArgumentException("cannot finish a trial as " + state);
        }
        return storage.getTrial(t.trialId());
    }

    static void param(Storage storage, FrozenTrial t, String name, Object value, Distribution d) {
        storage.setTrialParam(t.trialId(), name, d.toInternal(value), d);
    }
}
