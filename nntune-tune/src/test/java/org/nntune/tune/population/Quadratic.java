package org.nntune.tune.population;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A small trainable for the tests: noisy SGD with momentum on a quadratic bowl in 4 dimensions.
 * Its state (weights, velocity, seed) goes to bytes; an epoch's noise depends only on the seed and
 * the epoch, so training is a function of (checkpoint, hyperparameters, epoch), as PBT needs.
 * The metric is the loss after the epoch (smaller is better). Shipped in the test-jar for the
 * worker processes of nntune-storage's tests.
 */
public final class Quadratic implements PopulationObjective {
    static final double[] TARGET = {1, -2, 0.5, 3};

    @Override
    public Member member(Map<String, Object> params, Optional<byte[]> checkpoint, long seed) {
        double lr = ((Number) params.get("lr")).doubleValue();
        double momentum = ((Number) params.get("momentum")).doubleValue();
        long steps = params.get("steps") instanceof Number n ? n.longValue() : 5;
        State s = checkpoint.map(State::read).orElseGet(() -> State.fresh(seed));
        return new Member() {
            @Override
            public double trainEpoch(int epoch) {
                SplittableRandom noise = new SplittableRandom(s.seed * 31 + epoch);
                for (int k = 0; k < steps; k++) {
                    for (int i = 0; i < 4; i++) {
                        double g = 2 * (s.w[i] - TARGET[i]) + 0.3 * (noise.nextDouble() - 0.5);
                        s.v[i] = momentum * s.v[i] - lr * g;
                        s.w[i] += s.v[i];
                    }
                }
                double loss = 0;
                for (int i = 0; i < 4; i++) {
                    loss += (s.w[i] - TARGET[i]) * (s.w[i] - TARGET[i]);
                }
                return loss;
            }

            @Override
            public byte[] save() {
                return s.write();
            }
        };
    }

    /** The whole training state. */
    static final class State {
        long seed;
        double[] w = new double[4];
        double[] v = new double[4];

        static State fresh(long seed) {
            State s = new State();
            s.seed = seed;
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 4; i++) {
                s.w[i] = r.nextDouble(-5, 5);
            }
            return s;
        }

        byte[] write() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(seed);
                for (int i = 0; i < 4; i++) {
                    out.writeDouble(w[i]);
                    out.writeDouble(v[i]);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static State read(byte[] b) {
            State s = new State();
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
                s.seed = in.readLong();
                for (int i = 0; i < 4; i++) {
                    s.w[i] = in.readDouble();
                    s.v[i] = in.readDouble();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return s;
        }
    }
}
