package org.nntune.tune.population;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What population-based training trains: the tuner knows a member only as hyperparameters, a
 * metric per epoch and its state as bytes. The objective makes a member from hyperparameters and,
 * after the first round, from the bytes of a checkpoint (the member's own, or a better member's
 * when it exploits); the tuner stores those bytes in the storage's artifact area, so any worker in
 * any process can continue any member.
 *
 * <p>For exploit to copy exactly, a member's training must depend only on its checkpoint, its
 * hyperparameters and the epoch number: restore a donor's bytes with the donor's hyperparameters,
 * train the next epoch, and the metric is the one the donor would have reached.
 */
@FunctionalInterface
public interface PopulationObjective {

    /**
     * Makes a member.
     *
     * @param params the hyperparameters (external values), to be used from now on
     * @param checkpoint empty for a fresh member, else bytes an earlier {@link Member#save()} returned
     * @param seed the member's seed (for a fresh member's initial weights and its data order)
     */
    Member member(Map<String, Object> params, Optional<byte[]> checkpoint, long seed) throws Exception;

    /**
     * The epochs a member trains in all, when the objective itself has a say (a network space that
     * fixes its {@code epochs}); empty (the default) when it leaves them to {@link PbtOptions#epochs()}.
     * {@link PopulationTraining#run} refuses options whose epochs differ: the options decide how long
     * members train, so a different number here would be overridden in silence.
     */
    default OptionalInt epochs() {
        return OptionalInt.empty();
    }

    /** One member being trained by one worker. */
    interface Member extends AutoCloseable {
        /**
         * Trains one epoch and evaluates.
         *
         * @param epoch the member's epoch, 0-based, counted over all rounds
         * @return the metric after the epoch (the study's direction says which way is better)
         */
        double trainEpoch(int epoch) throws Exception;

        /**
         * The hyperparameters the member's training adapts itself (a hypergradient learning rate, an
         * implicitly differentiated L2…), by name, as they stand after the last {@link #trainEpoch};
         * empty for a member that adapts nothing (the default). The tuner stores them per epoch on
         * the round's trial ({@code SystemAttrs.ADAPTED_HYPERPARAMETERS}). They belong to the
         * training state: {@link #save()} must keep them, so a member continued from the bytes (its
         * own, or a copying member) goes on from where they got to.
         */
        default Map<String, Double> adapted() {
            return Map.of();
        }

        /** @return the whole training state (weights, optimiser state, epoch, random state) as bytes */
        byte[] save() throws Exception;

        /** Frees the member's buffers; the default does nothing. */
        @Override
        default void close() throws Exception {}
    }
}
