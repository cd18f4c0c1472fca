package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.optim.OptimizerState;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run continued from a checkpoint (weights and optimiser state) gives the weights of one
 * uninterrupted run, bit for bit, for every optimiser (without shuffling, so that both runs see the
 * batches in the same order).
 */
class ResumeTest {
    private static final TrainTest IRIS = TestData.standardized(Datasets.iris());

    private static Sequential net() {
        return Sequential.builder().input(4).dense(8, Activation.TANH).dense(3).seed(5).build();
    }

    private static FitOptions.Builder options(Optimizer o, int epochs) {
        return FitOptions.builder().optimizer(o).epochs(epochs).batchSize(16).shuffle(false).seed(3);
    }

    /** A listener that restores a state when the run starts and keeps the state when it ends. */
    private static final class Checkpointing implements TrainingListener {
        private final OptimizerState restore;
        OptimizerState saved;

        Checkpointing(OptimizerState restore) {
            this.restore = restore;
        }

        @Override
        public void onTrainStart(TrainingControl control) {
            if (restore != null) {
                control.restoreOptimizerState(restore);
            }
        }

        @Override
        public void onTrainEnd(TrainingControl control, History history) {
            saved = control.optimizerState();
        }
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne() {
        for (Optimizer o : List.of(Optimizer.sgd(0.05, 0.9, false), Optimizer.adam(0.01), Optimizer.adamW(0.01, 0.01),
                Optimizer.rmsProp(0.005), Optimizer.adagrad(0.05))) {
            Sequential whole = net();
            whole.fit(IRIS.train(), options(o, 4).build());

            Sequential first = net();
            Checkpointing a = new Checkpointing(null);
            first.fit(IRIS.train(), options(o, 2).listener(a).build());
            Sequential.Weights w = first.weights();

            Sequential second = net(); // a fresh model in "another process"
            second.setWeights(w);
            Checkpointing b = new Checkpointing(a.saved);
            second.fit(IRIS.train(), options(o, 2).listener(b).build());

            List<float[]> expected = whole.weights().values();
            List<float[]> actual = second.weights().values();
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).as("%s weights %d", o, i).containsExactly(expected.get(i));
            }
            assertThat(b.saved.steps()).isEqualTo(2 * a.saved.steps());
        }
    }

    @Test
    void aStateOfAnotherOptimiserIsRefused() {
        Checkpointing sgd = new Checkpointing(null);
        net().fit(IRIS.train(), options(Optimizer.sgd(0.1), 1).listener(sgd).build());
        assertThatThrownBy(() -> net().fit(IRIS.train(), options(Optimizer.adam(0.01), 1)
                .listener(new Checkpointing(sgd.saved)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sgd cannot be restored into adam");
    }
}
